"""Finds the grammar files, builds the parser once, and parses a query as one intent.

The grammars live in the top-level `grammars/` folder: a wheel carries them inside the package
(queryrouter/grammars), an editable install reads them from the source tree.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark, Tree

INTENT_ORDER = ("calculation", "conversion", "definition", "topic")
"""The start rules of query.lark, in the order the router tries them."""

_lock = threading.Lock()


def grammar_dir() -> Path:
    """The folder holding query.lark: inside the installed package, else the source checkout's."""
    packaged = Path(__file__).with_name("grammars")
    if (packaged / "query.lark").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "grammars"
    if (checkout / "query.lark").is_file():
        return checkout
    raise FileNotFoundError(f"query.lark not found in {packaged} or {checkout}")


_built: Lark | None = None


def parser() -> Lark:
    """The LALR parser over query.lark, built (or loaded from lark's cache) once, on first use."""
    global _built
    if _built is None:
        from lark import Lark

        with _lock:
            if _built is None:
                _built = Lark.open(str(grammar_dir() / "query.lark"), parser="lalr", lexer="contextual",
                                   start=list(INTENT_ORDER), cache=True, maybe_placeholders=False)
    return _built


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
