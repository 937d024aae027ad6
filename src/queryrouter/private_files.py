"""Folders and files that only this user can have written.

A run reads things from disk that decide its answers or run as code: lark's built parser, shape plans, the
resident server's socket. On a shared machine another user can create files in /tmp or in a shared folder
under names we can predict, so each of these lives in a folder of ours that is checked before use (a real
folder, not a link, owned by this user, closed to others), and each file is opened without following
links, checked to be a regular file of ours, and read up to a size cap. Writes go to a new file beside the
target and are renamed into place, so a reader never sees half a file.

Only os and stat: the command line uses this on every start.
"""

from __future__ import annotations

import os
import stat
from _thread import get_ident  # threading's, without importing threading

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafePath(OSError):
    """A folder or file that another user could have written, or that is not what it should be."""


def _me() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def check_owned(path: str, info: os.stat_result, kind: str) -> None:
    """Raise UnsafePath unless `info` (an lstat or fstat of `path`) is ours and no other user may write it."""
    if hasattr(os, "geteuid") and info.st_uid != _me():
        raise UnsafePath(f"{path}: the {kind} belongs to another user (uid {info.st_uid})")
    if info.st_mode & 0o022:
        raise UnsafePath(f"{path}: other users may write the {kind} (mode {stat.S_IMODE(info.st_mode):o})")


def cache_root() -> str:
    """$XDG_CACHE_HOME/queryrouter, or ~/.cache/queryrouter (a relative XDG_CACHE_HOME is ignored, as the XDG
    specification says): where a run keeps what it learned. Not made here: see private_folder."""
    root = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(root):
        root = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "queryrouter")


def private_folder(path: str) -> str:
    """`path` as a folder only this user can use: made (mode 0700) when missing, else checked with lstat.

    A folder of ours that others may read but not write (an older release made them 0755) is closed to
    them; one that is a link, not a folder, another user's, or writable by others raises UnsafePath."""
    try:
        os.makedirs(path, mode=0o700)
    except FileExistsError:
        pass
    if check_folder(path).st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def private_cache(name: str) -> str:
    """The folder `name` in this user's cache folder, both private (made or checked: private_folder)."""
    return private_folder(os.path.join(private_folder(cache_root()), name))


def check_folder(path: str) -> os.stat_result:
    """lstat of `path`, which must be a real folder (not a link) of ours that no other user may write;
    UnsafePath otherwise. Nothing is made or changed: a client checks with this before trusting a folder."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafePath(f"{path}: not a folder (a link or a file stands there)")
    check_owned(path, info, "folder")
    return info


def read_private(path: str, limit: int) -> bytes:
    """The bytes of `path`, which must be a regular file of ours (a link, FIFO, device or another user's
    file raises UnsafePath) of at most `limit` bytes, counted while reading, not trusted from stat."""
    return read_regular(path, limit, private=True)


def read_regular(path: str, limit: int, private: bool = False) -> bytes:
    """The bytes of the regular file `path` (a FIFO or device raises UnsafePath, never waits or reads
    forever), at most `limit` of them, counted while reading. `private`: also not a link, and ours alone
    (read_private); without it, a file the user named, a link to one included, whoever owns it."""
    handle = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | (_NOFOLLOW if private else 0))
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(f"{path}: not a regular file")
        if private:
            check_owned(path, info, "file")
        parts, size = [], 0
        while size <= limit and (part := os.read(handle, min(1 << 20, limit + 1 - size))):
            parts.append(part)
            size += len(part)
        if size > limit:
            raise UnsafePath(f"{path}: larger than {limit} bytes")
        return b"".join(parts)
    finally:
        os.close(handle)


def write_private(path: str, data: bytes) -> None:
    """Write `data` to `path` whole: into a new file (mode 0600) beside it, then renamed over it. The new
    file is removed when anything fails."""
    temporary = f"{path}.{os.getpid()}.{get_ident()}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise
