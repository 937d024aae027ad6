"""The grammars and data ship inside the wheel and are found by an editable install too."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from queryrouter.grammar import INTENT_ORDER, TAGGED, grammar_dir

ROOT = Path(__file__).resolve().parents[1]


def test_editable_install_reads_the_checkout_grammars() -> None:
    assert Path(grammar_dir()) == ROOT / "grammars"


def test_every_intent_is_a_complete_slice() -> None:
    """A new intent needs its grammar, its corpus, its module and its line in query.lark (or, read from
    the tag stream, its own parser: grammar.TAGGED)."""
    from queryrouter.intents import INTENTS

    query = (ROOT / "grammars" / "query.lark").read_text()
    assert tuple(INTENTS) == INTENT_ORDER
    for intent in INTENT_ORDER:
        assert (ROOT / "grammars" / f"{intent}.lark").is_file()
        assert (ROOT / "grammars" / f"{intent}.examples.toml").is_file()
        assert (f"%import .{intent} ({intent})" in query) != (intent in TAGGED)
        assert callable(INTENTS[intent].answer) and callable(INTENTS[intent].reader)


@pytest.mark.skipif(not __import__("importlib").util.find_spec("hatchling"), reason="hatchling not installed")
def test_wheel_contains_grammars_data_and_py_typed(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, timeout=300)
    wheel = next(tmp_path.glob("queryrouter-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for grammar in (ROOT / "grammars").iterdir():
        assert f"queryrouter/grammars/{grammar.name}" in names
    assert "queryrouter/py.typed" in names
    assert "queryrouter/data/unit_aliases.toml" in names
    assert any(name.endswith("/licenses/LICENSE") for name in names)


def test_the_parser_cache_is_named_by_every_grammar_not_only_query_lark(tmp_path: Path) -> None:
    """Two installs whose query.lark is the same but whose imported grammars differ (a checkout beside a
    wheel of another version) must not share a built parser: lark's own cache name hashes query.lark
    alone, and one such install loaded the other's parser and failed on its tokens."""
    import shutil

    from queryrouter.grammar import cache_file
    from queryrouter.private_files import cache_root

    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(grammar_dir(), first)
    shutil.copytree(grammar_dir(), second)
    assert cache_file(str(first)) == cache_file(str(second)) == cache_file(grammar_dir())  # by content
    calculation = second / "calculation.lark"
    calculation.write_text(calculation.read_text(encoding="utf-8") + "\n// another version\n", encoding="utf-8")
    assert cache_file(str(second)) != cache_file(str(first))
    assert Path(cache_file(str(first))).parent == Path(cache_root(), "parsers")  # this user's, not /tmp
