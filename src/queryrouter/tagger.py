"""Tag, before any grammar runs: the normalized text as a list of classed tokens.

Each token keeps its spelling and place in the text. Its class comes from the Vocabulary (vocabulary.py):
the longest phrase at each position wins, so "how many" is one frame and "is equal to" one connector.
Numbers written in digits are `number`; what no class holds is `word` (a unit, a term, a subject: the
intents decide) or `symbol`. The grammars are written over these classes, so a new phrasing is a data line.

Asked to (`known`), the tagger forgives a typo in a long word of the vocabulary ("thesarus", "captial"):
a word no class holds and the language does not know, one or two letters from exactly one phrase of a
typo-tolerant class, is read as that phrase; the tag keeps the spelling typed (`text`) and gains the one
read (`corrected`), and `repaired()` gives the text the grammars then read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .vocabulary import Vocabulary

NUMBER = "number"
WORD = "word"
SYMBOL = "symbol"

# Digits ("19.2", ".5", "4e5", "1/4"), then words as common.lark's WORD reads them (unit spellings keep
# their marks: km/h, l/100km, m^2), then the arrows and signs a query may hold, then any other character.
_TOKEN_RE = re.compile(
    r"(?P<number>\d+/\d+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w])|\.\d+)"
    r"|(?P<word>(?:[^\W\d_]|[°µ])(?:[\w°²³µ/^'’.\-]*[\w°²³µ])?|\d+[^\W\d_][\w°²³µ/^'’.\-]*)"
    r"|(?P<symbol>->|=>|→|[^\s\w])"
)


@dataclass(frozen=True, slots=True)
class Tag:
    """One token: its class, its text as typed (case kept) and where it stands in the normalized text;
    `corrected`, the phrase a misspelt word was read as ("thesarus": "thesaurus"), else None."""

    kind: str
    text: str
    start: int
    end: int
    corrected: str | None = None

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def word(self) -> str:
        """The token as read: the corrected spelling of a typo, else the text as typed."""
        return self.corrected if self.corrected is not None else self.text


def tag(text: str, vocabulary: Vocabulary | None = None, known: Callable[[str], bool] | None = None) -> list[Tag]:
    """The tokens of `text`, each with its class: a vocabulary class, `number`, `word` or `symbol`. With
    `known` (whether a word is one of the language, typed right), a word of no class that is not known
    and lies within a typo of one phrase is read as that phrase (Vocabulary.correction); `known` is only
    asked about such words, so a query with no near miss never loads a dictionary."""
    vocabulary = vocabulary or Vocabulary.default()
    tokens = [(m.lastgroup or SYMBOL, m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    words = [token[1] for token in tokens]
    tags: list[Tag] = []
    index = 0
    while index < len(tokens):
        kind, spelled, start, end = tokens[index]
        found = vocabulary.match(words, index) if kind != NUMBER else None
        if found is not None:
            name, length = found
            end = tokens[index + length - 1][3]
            tags.append(Tag(name, text[start:end], start, end))
            index += length
            continue
        corrected = vocabulary.correction(spelled) if known is not None and kind == WORD else None
        if corrected is not None and known is not None and not known(spelled):
            found = vocabulary.match([corrected], 0)
            tags.append(Tag(found[0] if found is not None else WORD, spelled, start, end, corrected))
        else:
            tags.append(Tag(kind, spelled, start, end))
        index += 1
    return tags


def repaired(text: str, tags: list[Tag]) -> tuple[str, tuple[str, ...]]:
    """`text` with each corrected word spelled as read, and a note for each ("read 'thesarus' as
    'thesaurus'"); `text` itself and no notes when the tagger corrected nothing."""
    corrected = [item for item in tags if item.corrected is not None]
    if not corrected:
        return text, ()
    parts: list[str] = []
    at = 0
    for item in corrected:
        parts += [text[at:item.start], item.word]
        at = item.end
    parts.append(text[at:])
    notes = tuple(dict.fromkeys(f"read {item.text!r} as {item.word!r}" for item in corrected))
    return "".join(parts), notes
