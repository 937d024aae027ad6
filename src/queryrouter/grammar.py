"""Finds the grammar files, builds the parser once, and parses a query as one intent.

The grammars live in the top-level `grammars/` folder: a wheel carries them inside the package
(queryrouter/grammars), an editable install reads them from the source tree.
"""

from __future__ import annotations

import os
from _thread import allocate_lock  # threading.Lock, without importing threading (3 ms)
from functools import cache

from .paths import grammar_dir

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from lark import Lark, Tree

INTENT_ORDER = ("calculation", "conversion", "definition", "topic")
"""The start rules of query.lark, in the order the router tries them."""

_lock = allocate_lock()


_built: Lark | None = None


def parser() -> Lark:
    """The LALR parser over query.lark, built (or loaded from lark's cache) once, on first use."""
    global _built
    if _built is None:
        from lark import Lark

        with _lock:
            if _built is None:
                folder = grammar_dir()
                _built = Lark.open(os.path.join(folder, "query.lark"), parser="lalr", lexer="contextual",
                                   start=list(INTENT_ORDER), cache=cache_file(folder), maybe_placeholders=False)
    return _built


def cache_file(folder: str) -> str:
    """Where lark keeps the built parser: a file in the temporary folder named by the contents of every
    grammar in `folder` and lark's and Python's versions. lark's own name hashes query.lark alone, and it
    checks the grammars query.lark imports at the paths of the install that wrote the cache, so a second
    install with another calculation.lark (a checkout beside a wheel) loaded the first one's parser."""
    import sys
    import tempfile

    from lark import __version__ as lark_version

    from .fingerprints import content_hash

    files = [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith(".lark")]
    grammars = content_hash(files)
    version = f"{lark_version}-{sys.version_info[0]}.{sys.version_info[1]}"
    return os.path.join(tempfile.gettempdir(), f".queryrouter-lark-{version}-{grammars}.tmp")


def parse(text: str, intent: str) -> Tree | None:
    """`text` parsed as `intent`, or None when it is not that kind of query."""
    try:
        return parser().parse(text, start=intent)
    except _lark_error():
        return None


@cache
def _lark_error() -> type[Exception]:
    """lark's base exception, imported on first use (lark stays unloaded until a query needs it)."""
    from lark.exceptions import LarkError

    return LarkError
