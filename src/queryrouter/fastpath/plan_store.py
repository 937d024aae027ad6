"""Shape plans kept on disk, so a new process answers a conversion shape it has seen before ("# lbs to kg")
without loading pint or lark: what makes a repeated one-shot `queryrouter` run fast, as when a launcher
runs one process per query.

A folder of small JSON files (the command line's is in the user's cache folder), one per shape, under a
subfolder named by the Router's unit options and a fingerprint of everything else the plans were derived
from: the package's code, grammars and data, pint's and lark's, and Python's version. An edit, install or
upgrade starts a new subfolder and the old one of the same options is removed. The fingerprint is taken
when the store is opened and again before each write, so a plan made while files changed is not kept.
Files are written whole and renamed into place, so processes share the folder without locks. Plans are
JSON, never pickles, and are checked when read (PlanStore says how). A cache that cannot be read or
written (no folder, a folder others may write, a damaged file) only costs speed: the query is answered
the long way.

os.path, not pathlib, and JSON files, not SQLite: the command line opens this on every start, and those
imports would be a sixth of a one-shot run. json and shapes are imported where they are used: a run that
only needs the fingerprints (one that a server answers: server.py) does without them.

ShippedPlans is the same, learned in advance: the plans of common shapes ("# lb to kg", "#% of #") ship
with the package in data/plans.txt, built by scripts/build_plans.py, so even the first query of such a
shape is answered without pint or lark. Its plans are used only while the code, grammars, data and
pint's definitions are those it was built from, checked by content.
"""

from __future__ import annotations

import mmap
import os
from functools import cache

from ..fingerprints import code_fingerprint, content_fingerprint, data_hash, text_hash
from ..paths import DATA

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from .plans import Plan

MAX_PLANS = 10_000
MAX_PLAN_BYTES = 64 << 10
"""The longest plan file read or written: the corpora's longest is 1.2 kB, a 300-character sum of 150
numbers 9 kB."""


def default_path() -> str:
    """The command line's plans: the folder plans in the user's queryrouter cache (private_files.cache_root)."""
    from ..private_files import cache_root

    return os.path.join(cache_root(), "plans")


class PlanStore:
    """Shape plans by shape key, in a folder shared by every process of this user that uses it.

    A plan decides answers, so it is data checked before use, never trusted as read: the store and its
    subfolders must be folders of ours that no other user may write, a plan file a regular file of ours
    (not a link, FIFO or device) of at most MAX_PLAN_BYTES, whose first line is a checksum of the
    fingerprint and the rest (what an edit or damage changes), and whose JSON is parsed without
    unbounded recursion. A plan that fails any check is removed and learned again the long way."""

    def __init__(self, path: str | os.PathLike[str], options: str) -> None:
        self.path = os.fspath(path)
        self._options = text_hash(options)
        self._checked = ""  # the folder last found private: checked once by get, again by every put
        try:
            self._code: str | None = code_fingerprint()
        except OSError:  # a file vanished while looking: no store for this process
            self._code = None

    def get(self, shape: str) -> Plan | None:
        """The plan stored for `shape`, or None (never stored, stale, damaged, unsafe, or unreadable)."""
        if self._code is None:
            return None
        from ..private_files import read_private

        file = self._file(shape)
        try:
            self._private(os.path.dirname(file))
        except OSError:  # another user's folder, or one others may write: no plans from it
            return None
        try:
            data = read_private(file, MAX_PLAN_BYTES)
        except FileNotFoundError:
            return None
        except OSError:  # a link, FIFO, device, another user's file, too long, unreadable
            _discard(file)
            return None
        try:
            return self._decode(shape, data)
        except (ValueError, KeyError, TypeError, RecursionError):  # edited or damaged
            _discard(file)
            return None

    def put(self, shape: str, plan: Plan) -> None:
        """Keep `plan` for `shape`, unless the code or data changed since the store was opened. The first
        plan of a new fingerprint removes the old ones of the same options; a full folder starts over."""
        import json

        from ..private_files import write_private

        try:
            if self._code is None or code_fingerprint() != self._code:
                self._code = None  # the loaded code may be older than the files: keep nothing more
                return
            text = json.dumps({"shape": shape, "growth": plan.growth, "kind": plan.kind, "plan": plan.to_json()},
                              ensure_ascii=False).encode("utf-8")
            data = checksum(self._folder_name(), text) + b"\n" + text
            if len(data) > MAX_PLAN_BYTES:
                return
            file = self._file(shape)
            folder = os.path.dirname(file)
            self._checked = ""  # another install may have removed the folder since: made again
            self._private(folder)
            write_private(file, data)
            if len(names := os.listdir(folder)) > MAX_PLANS:
                for name in names:
                    if os.path.join(folder, name) != file:
                        os.remove(os.path.join(folder, name))
        except (OSError, ValueError):
            pass

    def _folder_name(self) -> str:
        """The subfolder of these options and this fingerprint."""
        return f"{self._options}-{self._code}"

    def _file(self, shape: str) -> str:
        return os.path.join(self.path, self._folder_name(), f"{text_hash(shape)}.json")

    def _private(self, folder: str) -> None:
        """Raise UnsafePath unless the store and `folder` in it are ours alone (private_files); each is made
        when missing, and a new `folder` first removes the older installs' plans of these options."""
        if folder == self._checked:
            return
        from ..private_files import private_folder

        private_folder(self.path)
        if not os.path.lexists(folder):
            self._clear_others(folder)
        private_folder(folder)
        self._checked = folder

    def _decode(self, shape: str, data: bytes) -> Plan:
        """The plan in `data`, the bytes of the file of `shape`; ValueError, KeyError, TypeError or
        RecursionError (JSON nested deeper than Python recurses) when it is not one put wrote."""
        import json

        from .plans import from_json

        seal, _, text = data.partition(b"\n")
        if seal != checksum(self._folder_name(), text):
            raise ValueError("a plan whose checksum does not match")
        stored = json.loads(text.decode("utf-8"))
        if stored["shape"] != shape or type(stored["growth"]) is not int:
            raise ValueError("a plan of another shape")
        return from_json(stored["kind"], stored["plan"], stored["growth"])

    def _clear_others(self, keep: str) -> None:
        """Plans of an older install with the same options can never be read again."""
        if not os.path.isdir(self.path):
            return
        import shutil

        for name in os.listdir(self.path):
            if name.startswith(f"{self._options}-") and os.path.join(self.path, name) != keep:
                shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)


def checksum(fingerprint: str, text: bytes) -> bytes:
    """The first line of a plan file: a hash of its folder's name (the options and the fingerprint) and
    `text`, the rest. It finds damage and edits made by anything but PlanStore.put, and a plan of other
    code or options; it is not a signature (only a secret could make one): that no other user can write
    the folder is what keeps their plans out."""
    return data_hash(fingerprint.encode("ascii") + b"\n" + text).encode("ascii")


def _discard(file: str) -> None:
    """Remove a plan that failed its checks (the link itself, not what a link points to), so the query
    is learned again and put writes a good one."""
    try:
        os.remove(file)
    except OSError:
        pass


SHIPPED_PLANS = os.path.join(DATA, "plans.txt")


class ShippedPlans:
    """The plans in data/plans.txt, by shape key: a header, then lines sorted by their bytes: one per shape
    (its key as JSON, its growth, its plan's number) and one per plan ("=number", its kind, its JSON).
    A line is found by bisection in a memory map of the file, so a run reads a few pages of it, not all
    of it, and a batch's lookups cost microseconds without an index."""

    def __init__(self, text: bytes | mmap.mmap) -> None:
        self._text = text
        self._body = text.find(b"\n") + 1  # after the header

    @classmethod
    def load(cls, path: str = SHIPPED_PLANS) -> ShippedPlans | None:
        """The shipped plans, or None when there are none or they were built from other code or data."""
        try:
            with open(path, "rb") as handle:
                built_from = handle.readline().rstrip(b"\n").rpartition(b" ")[2].decode("ascii", "replace")
                if built_from != content_fingerprint():
                    return None
                return cls(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError):  # unreadable, or empty (mmap refuses an empty file)
            return None

    def get(self, shape: str) -> Plan | None:
        """The plan shipped for `shape`, or None."""
        import json

        from .plans import from_json

        try:
            found = self._line(json.dumps(shape))
            if found is None:
                return None
            growth, number = found.split("\t")
            kind, _, plan = (self._line(f"={number}") or "").partition("\t")
            return from_json(kind, plan, int(growth))
        except (ValueError, KeyError, TypeError):  # a damaged file costs speed only, as in PlanStore
            return None

    def _line(self, head: str) -> str | None:
        """The rest of the line that begins with `head` and a tab, by bisection over the sorted lines."""
        needle = head.encode("utf-8") + b"\t"
        text, low, high = self._text, self._body, len(self._text)
        while low < high:  # low is always a line's start; every line before it sorts below the needle
            start = text.rfind(b"\n", low, (low + high) // 2) + 1 or low
            end = text.find(b"\n", start)
            end = len(text) if end < 0 else end
            line = text[start:end]
            if line.startswith(needle):
                return line[len(needle):].decode("utf-8")
            if line < needle:
                low = end + 1
            else:
                high = start
        return None


@cache
def shipped_plans() -> ShippedPlans | None:
    return ShippedPlans.load()


