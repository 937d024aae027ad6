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


@pytest.fixture(scope="session")
def _stored_parser(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    """The parser grammar.py keeps in the cache folder, built once per test run, by its name there."""
    import os

    from queryrouter.grammar import _load_or_build, cache_file, grammar_dir

    with pytest.MonkeyPatch.context() as patch:
        root = tmp_path_factory.mktemp("parser")
        patch.setenv("XDG_CACHE_HOME", str(root))
        _load_or_build(grammar_dir())
        file = cache_file(grammar_dir())
        with open(file, "rb") as handle:
            return os.path.relpath(file, root), handle.read()


@pytest.fixture(autouse=True)
def _parser_in_own_cache(_own_cache_folder: None, _stored_parser: tuple[str, bytes]) -> None:
    """Each test's cache folder starts with the built parser, as a user's does after the first run: a test
    that runs the command line does not build it again (half a second each)."""
    import os

    from queryrouter.private_files import private_folder, write_private

    name, data = _stored_parser
    file = os.path.join(os.environ["XDG_CACHE_HOME"], name)  # queryrouter/parsers/<name>
    private_folder(os.path.dirname(os.path.dirname(file)))
    private_folder(os.path.dirname(file))
    write_private(file, data)
