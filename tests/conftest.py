"""Every test runs with its own cache and runtime folders: the command line keeps conversion plans in the
first (plan_store.py) and finds a `queryrouter --serve` in the second (server.py), and a test must neither
read plans another run left, nor leave any in the user's home, nor be answered by the user's own server."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path_factory.mktemp("runtime")))


@pytest.fixture(scope="session")
def current_shipped_plans() -> list[str]:
    """The shape keys of data/plans.txt, built from the code under test. The build hook makes the file at
    install; after an edit to the code that decides answers it is stale, and is built again here once
    (a minute) rather than failing every test that uses it."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from queryrouter.fastpath.plan_store import SHIPPED_PLANS, shipped_plans

    if shipped_plans() is None:
        script = Path(__file__).resolve().parents[1] / "scripts" / "build_plans.py"
        subprocess.run([sys.executable, str(script)], check=True, capture_output=True, timeout=900)
        shipped_plans.cache_clear()
    assert shipped_plans() is not None, "scripts/build_plans.py wrote plans the package does not accept"
    return [json.loads(line.partition("\t")[0])
            for line in Path(SHIPPED_PLANS).read_text(encoding="utf-8").splitlines() if line.startswith('"')]
