"""Shape plans kept on disk, so a new process answers a conversion shape it has seen before ("# lbs to kg")
without loading pint or lark: what makes a repeated one-shot `queryrouter` run fast, as when a launcher
runs one process per query.

A folder of small JSON files (the command line's is in the user's cache folder), one per shape, under a
subfolder named by the Router's unit options and a fingerprint of everything else the plans were derived
from: the package's code, grammars and data, pint's and lark's, and Python's version. An edit, install or
upgrade starts a new subfolder and the old one of the same options is removed. The fingerprint is taken
when the store is opened and again before each write, so a plan made while files changed is not kept.
Files are written whole and renamed into place, so processes share the folder without locks. Plans are
JSON, never pickles, and are checked when read. A cache that cannot be read or written (no folder, a
damaged file) only costs speed: the query is answered the long way.

os.path, not pathlib, and JSON files, not SQLite: the command line opens this on every start, and those
imports would be a sixth of a one-shot run.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import unicodedata
import zlib
from functools import cache

from .shapes import Plan

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from .arithmetic import PreparedCalculation
    from .prepared import Prepared

MAX_PLANS = 10_000
_FINGERPRINTED = (".py", ".lark", ".toml", ".txt")


def default_path() -> str:
    """$XDG_CACHE_HOME/queryrouter/plans, or ~/.cache/queryrouter/plans (a relative XDG_CACHE_HOME is
    ignored, as the XDG specification says)."""
    root = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(root):
        root = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "queryrouter", "plans")


def fingerprint(paths: list[str]) -> str:
    """Size and modification time of each file (and each source or data file under each folder), in one
    short hash: cheap enough for every process start (no file is read), and changed by any edit, install
    or upgrade."""
    stats = [sys.version, unicodedata.unidata_version]
    for path in paths:
        for root, dirs, files in os.walk(path) if os.path.isdir(path) else [("", [], [path])]:
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(_FINGERPRINTED):
                    stat = os.stat(os.path.join(root, name))
                    stats.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return _hash("\n".join(stats))


class PlanStore:
    """Shape plans by shape key, in a folder shared by every process that uses it."""

    def __init__(self, path: str | os.PathLike[str], options: str) -> None:
        self.path = os.fspath(path)
        self._options = _hash(options)
        try:
            self._code: str | None = _code_fingerprint()
        except OSError:  # a file vanished while looking: no store for this process
            self._code = None

    def get(self, shape: str) -> Plan | None:
        """The plan stored for `shape`, or None (never stored, stale, damaged, or unreadable)."""
        if self._code is None:
            return None
        try:
            with open(self._file(shape), encoding="utf-8") as handle:
                stored = json.load(handle)
            if stored["shape"] != shape or not isinstance(stored["growth"], int):
                return None
            return Plan(_from_json(stored["kind"], stored["plan"]), stored["growth"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, shape: str, plan: Plan) -> None:
        """Keep `plan` for `shape`, unless the code or data changed since the store was opened. The first
        plan of a new fingerprint removes the old ones of the same options; a full folder starts over."""
        try:
            if self._code is None or _code_fingerprint() != self._code:
                self._code = None  # the loaded code may be older than the files: keep nothing more
                return
            text = json.dumps({"shape": shape, "growth": plan.growth, "kind": plan.prepared.KIND,
                               "plan": plan.prepared.to_json()},
                              ensure_ascii=False)
            file = self._file(shape)
            folder = os.path.dirname(file)
            if not os.path.isdir(folder):
                self._clear_others(folder)
                os.makedirs(folder, exist_ok=True)
            temporary = f"{file}.{os.getpid()}.{threading.get_ident()}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, file)
            if len(names := os.listdir(folder)) > MAX_PLANS:
                for name in names:
                    if os.path.join(folder, name) != file:
                        os.remove(os.path.join(folder, name))
        except (OSError, ValueError):
            pass

    def _file(self, shape: str) -> str:
        return os.path.join(self.path, f"{self._options}-{self._code}", f"{_hash(shape)}.json")

    def _clear_others(self, keep: str) -> None:
        """Plans of an older install with the same options can never be read again."""
        if not os.path.isdir(self.path):
            return
        import shutil

        for name in os.listdir(self.path):
            if name.startswith(f"{self._options}-") and os.path.join(self.path, name) != keep:
                shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)


def _code_fingerprint() -> str:
    from .grammar import grammar_dir

    here = os.path.dirname(os.path.realpath(__file__))
    return fingerprint([here, grammar_dir(), *_library_files()])


@cache
def _library_files() -> tuple[str, ...]:
    """The files that say which pint and lark are installed, found without importing them (once: the
    fingerprint is taken again before every write)."""
    from importlib.util import find_spec

    files = []
    for library, names in (("pint", ("__init__.py", "default_en.txt", "constants_en.txt")),
                           ("lark", ("__init__.py", "lark.py"))):
        spec = find_spec(library)
        if spec is not None and spec.origin is not None:
            files += [os.path.join(os.path.dirname(spec.origin), name) for name in names]
    return tuple(files)


def _from_json(kind: str, text: str) -> Prepared | PreparedCalculation:
    """A stored plan of either kind, loading only the module that applies it."""
    if kind == "conversion":
        from .prepared import Prepared

        return Prepared.from_json(text)
    if kind == "calculation":
        from .arithmetic import PreparedCalculation

        return PreparedCalculation.from_json(text)
    raise ValueError(f"a plan of unknown kind {kind!r}")


def _hash(text: str) -> str:
    data = text.encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
