"""Every test runs with its own cache folder: the command line keeps conversion plans there
(plan_store.py), and a test must neither read plans another run left nor leave any in the user's home."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
