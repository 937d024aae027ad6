"""Shape plans kept on disk, so a new process answers a conversion shape it has seen before ("# lbs to kg")
without loading pint or lark: what makes a repeated one-shot `queryrouter` run fast, as when a launcher
runs one process per query.

A folder of small JSON files (the command line's is in the user's cache folder), one per shape, under a
subfolder named by the Router's unit options and a fingerprint of everything else the plans were derived
from: the package's code, grammars and data, and pint's definitions. An edit, install or upgrade starts a
new subfolder and the old one of the same options is removed. Files are written whole and renamed into place, so processes can
share the folder without locks. Plans are JSON, never pickles. A cache that cannot be read or written
(no folder, a damaged file) only costs speed: the query is answered the long way.

os.path, not pathlib, and JSON files, not SQLite: the command line opens this on every start, and those
imports would be a sixth of a one-shot run.
"""

from __future__ import annotations

import json
import os
import zlib

from .prepared import Prepared

MAX_PLANS = 10_000
_FINGERPRINTED = (".py", ".lark", ".toml", ".txt")


def default_path() -> str:
    """$XDG_CACHE_HOME/queryrouter/plans, or ~/.cache/queryrouter/plans."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "queryrouter", "plans")


def fingerprint(paths: list[str]) -> str:
    """Size and modification time of each file (and each source or data file under each folder), in one
    short hash: cheap enough for every process start (no file is read), and changed by any edit, install
    or upgrade."""
    stats = []
    for path in paths:
        for root, dirs, files in os.walk(path) if os.path.isdir(path) else [("", [], [path])]:
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(_FINGERPRINTED):
                    stat = os.stat(os.path.join(root, name))
                    stats.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return _hash("\n".join(stats))


class PlanStore:
    """Prepared conversions by shape key, in a folder shared by every process that uses it."""

    def __init__(self, path: str | os.PathLike[str], options: str) -> None:
        self.path = os.fspath(path)
        self._options = options
        self._folder: str | None = None

    def get(self, shape: str) -> Prepared | None:
        """The plan stored for `shape`, or None (never stored, stale, or the cache cannot be read)."""
        try:
            with open(self._file(shape), encoding="utf-8") as handle:
                stored = json.load(handle)
            return Prepared.from_json(stored["plan"]) if stored["shape"] == shape else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, shape: str, plan: Prepared) -> None:
        """Keep `plan` for `shape`; the first write of a process also removes other fingerprints' plans,
        and a full folder starts over."""
        try:
            file = self._file(shape)
            folder = os.path.dirname(file)
            if not os.path.isdir(folder):
                self._clear_others(folder)
                os.makedirs(folder, exist_ok=True)
            temporary = f"{file}.{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump({"shape": shape, "plan": plan.to_json()}, handle, ensure_ascii=False)
            os.replace(temporary, file)
            if len(names := os.listdir(folder)) > MAX_PLANS:
                for name in names:
                    if os.path.join(folder, name) != file:
                        os.remove(os.path.join(folder, name))
        except (OSError, ValueError):
            pass

    def _file(self, shape: str) -> str:
        if self._folder is None:
            from .grammar import grammar_dir

            here = os.path.dirname(os.path.realpath(__file__))
            code = fingerprint([here, grammar_dir(), *_pint_files()])
            self._folder = os.path.join(self.path, f"{_hash(self._options)}-{code}")
        return os.path.join(self._folder, f"{_hash(shape)}.json")

    def _clear_others(self, keep: str) -> None:
        """Plans of an older install with the same options can never be read again."""
        if not os.path.isdir(self.path):
            return
        import shutil

        options = f"{_hash(self._options)}-"
        for name in os.listdir(self.path):
            if name.startswith(options) and os.path.join(self.path, name) != keep:
                shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)


def _hash(text: str) -> str:
    data = text.encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _pint_files() -> list[str]:
    """pint's version and unit definitions, found without importing pint (which is what the plans save)."""
    from importlib.util import find_spec

    spec = find_spec("pint")
    if spec is None or spec.origin is None:
        return []
    folder = os.path.dirname(spec.origin)
    return [os.path.join(folder, name) for name in ("__init__.py", "default_en.txt", "constants_en.txt")]
