"""Every test runs with its own cache and runtime folders: the command line keeps conversion plans in the
first (plan_store.py) and finds a `queryrouter --serve` in the second (server.py), and a test must neither
read plans another run left, nor leave any in the user's home, nor be answered by the user's own server."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path_factory.mktemp("runtime")))
