"""The Vocabulary: every word list queryrouter reads queries with, loaded once from data (vocabulary.toml).

Like dateutil's `parserinfo`, one object holds the words and everything that reads text asks it: the
tagger (tagger.py) for word classes, grammar.py for the terminals it generates, the intents for their
cue and facet words. No word list lives in a Python literal or is repeated in a grammar file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from .errors import ConfigError
from .paths import DATA

FILE = os.path.join(DATA, "vocabulary.toml")
MAX_PHRASE_WORDS = 6
"""The longest phrase, in words, that the tagger tries at each position."""
MIN_TYPO_LETTERS = 5
"""Shorter words are never taken for a misspelling: too many real words lie one letter from them."""
CORRECTIONS_KEPT = 4096
"""Words whose nearest phrase is remembered: the same unit and subject words come again and again."""


class VocabularyError(ConfigError):
    """A vocabulary file that does not have the documented shape; names the file and the class."""


class Vocabulary:
    """Word classes by name: each a set of phrases, or phrases with values ("dozen" -> 12)."""

    def __init__(self, tables: Mapping[str, Any], source: str = "<vocabulary>") -> None:
        self.source = source
        self._values: dict[str, dict[str, Any]] = {}
        self._settings: dict[str, dict[str, Any]] = {}
        for name, table in _classes(tables):
            if not isinstance(table, Mapping) or ("phrases" in table) == ("values" in table):
                raise VocabularyError(f"{source}: [{name}] needs exactly one of `phrases` or `values`")
            entries = table.get("values") or dict.fromkeys(table["phrases"], True)
            if not isinstance(entries, Mapping) or not all(isinstance(p, str) and p for p in entries):
                raise VocabularyError(f"{source}: [{name}] phrases must be non-empty strings")
            self._values[name] = {_words(p): v for p, v in entries.items()}
            self._settings[name] = {k: v for k, v in table.items() if k not in ("phrases", "values", "doc")}
        tagger = tables.get("tagger", {})
        self._order: tuple[str, ...] = tuple(tagger.get("classes", ()))
        self._tolerant: tuple[str, ...] = tuple(tagger.get("typo_tolerant", ()))
        for name in (*self._order, *self._tolerant):
            self.values(name)  # a class that does not exist is an error now, not on a query
        self._index = self._build_index()
        self._near: _NearIndex | None = None  # built on the first word that may be a typo
        self._corrections: dict[str, str | None] = {}

    @classmethod
    def default(cls) -> Vocabulary:
        """The shipped vocabulary, read once per process."""
        return _default()

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Vocabulary:
        with open(path, "rb") as handle:
            try:
                tables = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise VocabularyError(f"{os.fspath(path)}: {error}") from error
        return cls(tables, os.fspath(path))

    @property
    def tagged(self) -> tuple[str, ...]:
        """The classes the tagger tags, in priority order."""
        return self._order

    def phrases(self, name: str) -> frozenset[str]:
        """Every phrase of class `name`."""
        return frozenset(self.values(name))

    def values(self, name: str) -> dict[str, Any]:
        """Class `name` as phrase -> value (True for a plain list); a group's name ("lexicon.facet") gives
        the union of its classes, the first class listed winning a phrase two of them hold."""
        try:
            return self._values[name]
        except KeyError:
            members = self.members(name)
            if not members:
                raise VocabularyError(f"{self.source}: no word class [{name}]") from None
            union: dict[str, Any] = {}
            for member in reversed(members):
                union.update(self._values[member])
            return union

    def members(self, group: str) -> tuple[str, ...]:
        """The classes of a group, in file order: [lexicon.facet.capital], ... of "lexicon.facet"."""
        return tuple(name for name in self._values if name.startswith(group + "."))

    def settings(self, name: str) -> dict[str, Any]:
        """What class `name` says besides its phrases: a facet's Factbook fields and label."""
        self.values(name)  # a class that does not exist is an error
        return self._settings.get(name, {})

    def regex(self, *names: str) -> str:
        """A regular expression matching any phrase of the classes, longest first, any run of spaces
        between the words of a phrase, case-insensitive: what grammar.py puts in a terminal."""
        phrases = sorted({p for name in names for p in self.values(name)}, key=lambda p: (-len(p), p))
        return "(?i:" + "|".join(r"\s+".join(map(re.escape, p.split(" "))) for p in phrases) + ")"

    def match(self, words: list[str], start: int) -> tuple[str, int] | None:
        """The tagged class of the longest phrase at words[start:], and its length in words."""
        for length in range(min(MAX_PHRASE_WORDS, len(words) - start), 0, -1):
            found = self._index.get(" ".join(words[start:start + length]).lower())
            if found is not None:
                return found, length
        return None

    def correction(self, word: str) -> str | None:
        """The one phrase of the typo-tolerant classes ([tagger] typo_tolerant) that `word` is a near
        misspelling of, its first letter right: one edit for a word of 5 to 7 letters, two from 8 (a swap
        of two letters is one edit); never for a shorter word, a word with a digit or a mark, or a word
        some phrase holds. None when no phrase is that near, or when the nearest are phrases of different
        classes ("capitl" is "capital" or "capitol", both the capital: "capital"). Whether `word` is itself
        a word of the language is the caller's to ask (tagger.py): this knows only the vocabulary."""
        key = word.lower()
        if len(key) < MIN_TYPO_LETTERS or not key.isalpha() or not self._tolerant:
            return None
        if key in self._corrections:
            return self._corrections[key]
        if self._near is None:
            self._near = _NearIndex(self, self._tolerant)
        found = self._near.nearest(key)
        if len(self._corrections) >= CORRECTIONS_KEPT:
            self._corrections.clear()
        self._corrections[key] = found
        return found

    def _build_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for name in reversed(self._order):  # the first class listed wins a phrase two classes hold
            index.update(dict.fromkeys(self._values[name], name))
        return index


class _NearIndex:
    """The single-word phrases of the typo-tolerant classes, by first letter and by the spellings left when
    one or two letters are deleted (as SymSpell does): two words within k edits share a spelling with at most k letters
    deleted from each, so a typo's few deletions find the phrases to measure, without a search of them all."""

    def __init__(self, vocabulary: Vocabulary, names: tuple[str, ...]) -> None:
        self.meaning: dict[str, set[str]] = {}  # phrase -> the classes that hold it
        self.known: set[str] = set()  # every word of every phrase of every class: no typo
        for name in vocabulary._values:
            self.known.update(word for phrase in vocabulary._values[name] for word in phrase.split())
        for name in names:
            for member in (name,) if name in vocabulary._values else vocabulary.members(name):
                for phrase in vocabulary._values[member]:
                    if " " not in phrase and len(phrase) >= MIN_TYPO_LETTERS and phrase.isalpha():
                        self.meaning.setdefault(phrase, set()).add(member)
        self.order = {phrase: position for position, phrase in enumerate(self.meaning)}
        self.by_letter: dict[str, dict[str, list[str]]] = {}  # first letter -> deleted spelling -> phrases

    def nearest(self, word: str) -> str | None:
        if word in self.known:
            return None
        # The first letter must be right: 'pound' is no typo of 'found', nor 'honey' of 'money' (words a
        # letter apart are common, typos in the first letter rare). So the phrases are indexed by their first
        # letter, each letter's on the first word that starts with it.
        deleted = self.by_letter.get(word[0])
        if deleted is None:
            deleted = self.by_letter[word[0]] = {}
            for phrase in self.meaning:
                if phrase[0] == word[0]:
                    for spelling in _deletions(phrase, _allowed(phrase)):
                        deleted.setdefault(spelling, []).append(phrase)
        allowed = _allowed(word)
        near = {phrase for spelling in _deletions(word, allowed) for phrase in deleted.get(spelling, ())}
        if not near:
            return None
        from rapidfuzz.distance import OSA  # loaded only for a word near some phrase

        within = [(distance, self.order[phrase], phrase) for phrase in near
                  if (distance := OSA.distance(word, phrase, score_cutoff=allowed)) <= allowed]
        if not within:
            return None
        closest = min(within)[0]
        meanings = {frozenset(self.meaning[phrase]) for distance, _order, phrase in within if distance == closest}
        return min(within)[2] if len(meanings) == 1 else None


def _allowed(word: str) -> int:
    """Edits forgiven in a word of this length: one up to seven letters, two from eight."""
    return 1 if len(word) <= 7 else 2


def _deletions(word: str, depth: int) -> set[str]:
    """`word` and every spelling left by deleting up to `depth` of its letters."""
    found = {word}
    layer = {word}
    for _ in range(depth):
        layer = {spelling[:i] + spelling[i + 1:] for spelling in layer for i in range(len(spelling))}
        found |= layer
    return found


def _classes(tables: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    """(dotted name, table) for every word class: a table with phrases or values; [tagger] is settings."""
    for key, table in tables.items():
        name = prefix + key
        if name == "tagger" or key == "doc":
            continue
        if isinstance(table, Mapping) and not ({"phrases", "values"} & set(table)) and any(
                isinstance(v, Mapping) for v in table.values()):
            yield from _classes(table, name + ".")  # [number.ones], [number.tens]: a group of classes
        else:
            yield name, table


def _words(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@cache
def _default() -> Vocabulary:
    return Vocabulary.from_file(FILE)
