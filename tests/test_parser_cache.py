"""The built parser is kept in this user's cache folder and read only from there (grammar.py): a pickle
another user planted, in the shared temporary folder where lark's own cache was or in a cache folder
they may write, is never unpickled, and the query is still answered."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from queryrouter import Router, grammar
from queryrouter.fingerprints import content_hash
from queryrouter.grammar import cache_file, grammar_dir
from queryrouter.private_files import cache_root


class _Planted:
    """A pickle that makes the folder `marker` when it is unpickled: proof that it ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


@pytest.fixture
def first_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A process whose parser is not built yet, with its cache folder and the shared temporary folder
    (mode 1777, as /tmp) under tmp_path; the marker path a planted pickle would make."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    monkeypatch.setattr(grammar, "_built", None)
    return tmp_path / "planted pickle ran"


def _answers(marker: Path) -> None:
    """The definition is answered, and no planted pickle ran."""
    result = Router(strict=True, cache_size=0, shipped_plans=False).route("behemoth definition")
    assert (result.intent, result.ok) == ("definition", True)
    assert not marker.exists()


def test_a_pickle_planted_where_lark_cached_the_parser_is_not_read(first_run: Path) -> None:
    """The review's finding: lark's cache was /tmp/.queryrouter-lark-<lark>-<python>-<grammars>.tmp,
    whose first line lark skips before unpickling the rest, so another user's file ran as the next user."""
    from lark import __version__ as lark_version

    folder = grammar_dir()
    grammars = content_hash([os.path.join(folder, name) for name in sorted(os.listdir(folder))
                             if name.endswith(".lark")])
    version = f"{lark_version}-{sys.version_info[0]}.{sys.version_info[1]}"
    old = Path(tempfile.gettempdir(), f".queryrouter-lark-{version}-{grammars}.tmp")
    old.write_bytes(b"any first line\n" + pickle.dumps(_Planted(first_run)))
    _answers(first_run)


def _plant(marker: Path) -> Path:
    """A pickle at the name of the stored parser, in this user's cache folder."""
    file = Path(cache_file(grammar_dir()))
    file.parent.mkdir(parents=True, mode=0o700)
    file.write_bytes(pickle.dumps(_Planted(marker)))
    file.chmod(0o600)
    return file


@pytest.mark.parametrize("folder", ["parsers", "queryrouter"])
def test_a_cache_folder_others_may_write_is_not_read_nor_written(first_run: Path, folder: str) -> None:
    file = _plant(first_run)
    planted = file.read_bytes()
    (file.parent if folder == "parsers" else file.parent.parent).chmod(0o777)
    _answers(first_run)
    assert file.read_bytes() == planted  # built in memory: nothing kept where another user may write


PLANTED = {
    "writable by others": lambda file, marker: file.chmod(0o666),
    "another user's": lambda file, marker: os.chown(file, 65534, 65534),
    "a link": lambda file, marker: (
        (file.parent.parent / "theirs").write_bytes(file.read_bytes()), file.unlink(),
        file.symlink_to(file.parent.parent / "theirs")),
    "a FIFO": lambda file, marker: (file.unlink(), os.mkfifo(file)),
}


@pytest.mark.parametrize("planted", PLANTED)
def test_a_stored_parser_that_is_not_a_file_of_ours_is_not_read_but_replaced(first_run: Path,
                                                                             planted: str) -> None:
    if planted == "another user's" and os.geteuid() != 0:
        pytest.skip("only root can give a file to another user (CI runs as root)")
    file = _plant(first_run)
    PLANTED[planted](file, first_run)
    _answers(first_run)
    info = file.lstat()  # built again and stored in its place: a regular file of ours, closed to others
    assert stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) == 0o600


def test_the_stored_parser_is_loaded_not_built_again(first_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lark import Lark

    built = grammar.parser()
    file = Path(cache_file(grammar_dir()))
    assert file.parent == Path(cache_root(), "parsers")
    assert [stat.S_IMODE(path.stat().st_mode) for path in (file.parent.parent, file.parent, file)] == \
        [0o700, 0o700, 0o600]
    monkeypatch.setattr(grammar, "_built", None)
    monkeypatch.setattr(Lark, "open", lambda *_, **__: pytest.fail("built again"))
    loaded = grammar.parser()
    assert loaded is not built
    for query, intent in [("15% of 80", "calculation"), ("define behemoth", "definition"),
                          ("who owns antarctica", "topic")]:  # conversion has its own parser: grammar.py
        assert loaded.parse(query, start=intent) == built.parse(query, start=intent)
    _answers(first_run)


def test_a_damaged_stored_parser_is_built_again(first_run: Path) -> None:
    grammar.parser()
    file = Path(cache_file(grammar_dir()))
    whole = file.read_bytes()
    file.write_bytes(whole[: len(whole) // 2])
    grammar._built = None
    _answers(first_run)
    from lark import Lark

    assert Lark.load(io.BytesIO(file.read_bytes())).parse("15% of 80", start="calculation")


def test_no_cache_folder_only_costs_speed(first_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a file"))
    _answers(first_run)


def test_pints_cache_of_pickles_is_kept_only_in_a_folder_of_ours(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """pint unpickles its parsed definitions from its cache folder: it must be ours alone, never pint's
    default (~/.cache/pint), which pint does not check."""
    from queryrouter.units import _default_registry

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert str(_default_registry().Quantity(1, "lb").to("kg").magnitude).startswith("0.4535")
    folder = tmp_path / "queryrouter" / "pint"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and any(folder.rglob("*"))
    assert not (tmp_path / "pint").exists() and not (tmp_path / "home").exists()
    shutil.rmtree(folder)
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)  # as another user could leave it: not used, the registry built without it
    assert _default_registry().Quantity(1, "lb").to("kg").magnitude > 0.45
    assert not any(folder.iterdir())
