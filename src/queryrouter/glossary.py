"""The glossary: words and topics the router answers from, exact match first, then typo-tolerant.

A Glossary is entries looked up in order (user files first, then the slang list that ships) over the
embedded dictionary and gazetteer (lexicon.py: WordNet 3.1 and the CIA World Factbook in SQLite). Files
are TOML, JSON or CSV with one entry per term; a malformed file raises GlossaryFormatError naming the file
and the line or key, and nothing from it is kept.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .errors import GlossaryFormatError
from .lexicon import FACETS, Lexicon
from .result import Sense
from .typos import max_edits  # one typo tolerance for user entries and the dictionary

MAX_FILE_BYTES = 50_000_000
_TOPIC_CUTOFF = 80.0


@dataclass(frozen=True)
class Entry:
    """One glossary term: a word with senses, or a topic with a summary and facts."""

    term: str
    aliases: tuple[str, ...] = ()
    senses: tuple[Sense, ...] = ()
    synonyms: tuple[str, ...] = ()
    antonyms: tuple[str, ...] = ()
    summary: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    faq: tuple[tuple[str, str], ...] = ()
    source: str = "glossary"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(entry_key(k) for k in (self.term, *self.aliases)))

    def fact(self, facet: str | None) -> str:
        """The text that answers `facet` ("government", "geography"...), else the summary."""
        facts = dict(self.facts)
        if facet and facet in facts:
            return facts[facet]
        return self.summary or (self.senses[0].definition if self.senses else "")


@dataclass(frozen=True)
class WordLookup:
    """A word found for a query, and how: exact, inflection or fuzzy (with what was typed)."""

    entry: Entry
    query: str
    how: str
    score: float


@dataclass(frozen=True)
class TopicHit:
    entry: Entry
    score: float
    text: str
    facet: str | None = None  # the facet `text` answers; None when it is the entry's summary


def entry_key(text: str) -> str:
    """Lookup key of a glossary entry: accents and case folded, punctuation to spaces ("Thérèse" ->
    "therese"). Looser than lexicon.normalize_key, which must match the keys the data builder wrote."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’]s\b", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@dataclass
class Glossary:
    """Entries looked up in order; build with `from_file`, `default` and `over`."""

    entries: Sequence[Entry] = ()
    name: str = "glossary"
    lexicon: Lexicon | None = None
    _index: dict[str, Entry] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._keyed: list[tuple[str, int]] = []  # every key of every entry, with the entry's position
        for position, entry in enumerate(self.entries):
            for key in entry.keys:
                self._index.setdefault(key, entry)
                self._keyed.append((key, position))
        self._keys = [key for key, _position in self._keyed]
        self._sorted_keys = [_sorted_words(key) for key in self._keys]  # token_sort_ratio's sorting, done once
        # For _scored_entries: keys by their text, and by each of their words, so a topic lookup finds the
        # keys inside the query and the keys holding it without a pass over every key.
        self._by_key: dict[str, list[int]] = {}
        self._by_word: dict[str, list[tuple[str, int]]] = {}
        for key, position in self._keyed:
            self._by_key.setdefault(key, []).append(position)
            for word in dict.fromkeys(key.split()):
                self._by_word.setdefault(word, []).append((key, position))
        self._longest_key = max((len(key.split()) for key in self._by_key), default=0)

    @classmethod
    def default(cls) -> Glossary:
        """What ships inside the package: the slang list over WordNet and the Factbook (opened lazily).
        One per process, shared by every Router: it is read-only and its lexicon is thread-safe."""
        return _default_glossary()

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Glossary:
        """Load a TOML, JSON or CSV glossary; raises GlossaryFormatError, keeping nothing, when malformed."""
        name = os.fspath(path)
        parsers = {".toml": _parse_toml, ".json": _parse_json, ".csv": _parse_csv}
        parser = parsers.get(os.path.splitext(name)[1].lower())
        if parser is None:
            raise GlossaryFormatError(name, f"unknown glossary format {os.path.splitext(name)[1]!r}; "
                                            "use .toml, .json or .csv")
        data = _read_capped(name)
        try:
            text = data.decode("utf-8-sig")  # a byte-order mark is allowed, and is not part of the header
        except UnicodeDecodeError as error:
            raise GlossaryFormatError(name, f"not UTF-8 text ({error.reason} at byte {error.start})",
                                      line=data.count(b"\n", 0, error.start) + 1) from None
        try:
            return cls(parser(text, name), name)
        except RecursionError:
            raise GlossaryFormatError(name, "tables or lists nested too deeply",
                                      line=_deepest_line(text)) from None
        except ValueError as error:  # not ours: a parser's own limit, e.g. an integer of over 4,300 digits
            if isinstance(error, GlossaryFormatError):
                raise
            raise GlossaryFormatError(name, f"cannot read a value: {error}", line=_long_number_line(text)) from None

    def over(self, other: Glossary) -> Glossary:
        """This glossary's entries first, then `other`'s (and `other`'s lexicon if this has none)."""
        return Glossary([*self.entries, *other.entries], f"{self.name}+{other.name}",
                        self.lexicon or other.lexicon)

    def lookup(self, word: str, relation: str = "definition", fuzzy: bool = True) -> WordLookup | None:
        """Exact entry, then the lexicon (exact, inflection, typo), then a close misspelling of an entry;
        None when unsure rather than a different word. An entry with no synonyms (or antonyms) leaves
        a `relation` that asks for them to the lexicon: slang's "newbie" has none, WordNet's has seven.
        Without `fuzzy`, no misspelling is tried."""
        key = entry_key(word)
        if not key:
            return None
        if key in self._index:
            entry = self._index[key]
            if self.lexicon is not None and not _lists(entry, relation):
                found = self.lexicon.lookup_word(word)
                if found is not None and _lists(found.entry, relation):
                    return WordLookup(_word_entry(found.entry), word, found.how, found.score)
            return WordLookup(entry, word, "exact", 100.0)
        if self.lexicon is not None:
            found = self.lexicon.lookup_word(word, fuzzy)
            if found is not None:
                return WordLookup(_word_entry(found.entry), word, found.how, found.score)
        best = self._closest(key) if fuzzy else None
        if best is None:
            return None
        matched, score = best
        return WordLookup(self._index[matched], word, "fuzzy", score)

    def word(self, term: str) -> WordLookup | None:
        """The entry for `term` when it is a word, typed right: one with senses (not a topic's summary), and
        not a dictionary headword that names a place or a person first ("paris", "java"). "what is X" asks
        for a definition of such a word; of anything else it asks about a topic."""
        found = self.lookup(term, fuzzy=False)
        if found is None or not found.entry.senses:
            return None
        if found.entry.source == "wordnet" and self.lexicon is not None and self.lexicon.is_name(found.entry.term):
            return None
        return found

    def _closest(self, key: str) -> tuple[str, float] | None:
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        edits = max_edits(key)
        if edits == 0:
            return None
        found = process.extractOne(key, self._keys, scorer=OSA.distance, score_cutoff=edits)
        if found is None:
            return None
        return found[0], fuzz.ratio(key, found[0])

    def suggest(self, word: str, limit: int = 5) -> list[str]:
        """Terms that look like `word`, best first, for "did you mean"."""
        from rapidfuzz import fuzz, process

        key = entry_key(word)
        found = process.extract(key, list(self._index), scorer=fuzz.ratio, limit=limit, score_cutoff=70)
        terms = [self._index[k].term for k, _score, _i in found]
        if self.lexicon is not None:
            terms += self.lexicon.suggest(word, limit)
        return list(dict.fromkeys(terms))[:limit]

    def _scored_entries(self, query: str) -> list[tuple[int, float]]:
        """(position, score) of entries whose keys answer `query`: a whole key inside the query scores
        85-100, the query inside a key 75-90 (so "what is grass" is the dictionary's grass, not "touch
        grass"), and reordered words (token_sort_ratio) count when close."""
        from rapidfuzz import fuzz, process

        best: dict[int, float] = {}
        # fuzz.token_sort_ratio is fuzz.ratio of the words sorted: the keys' words are sorted once, here
        # only the query's (a third of the time on every topic lookup)
        for _key, score, index in process.extract(_sorted_words(query), self._sorted_keys, scorer=fuzz.ratio,
                                                  score_cutoff=_TOPIC_CUTOFF, limit=None):
            position = self._keyed[index][1]
            best[position] = max(best.get(position, 0.0), score)
        words = query.split()
        for start in range(len(words)):  # the question names the term: "who is a simp"
            for end in range(start + 1, min(len(words), start + self._longest_key) + 1):
                key = " ".join(words[start:end])
                score = 100.0 if key == query else 85.0 + 15.0 * len(key) / len(query)
                for position in self._by_key.get(key, ()):
                    best[position] = max(best.get(position, 0.0), score)
        padded = f" {query} "
        for key, position in self._by_word.get(words[0], ()) if words else ():
            if key != query and padded in f" {key} ":  # part of the term: "grass" in "touch grass"
                score = 75.0 + 15.0 * len(query) / len(key)  # below a dictionary's whole-word match (90)
                best[position] = max(best.get(position, 0.0), score)
        return sorted(best.items())

    def topics(self, subject: str, facet: str | None = None, limit: int = 5,
               person: bool = False) -> list[TopicHit]:
        """Entries about `subject`, best first; [] rather than an unrelated entry. `person`: the question
        asks who ("who is bush"), so the dictionary's proper nouns come first."""
        query = entry_key(subject)
        if not query:
            return []
        ranked = []
        for position, score in self._scored_entries(query):  # in glossary order
            entry = self.entries[position]
            ranked.append(TopicHit(entry, round(score, 1), entry.fact(facet),
                                   facet if facet in dict(entry.facts) else None))
        if self.lexicon is not None and sum(hit.score >= 100 for hit in ranked) < limit:
            known_facet = facet if facet in FACETS else None
            for match in self.lexicon.topics(subject, known_facet, limit, person):
                entry = Entry(term=match.term, summary=match.summary, source=match.source)
                ranked.append(TopicHit(entry, match.score, match.summary, match.facet))
        # One stable sort by score: the glossary's own entries first among equals, and a typo-close slang
        # entry ("stan" for "stalin", 80) below the dictionary's exact name (95).
        return sorted(ranked, key=lambda hit: -hit.score)[:limit]


def _sorted_words(key: str) -> str:
    return " ".join(sorted(key.split()))


@cache
def _default_glossary() -> Glossary:
    slang = resources.files(__package__).joinpath("data/slang.toml")
    return Glossary(_parse_toml(slang.read_text(encoding="utf-8"), "slang.toml"), "default", Lexicon())


def _read_capped(name: str) -> bytes:
    """The file's bytes, counted while reading (a file that grows, or a link to /dev/zero, stops at the
    cap); anything but a regular file (a FIFO would wait for a writer) is refused."""
    from .private_files import UnsafePath, read_regular

    try:
        return read_regular(name, MAX_FILE_BYTES)
    except UnsafePath as error:  # its text names the path: the message says the rest
        raise GlossaryFormatError(name, str(error).removeprefix(f"{name}: ")) from None
    except OSError as error:
        raise GlossaryFormatError(name, f"cannot read: {error.strerror}") from None


def _deepest_line(text: str, limit: int = 100) -> int | None:
    """The line where brackets first nest over `limit` deep (strings are not told apart: it only places
    the error for a person)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        for char in line:
            depth += (char in "[{") - (char in "]}")
            if depth > limit:
                return number
    return None


def _long_number_line(text: str) -> int | None:
    """The line of the first number too long for Python to read (over 4,300 digits)."""
    found = re.search(r"\d{4300,}", text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _lists(entry: Any, relation: str) -> bool:
    """Whether `entry` (an Entry or a lexicon WordEntry) has what `relation` asks for."""
    if relation == "synonym":
        return bool(entry.synonyms)
    if relation == "antonym":
        return bool(entry.antonyms)
    return True


def _word_entry(word: Any) -> Entry:
    """A lexicon WordEntry as a glossary Entry."""
    return Entry(term=word.term, senses=word.senses, synonyms=word.synonyms, antonyms=word.antonyms,
                 source=word.source)


# --- file formats ------------------------------------------------------------------------------------

def _parse_toml(text: str, name: str) -> list[Entry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise GlossaryFormatError(name, str(error), line=int(line.group(1)) if line else None) from None
    rows = data.get("entry")
    if not isinstance(rows, list):
        raise GlossaryFormatError(name, "expected a list of [[entry]] tables", key="entry")
    return _entries(rows, name, lambda i: {"key": f"entry[{i}]"})


def _parse_json(text: str, name: str) -> list[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise GlossaryFormatError(name, error.msg, line=error.lineno) from None
    rows = data.get("entry", data.get("entries")) if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise GlossaryFormatError(name, "expected a list of entries, or an object with an 'entries' list")
    return _entries(rows, name, lambda i: {"key": f"entries[{i}]"})


def _parse_csv(text: str, name: str) -> list[Entry]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    if not reader.fieldnames or "term" not in reader.fieldnames:
        raise GlossaryFormatError(name, "the header row must name a 'term' column", line=1)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    start = reader.line_num + 1  # where the next row begins: a quoted field may span lines
    try:
        for row in reader:
            if None in row:
                raise GlossaryFormatError(name, "more fields than the header names", line=start)
            cleaned = {k: v for k, v in row.items() if v not in ("", None)}
            for column in ("aliases", "synonyms", "antonyms", "examples"):
                if column in cleaned:
                    cleaned[column] = [part.strip() for part in cleaned[column].split(";") if part.strip()]
            rows.append(cleaned)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        unterminated = "unexpected end of data" in str(error) or "expected after" in str(error)
        message = "a quote opened here is never closed" if unterminated else str(error)
        raise GlossaryFormatError(name, message, line=start) from None
    return _entries(rows, name, lambda i: {"line": lines[i]})


_FIELDS = {"term", "aliases", "pos", "definition", "examples", "synonyms", "antonyms", "summary", "facts",
           "faq", "source"}


def _entries(rows: list[Any], name: str, where: Any) -> list[Entry]:
    """Each row as an Entry; a term or alias that names an earlier entry is an error, since only one of
    them could ever be found."""
    entries: list[Entry] = []
    seen: dict[str, tuple[int, str]] = {}  # key -> (row, its term)
    for index, row in enumerate(rows):
        entry = _entry(row, name, where(index))
        for spelling in (entry.term, *entry.aliases):
            key = entry_key(spelling)
            if key and key in seen and seen[key][0] != index:
                first, term = seen[key]
                what = "term" if spelling == entry.term else f"alias {spelling!r} of"
                raise GlossaryFormatError(name, f"duplicate: {what} {entry.term!r} names {term!r} "
                                                f"(first at {_place(where(first))})", **where(index))
            seen.setdefault(key, (index, entry.term))
        entries.append(entry)
    return entries


def _place(where: dict[str, Any]) -> str:
    return f"line {where['line']}" if "line" in where else str(where.get("key"))


def _entry(row: Any, name: str, where: dict[str, Any]) -> Entry:
    def fail(message: str) -> GlossaryFormatError:
        return GlossaryFormatError(name, message, **where)

    if not isinstance(row, Mapping):
        raise fail("an entry must be a table/object")
    unknown = set(row) - _FIELDS
    if unknown:
        raise fail(f"unknown field(s) {sorted(unknown)}; expected some of {sorted(_FIELDS)}")
    term = row.get("term")
    if not isinstance(term, str) or not entry_key(term):
        raise fail("'term' must be a non-empty string")
    definition, summary = row.get("definition", ""), row.get("summary", "")
    if not isinstance(definition, str) or not isinstance(summary, str):
        raise fail("'definition' and 'summary' must be strings")
    if not definition and not summary:
        raise fail(f"{term!r} needs a 'definition' or a 'summary'")
    lists = {}
    for column in ("aliases", "examples", "synonyms", "antonyms"):
        value = row.get(column, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"'{column}' must be a list of strings")
        lists[column] = tuple(value)
    facts = row.get("facts", {})
    if not isinstance(facts, Mapping) or not all(isinstance(v, str) for v in facts.values()):
        raise fail("'facts' must map facet names to strings")
    faq = row.get("faq", [])
    if not isinstance(faq, list) or not all(
            isinstance(q, Mapping) and isinstance(q.get("question"), str) and isinstance(q.get("answer"), str)
            for q in faq):
        raise fail("'faq' must be a list of {question, answer} strings")
    pos = row.get("pos", "")
    senses = (Sense(str(pos), definition, lists["examples"]),) if definition else ()
    return Entry(term=term, aliases=lists["aliases"], senses=senses, synonyms=lists["synonyms"],
                 antonyms=lists["antonyms"], summary=summary, facts=tuple(facts.items()),
                 faq=tuple((q["question"], q["answer"]) for q in faq), source=str(row.get("source", "glossary")))
