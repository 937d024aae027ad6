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
    from lark import Lark, Token, Tree
    from lark.lexer import TerminalDef

INTENT_ORDER = ("calculation", "conversion", "definition", "topic")
"""The start rules of query.lark, in the order the router tries them."""

_lock = allocate_lock()


_built: Lark | None = None

PARSERS = "parsers"
"""The folder of built parsers in the user's cache folder."""
PARSER_LIMIT = 16 << 20
"""The most bytes of a stored parser read: the built one is about 110 kB."""


def parser() -> Lark:
    """The LALR parser over query.lark, built (or loaded from this user's cache: cache_file) once, on
    first use."""
    global _built
    if _built is None:
        with _lock:
            if _built is None:
                _built = _load_or_build(grammar_dir())
    return _built


def _load_or_build(folder: str) -> Lark:
    """The parser of the grammars in `folder`: loaded from cache_file, else built and stored there.

    The stored parser is a pickle, and unpickling runs code, so it is read only from a folder of ours
    that no other user may write, and only when the file is a regular file of ours (private_files). lark's
    own cache (`cache=`) read a predictable name in the shared temporary folder, where another user could
    plant one. A cache folder that is not ours alone, or cannot be made, only costs speed (half a second):
    the parser is built in memory. A stored parser that cannot be read or loaded is built again and
    replaced."""
    import io

    from lark import Lark

    from .private_files import private_cache, read_private, write_private

    file: str | None = cache_file(folder)
    try:
        private_cache(PARSERS)
    except OSError:  # UnsafePath, or no home to keep a cache in
        file = None
    if file is not None:
        try:
            return Lark.load(io.BytesIO(read_private(file, PARSER_LIMIT)))
        except Exception:  # missing, not ours alone, or damaged: built again and replaced
            pass
    built = Lark.open(os.path.join(folder, "query.lark"), parser="lalr", lexer="contextual",
                      start=list(INTENT_ORDER), maybe_placeholders=False, edit_terminals=_from_vocabulary)
    if file is not None:
        stored = io.BytesIO()
        built.save(stored)
        try:
            write_private(file, stored.getvalue())
        except OSError:  # a full disk: the next run builds it again
            pass
    return built


def _from_vocabulary(terminal: TerminalDef) -> None:
    """Fills a terminal's word classes from the Vocabulary: `/@{connector}\\b/` in a grammar file becomes
    a regular expression of every phrase of [connector] in vocabulary.toml, so no word list is written in
    a grammar. lark calls this for each terminal before it builds the lexer."""
    import re

    from .vocabulary import Vocabulary

    pattern = terminal.pattern
    if "@{" not in pattern.value:
        return
    vocabulary = Vocabulary.default()
    pattern.value = re.sub(r"@\{([\w.]+(?:\|[\w.]+)*)\}",
                           lambda m: vocabulary.regex(*m.group(1).split("|")), pattern.value)


def cache_file(folder: str) -> str:
    """Where the built parser is kept: in this user's cache folder (private_files.cache_root), named by
    the contents of every grammar in `folder`, the vocabulary, and lark's and Python's versions. Not by
    query.lark alone, as lark's own cache was: a second install with another calculation.lark (a checkout
    beside a wheel) loaded the first one's parser."""
    import sys

    from lark import __version__ as lark_version

    from .fingerprints import content_hash
    from .private_files import cache_root
    from .vocabulary import FILE

    files = [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith(".lark")]
    grammars = content_hash([*files, FILE])  # terminals are made from the vocabulary too
    version = f"{lark_version}-{sys.version_info[0]}.{sys.version_info[1]}"
    return os.path.join(cache_root(), PARSERS, f"lark-{version}-{grammars}.pickle")


def parse(text: str, intent: str) -> Tree[Token] | None:
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
