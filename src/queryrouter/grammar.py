"""Finds the grammar files, builds the parsers once, and parses a query as one intent.

The grammars live in the top-level `grammars/` folder: a wheel carries them inside the package
(queryrouter/grammars), an editable install reads them from the source tree. The conversion grammar reads
the tagger's token stream (tag, then parse: tagger.py and _ConversionLexer below); the other intents are
still read character by character from query.lark.
"""

from __future__ import annotations

import os
from _thread import allocate_lock  # threading.Lock, without importing threading (3 ms)
from functools import cache

from .paths import grammar_dir

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any

    from lark import Lark, Token, Tree
    from lark.lexer import TerminalDef

    from .tagger import Tag
    from .vocabulary import Vocabulary

INTENT_ORDER = ("calculation", "conversion", "definition", "topic")
"""The intents, in the order the router tries them."""
TAGGED = ("conversion",)
"""The intents whose grammar reads the tag stream, each with its own small parser."""

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


def _load_or_build(folder: str, kind: str = "query") -> Lark:
    """The parser of `kind` (query.lark, or conversion.lark) of the grammars in `folder`: loaded from
    cache_file, else built and stored there.

    The stored parser is a pickle, and unpickling runs code, so it is read only from a folder of ours
    that no other user may write, and only when the file is a regular file of ours (private_files). lark's
    own cache (`cache=`) read a predictable name in the shared temporary folder, where another user could
    plant one. A cache folder that is not ours alone, or cannot be made, only costs speed (half a second):
    the parser is built in memory. A stored parser that cannot be read or loaded is built again and
    replaced."""
    import io

    from lark import Lark

    from .private_files import private_cache, read_private, write_private

    file: str | None = cache_file(folder, kind)
    try:
        private_cache(PARSERS)
    except OSError:  # UnsafePath, or no home to keep a cache in
        file = None
    if file is not None:
        try:
            return Lark.load(io.BytesIO(read_private(file, PARSER_LIMIT)))
        except Exception:  # missing, not ours alone, or damaged: built again and replaced
            pass
    if kind == "conversion":  # its terminals are declared: the tokens come from conversion_tokens()
        built = Lark("%import conversion (conversion)\n", parser="lalr", lexer="basic", start="conversion",
                     import_paths=[folder], maybe_placeholders=False)
    else:
        built = Lark.open(os.path.join(folder, "query.lark"), parser="lalr", lexer="contextual",
                          start=[intent for intent in INTENT_ORDER if intent not in TAGGED],
                          maybe_placeholders=False, edit_terminals=_from_vocabulary)
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


def cache_file(folder: str, kind: str = "query") -> str:
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
    prefix = "" if kind == "query" else f"{kind}-"
    return os.path.join(cache_root(), PARSERS, f"{prefix}lark-{version}-{grammars}.pickle")


def parse(text: str, intent: str, tags: list[Tag] | None = None) -> Tree[Token] | None:
    """`text` parsed as `intent`, or None when it is not that kind of query. `tags` are the text's tags
    when the caller has them (the router tags each query once); conversion reads them."""
    try:
        if intent == "conversion":
            return _parse_tokens(conversion_parser(), conversion_tokens(text, tags))
        return parser().parse(text, start=intent)
    except _lark_error():
        return None


@cache
def _lark_error() -> type[Exception]:
    """lark's base exception, imported on first use (lark stays unloaded until a query needs it)."""
    from lark.exceptions import LarkError

    return LarkError


# --- conversion: tag, then parse ----------------------------------------------------------------------

_conversion: Lark | None = None

NAMESPACE = "conversion__"
"""conversion.lark is imported as a namespace, so its tree reads as query.lark's did ("conversion__forward")
and the router's merged reader (intents/__init__.py) takes it unchanged."""


def conversion_parser() -> Lark:
    """The LALR parser of conversion.lark, over declared terminals: built (about 80 ms) or loaded from
    this user's cache (a few ms) once, on first use, as parser() is."""
    global _conversion
    if _conversion is None:
        with _lock:
            if _conversion is None:
                _conversion = _load_or_build(grammar_dir(), "conversion")
    return _conversion


def _parse_tokens(built: Lark, tokens: list[Candidate]) -> Tree[Token]:
    """The tree of `tokens`, each fed to the parser as the first of its candidate terminals the parser can
    take where it stands (as lark's contextual lexer does with regular expressions): "in" after a number
    is the inch, after a unit the connector; "of" inside "cup of flour" is a word of the phrase."""
    from lark import Token as LarkToken

    interactive = built.parse_interactive(None)
    state = interactive.parser_state
    for candidates, text in tokens:
        kinds = [NAMESPACE + kind for kind in candidates]
        kind = kinds[0] if len(kinds) == 1 else next((k for k in kinds if _takes(state, k)), kinds[-1])
        interactive.feed_token(LarkToken(kind, text))
    tree: Tree[Token] = interactive.feed_eof()
    return tree


def _takes(state: Any, kind: str) -> bool:
    """Whether the parser can shift a token of terminal `kind` where it stands, after the reductions it
    would make: the parse table alone also lists tokens that a merged LALR state reduces on and then
    refuses. The state stack is walked on a copy, without building any tree (lark's feed_token would)."""
    states = state.parse_conf.states
    stack = list(state.state_stack)
    shift = _shift()
    while True:
        action = states[stack[-1]].get(kind)
        if action is None:
            return False
        if action[0] is shift:
            return True
        rule = action[1]
        if rule.expansion:
            del stack[-len(rule.expansion):]
        stack.append(states[stack[-1]][rule.origin.name][1])


@cache
def _shift() -> object:
    from lark.parsers.lalr_analysis import Shift

    return Shift


Candidate = tuple[tuple[str, ...], str]
"""A token for the conversion parser: its candidate terminals, most likely first, and its text."""

_FREE = ("courtesy", "frame")
_WORDY = ("WORD", "ARTICLE", "ONE", "OF", "WHAT")  # what may stand before the amount as context
_AMOUNT = ("NUMBER", "FRACTION", "NUMBER_WORDS", "MINUS")


def conversion_tokens(text: str, tags: list[Tag] | None = None) -> list[Candidate]:
    """The tags of `text` (tagger.py; `tags` when already made) as conversion tokens: free words dropped,
    number words joined into one NUMBER_WORDS ("twenty one", "a fourth", "nineteen point two"), and the
    words before the amount that no reading can use marked CONTEXT ("body weight 80 kg in stone")."""
    from .tagger import tag
    from .vocabulary import Vocabulary

    vocabulary = Vocabulary.default()
    words = _conversion_words(vocabulary)
    tags = _inch_before_connector(tag(text, vocabulary) if tags is None else tags, words, vocabulary)
    kept: list[tuple[str, str, str]] = []  # (tag kind, lowercase, text)
    for index, item in enumerate(tags):
        lower = item.lower
        if item.kind in _FREE:
            if not kept and lower in words.verbs:
                kept.append(("verb", lower, item.text))
            elif lower in words.difference:  # "10 degrees c change in f": not a courtesy
                kept.append(("word", lower, item.text))
            continue
        if item.kind == "symbol" and lower in words.punctuation:
            continue
        if (item.kind == "word" and lower in words.ordinal_suffix and index and tags[index - 1].kind == "number"
                and "/" in tags[index - 1].text and tags[index - 1].end == item.start):
            continue  # "1/4th cup"
        kept.append((item.kind, lower, item.text))
    tokens = _number_runs(kept, words)
    _mark_context(tokens)
    return tokens


def _inch_before_connector(tags: list[Tag], words: _Words, vocabulary: Vocabulary) -> list[Tag]:
    """"5 ft 3 in to cm", "1 sq in to sq cm": right after a number or a power word, the "in" of the
    connector "in to" is the inch."""
    from .tagger import Tag, tag

    for index, item in enumerate(tags):
        if (item.kind == "connector" and index and " " in item.text and item.lower.split()[0] in words.inside
                and (tags[index - 1].kind == "number" or tags[index - 1].lower in words.powers)):
            inch = item.text.split()[0]
            after = item.text[len(inch):]
            shift = item.start + len(inch) + len(after) - len(after.lstrip())  # where the rest starts
            rest = [Tag(t.kind, t.text, t.start + shift, t.end + shift) for t in tag(after.lstrip(), vocabulary)]
            return [*tags[:index], Tag("word", inch, item.start, item.start + len(inch)), *rest,
                    *_inch_before_connector(tags[index + 1:], words, vocabulary)]
    return tags


def _number_runs(kept: list[tuple[str, str, str]], words: _Words) -> list[Candidate]:
    """Each tag as its candidate terminals, with every run of number words joined into one NUMBER_WORDS."""
    tokens: list[Candidate] = []
    index = 0
    while index < len(kept):
        kind, lower, text = kept[index]
        end = _number_run(kept, index, words, after_number=bool(tokens) and tokens[-1][0] == ("NUMBER",))
        if end > index:
            tokens.append((("NUMBER_WORDS",), " ".join(t for _k, _l, t in kept[index:end])))
            index = end
            continue
        tokens.append((_candidates(kind, lower, kept, index, words), text))
        index += 1
    return tokens


def _number_run(kept: list[tuple[str, str, str]], start: int, words: _Words, after_number: bool) -> int:
    """The end of the run of number words at `start` (`start` itself when there is none): "two and a half",
    "a dozen", "one hundred and five", "nineteen point two"; "and a half" only right after a number."""
    def number_word(at: int, counting: bool = True) -> bool:
        if at >= len(kept) or kept[at][0] != "word":
            return False
        parts = kept[at][1].replace("-", " ").split()
        return bool(parts) and all(p in (words.counting if counting else words.fractions) for p in parts)

    def article_then(at: int) -> int:  # "a dozen", "a half", "an eighth": the article counts one
        if at < len(kept) and kept[at][1] in words.articles and number_word(at + 1, counting=False):
            return at + 1
        return at

    index = start
    if kept[index][1] in words.joins:
        if not after_number:
            return start
        index += 1
    index = article_then(index)
    if not number_word(index):
        return start
    index += 1
    while index < len(kept):
        if number_word(index):
            index += 1
        elif kept[index][1] in words.joins and number_word(article_then(index + 1)):
            index = article_then(index + 1) + 1
        elif kept[index][1] in words.point and index + 1 < len(kept) and kept[index + 1][1] in words.digits:
            index += 1
            while index < len(kept) and kept[index][1] in words.digits:
                index += 1
        else:
            break
    return index


def _candidates(kind: str, lower: str, kept: list[tuple[str, str, str]], index: int,
                words: _Words) -> tuple[str, ...]:
    """The terminals a tag may be, most likely first; the lexer gives the parser the first it can take."""
    if kind == "number":
        return ("FRACTION",) if "/" in lower else ("NUMBER",)
    if kind == "verb":
        return ("CONVERT",)
    if kind == "symbol":
        if lower == "-" and index + 1 < len(kept) and kept[index + 1][0] == "number":
            return ("MINUS",)
        return ("SYMBOL",)
    if kind == "word":
        return ("MINUS", "WORD") if lower in words.negative else ("WORD",)
    if kind == "connector":
        if index and kept[index - 1][1] in words.powers:  # "sq in", "cubic in": the inch
            return ("WORD",)
        if lower in words.inside:  # right after digits, "in" is the inch where the parser takes both
            return ("WORD", "IN") if index and kept[index - 1][0] == "number" else ("IN", "WORD")
        return ("CONNECTOR", "WORD")
    if kind == "article":
        return ("ONE", "ARTICLE", "WORD") if lower in words.articles else ("ARTICLE", "WORD")
    return (_TERMINALS.get(kind, "WORD"), "WORD")


_TERMINALS = {"source_connector": "FROM", "and": "AND", "of": "OF", "how_many": "HOW_MANY", "what": "WHAT"}
"""The terminal of each tagged class conversion.lark reads; any other class reads as a WORD."""


def _mark_context(tokens: list[Candidate]) -> None:
    """Words before the first amount, when nothing but words stands there ("body weight 80 kg", "if a box
    weighs 20 kg"), are CONTEXT: no reading uses them, and the request reports them as unexplained."""
    index = next((i for i, (candidates, _text) in enumerate(tokens) if candidates[0] in _AMOUNT), 0)
    if any(candidates[0] not in _WORDY and candidates != ("CONVERT",) for candidates, _text in tokens[:index]):
        return
    after = next((candidates for candidates, _text in tokens[index:] if candidates[0] not in _AMOUNT), ())
    if after[:1] != ("WORD",) or "IN" in after:  # "pounds 200 in kg": the word before the amount is its unit
        return
    first = 1 if tokens and tokens[0][0] == ("CONVERT",) else 0
    if index > first and any(candidates[0] == "WORD" for candidates, _text in tokens[first:index]):
        tokens[first:index] = [(("CONTEXT",), text) for _candidates, text in tokens[first:index]]


class _Words:
    """The vocabulary classes the conversion lexer reads, as sets, built once."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.digits = frozenset(w for w, v in vocabulary.values("number.ones").items() if int(v) < 10)
        self.fractions = frozenset().union(*(vocabulary.phrases(f"number.{name}")
                                             for name in ("multiplier", "ordinal", "scale")))
        self.counting = self.fractions | vocabulary.phrases("number.ones") | vocabulary.phrases("number.tens")
        self.articles = vocabulary.phrases("number.article")
        self.point = vocabulary.phrases("number.point")
        self.joins = vocabulary.phrases("number.and")
        self.negative = vocabulary.phrases("number.negative")
        self.ordinal_suffix = vocabulary.phrases("number.ordinal_suffix")
        self.verbs = vocabulary.phrases("conversion.verb")
        self.inside = vocabulary.phrases("conversion.in")
        self.punctuation = vocabulary.phrases("conversion.punctuation")
        self.difference = vocabulary.phrases("conversion.difference")
        self.powers = vocabulary.phrases("conversion.power")


@cache
def _conversion_words(vocabulary: Vocabulary) -> _Words:
    return _Words(vocabulary)
