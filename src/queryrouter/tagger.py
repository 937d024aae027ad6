"""Tag, before any grammar runs: the normalized text as a list of classed tokens.

Each token keeps its spelling and place in the text. Its class comes from the Vocabulary (vocabulary.py):
the longest phrase at each position wins, so "how many" is one frame and "is equal to" one connector.
Numbers written in digits are `number`; what no class holds is `word` (a unit, a term, a subject: the
intents decide) or `symbol`. The grammars are written over these classes, so a new phrasing is a data line.
"""

from __future__ import annotations

import re
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
    """One token: its class, its text as typed (case kept) and where it stands in the normalized text."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tag(text: str, vocabulary: Vocabulary | None = None) -> list[Tag]:
    """The tokens of `text`, each with its class: a vocabulary class, `number`, `word` or `symbol`."""
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
        tags.append(Tag(kind, spelled, start, end))
        index += 1
    return tags
