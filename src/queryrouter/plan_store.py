"""Shape plans kept on disk, so a new process answers a conversion shape it has seen before ("# lbs to kg")
without loading pint or lark: what makes a repeated one-shot `queryrouter` run fast, as when a launcher
runs one process per query.

An SQLite file (the command line's is in the user's cache folder). Each plan is stored under a fingerprint
of everything it was derived from: the package's code, grammars and data, pint's definitions and the
Router's unit options, so a change to any of them hides the old plans. Plans are JSON, never pickles.
A cache that cannot be read or written (no folder, a damaged or locked file) only costs speed: the query
is answered the long way.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import zlib
from pathlib import Path

from .prepared import Prepared

MAX_PLANS = 10_000
_TIMEOUT = 0.2  # seconds to wait for another process's write lock before giving up on the cache
_FINGERPRINTED = (".py", ".lark", ".toml", ".txt")
_SCHEMA = "CREATE TABLE IF NOT EXISTS plan (fingerprint TEXT, shape TEXT, plan TEXT, PRIMARY KEY (fingerprint, shape))"


def default_path() -> Path:
    """$XDG_CACHE_HOME/queryrouter/plans.sqlite, or ~/.cache/queryrouter/plans.sqlite."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "queryrouter" / "plans.sqlite"


def fingerprint(paths: list[Path], options: str) -> str:
    """Size and modification time of each file (and each source or data file under each folder) and
    `options`, in one short hash: cheap enough for every process start (no file is read), and changed by
    any edit, install or upgrade."""
    stats: list[str] = [options]
    for path in paths:
        files = sorted(found for found in path.rglob("*") if found.suffix in _FINGERPRINTED
                       and "__pycache__" not in found.parts) if path.is_dir() else [path]
        for file in files:
            stat = file.stat()
            stats.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
    text = "\n".join(stats).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"


class PlanStore:
    """Prepared conversions by shape key, in an SQLite file shared by every process that uses it."""

    def __init__(self, path: str | os.PathLike[str], options: str) -> None:
        self.path = Path(path)
        self._options = options
        self._fingerprint: str | None = None
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._broken = False

    def get(self, shape: str) -> Prepared | None:
        """The plan stored for `shape`, or None (never stored, stale, or the cache cannot be read)."""
        with self._lock:
            try:
                database = self._open()
                row = database.execute("SELECT plan FROM plan WHERE fingerprint = ? AND shape = ?",
                                       (self._fingerprint, shape)).fetchone() if database else None
                return Prepared.from_json(row[0]) if row else None
            except (sqlite3.Error, OSError, ValueError, KeyError, TypeError):
                return None

    def put(self, shape: str, plan: Prepared) -> None:
        """Keep `plan` for `shape`; plans of other fingerprints and the oldest beyond MAX_PLANS make room."""
        with self._lock:
            try:
                database = self._open()
                if database is None:
                    return
                with database:
                    database.execute("INSERT OR REPLACE INTO plan VALUES (?, ?, ?)",
                                     (self._fingerprint, shape, plan.to_json()))
                    database.execute("DELETE FROM plan WHERE fingerprint != ?", (self._fingerprint,))
                    database.execute("DELETE FROM plan WHERE rowid <= (SELECT max(rowid) FROM plan) - ?",
                                     (MAX_PLANS,))
            except (sqlite3.Error, OSError, ValueError):
                pass

    def _open(self) -> sqlite3.Connection | None:
        if self._connection is None and not self._broken:
            self._broken = True  # until it opens: one failed attempt per process, not one per query
            from .grammar import grammar_dir

            self._fingerprint = fingerprint([Path(__file__).parent, grammar_dir(), *_pint_files()], self._options)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=_TIMEOUT, check_same_thread=False)
            connection.execute("PRAGMA synchronous = OFF")  # a cache: a lost write only costs speed
            connection.execute(_SCHEMA)
            self._connection, self._broken = connection, False
        return self._connection


def _pint_files() -> list[Path]:
    """pint's version and unit definitions, found without importing pint (which is what the plans save)."""
    from importlib.util import find_spec

    spec = find_spec("pint")
    if spec is None or spec.origin is None:
        return []
    folder = Path(spec.origin).parent
    return [folder / "__init__.py", folder / "default_en.txt", folder / "constants_en.txt"]
