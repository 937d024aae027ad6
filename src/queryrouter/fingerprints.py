"""Short hashes of what decides the answers, so a cache is only used by the code and data that made it.

- fingerprint / code_fingerprint: sizes and modification times (no file is read), cheap enough for
  every process start and changed by any edit, install or upgrade: names the plan folder and the socket.
- content_hash / content_fingerprint: contents, the same for every install of the same files: names the
  parser cache and guards the shipped plans.
- text_hash: a short name for a text, fit for a file name.

zlib's crc32 and adler32, not hashlib: these run on every one-shot start, and hashlib's import costs more
than the hashing. They name caches; they are not a defence (private_files.py is).
"""

from __future__ import annotations

import os
import sys
import unicodedata
import zlib
from functools import cache

from .paths import PACKAGE, grammar_dir

_FINGERPRINTED = (".py", ".lark", ".toml", ".txt")

# The package's modules that cannot change an answer (the command line and its server, where caches and
# files live, how they are hashed, explaining): the shipped plans stay valid across edits to them.
_NOT_DECIDING = frozenset({
    "__main__.py", "cli.py", "server.py", "explanation.py", "errors.py",
    "private_files.py", "paths.py", "fingerprints.py", "plan_store.py",
})


def fingerprint(paths: list[str]) -> str:
    """Size and modification time of each file (and each source or data file under each folder), in one
    short hash: cheap enough for every process start (no file is read), and changed by any edit, install
    or upgrade."""
    stats = [sys.version, unicodedata.unidata_version]
    for path in paths:
        for root, files in _walk(path) if os.path.isdir(path) else [("", [path])]:
            for name in files:
                if name.endswith(_FINGERPRINTED):
                    stat = os.stat(os.path.join(root, name))
                    stats.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return text_hash("\n".join(stats))


def content_fingerprint() -> str:
    """What the shipped plans were derived from, by content (an install changes every file's time): what
    decides answers, the package's deciding code and its data, its grammars, and pint's unit definitions."""
    here, grammars = PACKAGE, grammar_dir()
    # A wheel carries the grammars folder inside the package, with its example corpora: skipped here, and
    # its grammars read as a checkout's are.
    files = [os.path.join(root, name) for root, names in _walk(here, skip="grammars")
             for name in names if name.endswith((".py", ".toml")) and name not in _NOT_DECIDING]
    files += [os.path.join(grammars, name) for name in sorted(os.listdir(grammars)) if name.endswith(".lark")]
    files += [name for name in _library_files() if name.endswith(".txt")]
    return content_hash(files)


def content_hash(files: list[str]) -> str:
    """The files' count and the crc32 and adler32 of their contents in order: cheap to take on a one-shot
    run, and changed by any edit."""
    crc, adler = 0, 1
    for file in files:
        with open(file, "rb") as handle:
            data = handle.read()
        crc, adler = zlib.crc32(data, crc), zlib.adler32(data, adler)
    return f"{len(files)}-{crc:08x}{adler:08x}"


def _walk(top: str, skip: str = "__pycache__") -> list[tuple[str, list[str]]]:
    """Each folder under `top` with its file names, in a fixed order, without bytecode (or `skip`) folders."""
    found = []
    for root, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", skip))
        found.append((root, sorted(names)))
    return found


def code_fingerprint() -> str:
    """The package's code, grammars and data and the pint and lark installed, by size and time."""
    return fingerprint([PACKAGE, grammar_dir(), *_library_files()])


@cache
def _library_files() -> tuple[str, ...]:
    """The files that say which pint and lark are installed, found without importing them (once: the
    fingerprint is taken again before every write)."""
    # importlib.machinery, not importlib.util: that imports contextlib, 3 ms of a one-shot run
    from importlib.machinery import PathFinder

    files = []
    for library, names in (("pint", ("__init__.py", "default_en.txt", "constants_en.txt")),
                           ("lark", ("__init__.py", "lark.py"))):
        spec = PathFinder.find_spec(library)
        if spec is not None and spec.origin is not None:
            files += [os.path.join(os.path.dirname(spec.origin), name) for name in names]
    return tuple(files)


def text_hash(text: str) -> str:
    """A short name for `text`, fit for a file name."""
    return data_hash(text.encode("utf-8", "surrogatepass"))


def data_hash(data: bytes) -> str:
    """crc32 and adler32 of `data`, as 16 hex digits."""
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
