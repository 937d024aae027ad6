"""Read-only store over the embedded glossary: WordNet 3.1 words and CIA World Factbook entities.

The data is one SQLite file built by ``scripts/build_glossary.py``. It is opened read-only and
immutable on first use (never at import), so importing queryrouter stays cheap and nothing is written
at run time. One connection is shared behind a lock: SQLite calls are short, and one page cache keeps
memory flat however many threads ask.

Word lookup goes exact key -> inflection (WordNet's exception lists and suffix rules, as its "morphy"
does) -> typo tolerance (Damerau/OSA edits that scale with word length, candidates prefiltered by
first/second letter, length and the letters they hold: typos.TypoIndex). When the typo search cannot tell
two words apart it returns None rather than quietly defining a different word; ``suggest`` then offers the
candidates.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .result import Sense
from .typos import TypoIndex, correction, max_edits, may_be_misspelt, plausible

SCHEMA_VERSION = 4  # 2: 'similar to' links (table similar); 3: every facet's Factbook fields; 4: table derivation
"""The schema this module reads; scripts/build_glossary.py writes this same number into ``meta``."""
# Bounds on the work one topic lookup can cause: a search query's subject is a few words, and no Factbook or
# WordNet name is longer than MAX_NAME_TOKENS words.
MAX_SUBJECT_TOKENS = 24
MAX_NAME_TOKENS = 10  # the longest name in the shipped data

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "glossary.sqlite"

BACKGROUND: tuple[tuple[tuple[str, str], ...], ...] = ((("Introduction", "Background"),),)
"""What a Factbook entity's summary is when no facet is asked, or the one asked is not listed for it."""


@dataclass(frozen=True)
class Facet:
    """One facet of a place a question may ask ("currency", "highest_point"), from its [lexicon.facet.*]
    class in data/vocabulary.toml: the label its answer names, and the Factbook fields that answer it, as
    parts of (section, field) alternatives (the first the entity has answers that part)."""

    name: str
    label: str
    parts: tuple[tuple[tuple[str, str], ...], ...]
    phrases: frozenset[str]


class _Facets(Mapping[str, Facet]):
    """The facets by name, in the vocabulary's order, read on first use (not on import)."""

    def _load(self) -> dict[str, Facet]:
        return _facets()

    def __getitem__(self, name: str) -> Facet:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"FACETS({list(self)})"


FACETS: Mapping[str, Facet] = _Facets()
"""facet name -> Facet, from data/vocabulary.toml ([lexicon.facet.*])."""
FACET_GROUP = "lexicon.facet"


@cache
def _facets() -> dict[str, Facet]:
    from .vocabulary import Vocabulary, VocabularyError

    vocabulary = Vocabulary.default()
    found = {}
    for name in vocabulary.members(FACET_GROUP):
        settings = vocabulary.settings(name)
        facet = name.removeprefix(FACET_GROUP + ".")
        parts = tuple(tuple(_field(f) for f in ([part] if isinstance(part, str) else part))
                      for part in settings.get("fields", ()))
        if not parts or not isinstance(settings.get("label"), str):
            raise VocabularyError(f"{vocabulary.source}: [{name}] needs a `label` and `fields`")
        found[facet] = Facet(facet, settings["label"], parts, vocabulary.phrases(name))
    return found


def _field(path: str) -> tuple[str, str]:
    """ "Geography > Elevation > highest point" -> ("Geography", "Elevation > highest point")."""
    section, _, field = path.partition(" > ")
    return section, field


def facet_fields() -> frozenset[tuple[str, str]]:
    """Every (section, field) some facet answers with: the fields scripts/build_glossary.py embeds."""
    return frozenset(f for facet in FACETS.values() for part in facet.parts for f in part)


SUMMARY_CHARS = 300
FTS_LIMIT = 10
# At most this many definitions may hold every word of a full-text search: bm25 ranks each of them (about
# 5 µs a row), and words that more definitions share ("united" and "states": 2,671) pick out none of them.
FTS_MOST = 200

# WordNet's morphy suffix rules: (inflected ending, base ending) per part of speech.
SUFFIX_RULES: tuple[tuple[str, str, str], ...] = (
    ("noun", "s", ""), ("noun", "ses", "s"), ("noun", "xes", "x"), ("noun", "zes", "z"),
    ("noun", "ches", "ch"), ("noun", "shes", "sh"), ("noun", "men", "man"), ("noun", "ies", "y"),
    ("verb", "s", ""), ("verb", "ies", "y"), ("verb", "es", "e"), ("verb", "es", ""),
    ("verb", "ed", "e"), ("verb", "ed", ""), ("verb", "ing", "e"), ("verb", "ing", ""),
    ("adjective", "er", ""), ("adjective", "est", ""), ("adjective", "er", "e"), ("adjective", "est", "e"),
)
DOUBLED = re.compile(r"([bcdfgklmnprstvz])\1$")  # "runn" -> "run", "bigg" -> "big"


@dataclass(frozen=True)
class Words:
    """The words this module reads a question with, from the Vocabulary's [lexicon.*] classes (read on first
    use, not on import: building the glossary data needs only this module and the standard library)."""

    facets: dict[str, frozenset[str]]  # facet -> the words of its phrases, which only say it is asked
    facet_of: dict[str, str]  # facet phrase -> its facet: "highest point" -> "highest_point"
    function: frozenset[str]  # words WordNet defines none of: never guessed as a misspelling
    not_a_subject: frozenset[str]  # function words and question words: never a question's subject
    explanation_leads: frozenset[str]  # "why", "how": a question no dictionary gloss answers
    who: frozenset[str]  # a question that asks for a person
    abbreviations: dict[str, str]  # short names the Factbook does not list: "uk" -> "united kingdom"
    country_pronouns: dict[str, str]  # "us": a country's name in a question about a country
    unit_abbreviations: dict[str, str]  # "ft" asked alone: the unit it names ("foot"), not a fort


@cache
def words() -> Words:
    """The lexicon's word classes, read once."""
    from .vocabulary import Vocabulary

    vocabulary = Vocabulary.default()
    function = vocabulary.phrases("lexicon.function_word")
    return Words(
        facets={name: frozenset(w for p in facet.phrases for w in p.split()) for name, facet in FACETS.items()},
        facet_of={phrase: name for name, facet in reversed(list(FACETS.items())) for phrase in facet.phrases},
        function=function,
        not_a_subject=function | vocabulary.phrases("lexicon.stopword"),
        explanation_leads=vocabulary.phrases("lexicon.explanation_lead"),
        who=vocabulary.phrases("lexicon.who"),
        abbreviations={k: str(v) for k, v in vocabulary.values("lexicon.abbreviation").items()},
        country_pronouns={k: str(v) for k, v in vocabulary.values("lexicon.country_pronoun").items()},
        unit_abbreviations={k: str(v) for k, v in vocabulary.values("lexicon.unit_abbreviation").items()},
    )


def normalize_key(text: str) -> str:
    """The lookup key: NFKC, casefolded, underscores and runs of spaces as one space."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    return " ".join(text.replace("_", " ").split())


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Cut text to about ``limit`` characters at a sentence (or clause, or word) boundary."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    for boundary in (". ", "; ", ", ", " "):
        cut = head.rfind(boundary)
        if cut >= limit // 3:
            return head[:cut] + ("." if boundary == ". " else " …")
    return head[:limit] + "…"


@dataclass(frozen=True)
class WordEntry:
    """A headword with its senses in WordNet order; synonyms/antonyms already flattened for display."""

    term: str
    senses: tuple[Sense, ...]
    synonyms: tuple[str, ...]
    antonyms: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class WordMatch:
    """A lookup result that says how the query reached the entry, so callers can be honest about it."""

    entry: WordEntry
    query: str
    how: str  # "exact" | "inflection" | "fuzzy"
    score: float  # 0..100


@dataclass(frozen=True)
class TopicMatch:
    """One ranked answer for a subject; ``facet`` is the facet actually answered (None: a summary)."""

    term: str
    summary: str
    score: float
    source: str  # "factbook" | "wordnet"
    facet: str | None


@dataclass(frozen=True)
class _Candidate:
    key: str
    distance: int
    freq: int
    via_stem: bool = False  # reached from a suffix-stripped stem, not from the word as typed

    @property
    def rank(self) -> tuple[int, bool]:
        """Closer first; at the same distance, a match for the whole typed word beats one for its stem
        ("ubiquitus": ubiquitous, one edit from the word, not ubiquity, one edit from "ubiquitu")."""
        return self.distance, self.via_stem


class Lexicon:
    """Dictionary and gazetteer lookups over the glossary SQLite file (bundled one by default)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._path = Path(path) if path is not None else DEFAULT_PATH
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._typos: TypoIndex | None = None
        # A query asks about its word up to three times (a definition's lookup and suggestions, then a topic's
        # suggestions): the last few typo searches are remembered, not more, as the words come from users.
        self._recent_typos = lru_cache(maxsize=16)(self._search_typos)
        self._places: list[str] | None = None

    # --- plumbing ------------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Lexicon({str(self._path)!r})"

    def __getstate__(self) -> dict[str, str]:
        """Pickle the path only: connections and caches are rebuilt on first use."""
        return {"path": str(self._path)}

    def __setstate__(self, state: dict[str, str]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def _connection(self) -> sqlite3.Connection:
        """Open the file read-only on first use and check it is the schema this code reads."""
        if self._db is None:
            if not self._path.is_file():
                raise FileNotFoundError(
                    f"glossary data not found at {self._path}; build it with scripts/build_glossary.py "
                    "or reinstall queryrouter"
                )
            uri = self._path.resolve().as_uri() + "?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            found = int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
            if found != SCHEMA_VERSION:
                db.close()
                raise RuntimeError(f"{self._path} has schema {found}; this queryrouter reads {SCHEMA_VERSION}")
            self._db = db
        return self._db

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._connection().execute(sql, params).fetchall()

    @property
    def schema_version(self) -> int:
        """The data file's schema version (from its ``meta`` table)."""
        return int(self._query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0])

    # --- words ---------------------------------------------------------------------------------

    def lookup_word(self, word: str, fuzzy: bool = True) -> WordMatch | None:
        """Define a word: exact, then as an inflection, then (when `fuzzy`) as a typo of a headword; None if
        unsure."""
        key = normalize_key(word)
        if not key:
            return None
        entry = self._entry(key)
        if entry is not None and not self._rather_inflected(key, entry):
            return WordMatch(entry, word, "exact", 100.0)
        bases = self._base_forms(key)
        for base, pos in bases:
            # Only the senses (and their synonyms) the form can have: "went" is go as a verb, not a turn.
            entry = self._entry(base, tuple(dict.fromkeys(kind for other, kind in bases if other == base)))
            if entry is not None and any(sense.pos == pos for sense in entry.senses):
                return WordMatch(entry, word, "inflection", 95.0)
        if not fuzzy or key in words().function:
            return None
        return self._fuzzy_match(word, key)

    def is_name(self, word: str) -> bool:
        """Whether `word` names a place or a person rather than a thing or an idea: a Factbook name, or a
        headword whose most common sense is a proper noun ("Paris", "Obama", "Java"; not "bush" or
        "mercury"). "what is X" asks for a definition only when X is not a name."""
        key = normalize_key(word)
        first = self._query("SELECT s.display FROM headword h JOIN sense s ON s.headword_id = h.id "
                            "WHERE h.key = ? ORDER BY s.rank LIMIT 1", (key,))
        return bool(first and first[0][0] != first[0][0].lower()) or self._present("entity_name", {key}) != set()

    def _rather_inflected(self, key: str, entry: WordEntry) -> bool:
        """Whether an irregular form is meant as the word it inflects though it has an entry of its own:
        "ate" is eat, not the goddess Ate; "men" man, "teeth" tooth. Only when its own entry is a proper
        noun or a single sense, and the word it inflects is more frequent: "rose" and "better" keep theirs."""
        if len(entry.senses) > 1 and entry.term == entry.term.lower():
            return False
        bases = [base for base, _ in self._irregular_bases(key)]
        frequency = self._frequencies([key, *bases])
        return any(frequency[base] > frequency[key] for base in bases)

    def suggest(self, word: str, limit: int = 5) -> list[str]:
        """"Did you mean" headwords, best first: only words within the typo allowance (at least one
        edit), so an unknown foreign word gets no suggestions rather than far-fetched ones."""
        key = normalize_key(word)
        if len(key) < 3 or key in words().function or not may_be_misspelt(key):
            return []
        candidates = self._typo_candidates(key, floor=1)
        return list(_unique(self._display(c.key) for c in candidates if c.key != key))[:limit]

    def _entry(self, key: str, kinds: tuple[str, ...] = ()) -> WordEntry | None:
        """Assemble a WordEntry for an exact key with one query (senses joined with their lists), only of
        the parts of speech `kinds` if given."""
        only = f" AND sy.pos IN ({', '.join('?' * len(kinds))})" if kinds else ""
        rows = self._query(
            """
            SELECT h.display, sy.pos, sy.definition,
                   (SELECT group_concat(text, char(31)) FROM example WHERE synset_id = sy.id),
                   (SELECT group_concat(display, char(31)) FROM member WHERE synset_id = sy.id),
                   (SELECT group_concat(target, char(31)) FROM antonym
                     WHERE synset_id = sy.id AND word_key = h.key),
                   (SELECT group_concat(m.display, char(31)) FROM similar si
                     JOIN member m ON m.synset_id = si.target_id WHERE si.synset_id = sy.id)
            FROM headword h JOIN sense s ON s.headword_id = h.id JOIN synset sy ON sy.id = s.synset_id
            WHERE h.key = ?""" + only + """ ORDER BY s.rank
            """,
            (key, *kinds),
        )
        if not rows:
            return None
        senses = tuple(Sense(pos, definition, _split(examples)) for _, pos, definition, examples, *_ in rows)
        # Synset members first, then adjectives "similar to" them: "beautiful" is alone in its synset.
        similar = [m for row in rows for m in _split(row[6])]
        synonyms = _unique(m for m in [*(m for row in rows for m in _split(row[4])), *similar]
                           if m.casefold() != key)  # WordNet's members are plain text: casefold is the key
        antonyms = _unique(a for row in rows for a in _split(row[5]))
        return WordEntry(rows[0][0], senses, synonyms, antonyms, "wordnet")

    def _base_forms(self, key: str) -> list[tuple[str, str]]:
        """Possible (lemma, part of speech) of an inflected form: exception lists first, then suffix rules.
        The part of speech matters: "runing" is not the noun "rune" with a verb ending."""
        bases = self._irregular_bases(key)
        for pos, ending, replacement in SUFFIX_RULES:
            if key.endswith(ending) and len(key) > len(ending) + 1:
                stem = key[: -len(ending)] + replacement
                bases.append((stem, pos))
                if not replacement and DOUBLED.search(stem):
                    bases.append((stem[:-1], pos))
        return list(_unique(b for b in bases if b[0] != key))

    def _irregular_bases(self, key: str) -> list[tuple[str, str]]:
        """(lemma, part of speech) of an irregular form, from WordNet's exception lists ("geese": goose)."""
        return [(base, pos) for base, pos in self._query("SELECT base, pos FROM morph_exception WHERE inflected = ?",
                                                         (key,))]

    def inflections(self, base: str) -> list[tuple[str, str]]:
        """(inflected, part of speech) of `base` in WordNet's exception lists ("goose": geese), the other way
        round from _irregular_bases: the irregular forms word_forms.py answers with."""
        return [(form, pos) for form, pos in self._query(
            "SELECT inflected, pos FROM morph_exception WHERE base = ? ORDER BY inflected", (normalize_key(base),))]

    def derived(self, word: str) -> list[tuple[str, str, str]]:
        """(related word, its part of speech, this word's part of speech) by WordNet's derivation and
        "pertains to" links, the most frequent first ("decide": decision before deciding)."""
        return [(target, target_pos, pos) for target, target_pos, pos in self._query(
            """SELECT d.target, d.target_pos, d.pos FROM derivation d LEFT JOIN headword h ON h.key = lower(d.target)
               WHERE d.word_key = ? ORDER BY coalesce(h.freq, 0) DESC, d.target""", (normalize_key(word),))]

    def _fuzzy_match(self, word: str, key: str) -> WordMatch | None:
        """Typo tolerance over the word and its de-inflected stems; None when the best is a tie."""
        from rapidfuzz import fuzz

        candidates = self._typo_candidates(key)
        if not candidates or not plausible(key, candidates[0].key):
            return None  # "sonder" is not solder: a slip it is not, so another word it is
        best = candidates[0]
        if len(candidates) > 1 and candidates[1].rank == best.rank and best.freq < 2 * max(candidates[1].freq, 1):
            return None  # two equally close words and no clear favourite: don't guess
        entry = self._entry(best.key)
        assert entry is not None
        return WordMatch(entry, word, "fuzzy", round(fuzz.ratio(key, best.key), 1))

    def _typo_candidates(self, key: str, floor: int = 0) -> tuple[_Candidate, ...]:
        """Headwords within the allowed edits (at least ``floor``) of the key or of one of its
        suffix-stripped stems, closest and most frequent first."""
        return self._recent_typos(key, floor)

    def _search_typos(self, key: str, floor: int) -> tuple[_Candidate, ...]:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        index = self._typo_index()
        best: dict[str, tuple[int, bool]] = {}  # headword -> (distance, reached via a stem)
        for probe in _unique([key, *self._stems(key)]):
            limit = max(max_edits(probe), floor)
            if limit == 0 or len(probe) < 2:
                continue
            close = index.close(probe, limit)
            for same_first in (True, False):
                for hit, distance, _ in process.extract(
                    probe, index.candidates(probe, close, same_first), scorer=OSA.distance, score_cutoff=limit,
                    limit=None,
                ):
                    best[hit] = min((distance, probe != key), best.get(hit, (distance, probe != key)))
                if best and min(d for d, _ in best.values()) <= 1:
                    break  # nothing outside the first-letter bucket can beat one edit
        freq = self._frequencies(best)
        found = [_Candidate(k, d, freq[k], stem) for k, (d, stem) in best.items()]
        return tuple(sorted(found, key=lambda c: (c.rank, -c.freq, c.key)))

    def _stems(self, key: str) -> list[str]:
        """Suffix-stripped forms of a (possibly misspelled) word, whether or not they are headwords."""
        return [key[: -len(ending)] + replacement for _, ending, replacement in SUFFIX_RULES
                if key.endswith(ending) and len(key) > len(ending) + 3]

    def warm(self) -> None:
        """Build the typo index now (0.3 s or so) rather than on the first misspelt word."""
        self._typo_index()

    def _typo_index(self) -> TypoIndex:
        """The headwords indexed for typo search; built once, by warm() or on the first typo lookup."""
        with self._lock:
            if self._typos is None:
                self._typos = TypoIndex(key for (key,) in self._connection().execute("SELECT key FROM headword"))
            return self._typos

    def _frequencies(self, keys: Iterable[str]) -> dict[str, int]:
        keys = list(keys)
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        return dict(self._query(f"SELECT key, freq FROM headword WHERE key IN ({marks})", keys))

    def _display(self, key: str) -> str:
        return str(self._query("SELECT display FROM headword WHERE key = ?", (key,))[0][0])

    # --- topics --------------------------------------------------------------------------------

    def topics(self, subject: str, facet: str | None = None, limit: int = 5,
               person: bool = False) -> list[TopicMatch]:
        """Rank Factbook entities and WordNet entries for a subject; [] when nothing is relevant.

        Named entities found in the subject (longest span first; Factbook, then proper nouns) win;
        full-text search over WordNet definitions is the fallback when no name covers the
        whole subject. ``facet`` picks the Factbook field that answers (see ``FACETS``); ``person``
        (the question asked "who is …") puts proper nouns first.
        """
        if facet is not None and facet not in FACETS:
            raise ValueError(f"unknown facet {facet!r}; expected one of {sorted(FACETS)}")
        known = words()
        typed = _tokens(subject)[:MAX_SUBJECT_TOKENS]
        tokens: list[str] = []  # an abbreviation counts as the words it stands for: "wwii" is three
        for index, word in enumerate(typed):
            # "the us", and "us" in a question about a country's facts ("capital of us", "us population"), is
            # the United States; elsewhere it is the pronoun ("one of us", "what does the bible tell us").
            if word in known.country_pronouns and (facet is not None or typed[index - 1:index] == ["the"]):
                word = known.country_pronouns[word]
            tokens += known.abbreviations.get(word, word).split()
        ignored = known.not_a_subject | known.facets.get(facet or "", frozenset())
        content = list(dict.fromkeys(t for t in tokens if t not in ignored))
        if not content:
            return []
        matches = self._named_matches(tokens, content, facet, person or tokens[0] in known.who)
        if not any(m.score >= 90 for m in matches) and tokens[0] not in known.explanation_leads:
            matches += self._text_matches(content)
        return _best_unique(matches)[:limit]

    def corrected_name(self, subject: str) -> str | None:
        """`subject` with a misspelt place name spelt right ("antartica", "austrailia", "germny"): a word
        of five letters or more that names nothing but is within the typo allowance of exactly one
        Factbook name; None when no word needs it or the closest names are several."""
        typed = _tokens(subject)
        fixed = list(typed)
        not_a_subject = words().not_a_subject
        for index, word in enumerate(typed):
            if len(word) < 5 or word in not_a_subject or self._named(word):
                continue
            spelling = correction(word, self._place_names(), lambda name: name, max_edits(word))
            if spelling is not None:
                fixed[index] = spelling
        return " ".join(fixed) if fixed != typed else None

    def _named(self, word: str) -> bool:
        """Whether `word` is a headword or a Factbook name as it stands."""
        return bool(self._query("SELECT 1 FROM headword WHERE key = ? UNION ALL "
                                "SELECT 1 FROM entity_name WHERE key = ? LIMIT 1", (word, word)))

    def _place_names(self) -> list[str]:
        """The Factbook's one-word names, loaded once per Lexicon."""
        if self._places is None:
            one_word = "SELECT DISTINCT key FROM entity_name WHERE key NOT LIKE '% %'"
            self._places = [key for (key,) in self._query(one_word)]
        return self._places

    def _named_matches(self, tokens: list[str], content: list[str], facet: str | None,
                       person: bool) -> list[TopicMatch]:
        """Entities, then headwords, named by a span of the subject (longest spans first), scored by
        how much of the subject they cover. A span inside one already named is skipped ("roman" in
        "roman empire"), except that a Factbook entity inside a WordNet name still counts."""
        found: list[TopicMatch] = []
        named: list[tuple[int, int]] = []
        spans = [(start, end, " ".join(tokens[start:end])) for start, end in _spans(len(tokens))]
        lookups: tuple[Callable[[str, float], list[TopicMatch]], ...] = (
            lambda span, coverage: self._entity_topics(span, coverage, facet),
            lambda span, coverage: self._headword_topics(span, coverage, person))
        for lookup, known in zip(lookups, self._names_among({key for _, _, key in spans})):
            tried: set[str] = set()  # a repeated phrase is looked up once: its longest-first use already counts
            for start, end, key in spans:
                if key not in known or key in tried:  # not a name: its lookup would find nothing
                    continue
                words = [t for t in tokens[start:end] if t in content]
                if not words or any(s <= start and end <= e and (s, e) != (start, end) for s, e in named):
                    continue
                tried.add(key)
                matches = lookup(key, len(words) / len(content))
                if matches:
                    named.append((start, end))
                    found += matches
        return found

    def _names_among(self, keys: set[str]) -> tuple[set[str], set[str]]:
        """Those of `keys` that are a Factbook name, and those that are a headword or the plural of a headword
        of several words: a query for each kind, not one per key, as a long subject has a few hundred spans."""
        nouns = {last: [base for base, pos in self._base_forms(last) if pos == "noun"]
                 for last in {key.rpartition(" ")[2] for key in keys if " " in key}}
        plurals = {key: {f"{head} {base}" for base in nouns[last]}
                   for key in keys for head, _, last in [key.rpartition(" ")] if head}
        places = self._present("entity_name", keys)
        headwords = self._present("headword", keys.union(*plurals.values()))
        return places, {key for key in keys if key in headwords or not headwords.isdisjoint(plurals.get(key, ()))}

    def names_around(self, words: Sequence[str], start: int, end: int) -> bool:
        """Whether words[start:end] with a word or two beside it names something: "climate change", "natural
        history", "population genetics". Such a facet phrase is part of a name, not the facet asked."""
        tokens = [normalize_key(word) for word in words]
        keys = {" ".join(tokens[s:e]) for s in range(max(0, start - 2), start + 1)
                for e in range(end, min(len(tokens), end + 2) + 1) if (s, e) != (start, end)}
        places, headwords = self._names_among(keys)
        return bool(places or headwords)

    def _present(self, table: str, keys: set[str]) -> set[str]:
        """Those of `keys` that are a key of `table`."""
        if not keys:
            return set()
        marks = ",".join("?" * len(keys))
        return {key for (key,) in self._query(f"SELECT key FROM {table} WHERE key IN ({marks})", list(keys))}

    def _entity_topics(self, key: str, coverage: float, facet: str | None) -> list[TopicMatch]:
        """Factbook entities with this name, answering the facet when they have its fields."""
        found = []
        for entity_id, name in self._query(
            "SELECT e.id, e.name FROM entity_name n JOIN entity e ON e.id = n.entity_id WHERE n.key = ?", (key,)
        ):
            summary, answered = self._entity_summary(entity_id, facet)
            found.append(TopicMatch(name, summary, round(100 * coverage, 1), "factbook", answered))
        return found

    def _headword_topics(self, key: str, coverage: float, person: bool = False) -> list[TopicMatch]:
        """WordNet noun senses of a headword in WordNet's order, most common first ("what is depression" is
        the mental state before the Great Depression), proper nouns first when the question asks `who`;
        common nouns only if they are the whole subject or a term of several words (a common word inside
        a longer question is not its topic, but "dependent variables" in "independent and dependent
        variables axis" is)."""
        rows = self._noun_senses(key)
        head, _, last = key.rpartition(" ")
        if not rows and head:  # the plural of a term of several words: "dependent variables"
            for base, pos in self._base_forms(last):
                if pos == "noun" and (rows := self._noun_senses(f"{head} {base}")):
                    break
        common = any(display == display.lower() for display, _ in rows)
        if person:  # stable: proper nouns first, each group in WordNet's order
            rows = sorted(rows, key=lambda row: row[0] == row[0].lower())
        if coverage < 1.0 and not head and (len(key) < 3 or common):
            # Part of a longer question, a word that is also a common noun ("price" in "iphone 15 price")
            # or a letter ("x" in "1337 x") is not its topic, even if some person or letter bears the name.
            return []
        return [
            TopicMatch(display, shorten(definition), round((95 if proper and person else 90) * coverage - rank, 1),
                       "wordnet", None)
            for rank, (display, definition) in enumerate(rows)
            if (proper := display != display.lower()) or coverage == 1.0 or head
        ]

    def _noun_senses(self, key: str) -> list[tuple[str, str]]:
        """(display, definition) of each noun sense of the headword `key`, most common first: WordNet's
        order, except that its proper nouns, which SemCor rarely tags, are ordered among themselves by how
        prominent each is (see _mentions): "gandhi" is the Mahatma before Indira, "amazon" the river before
        the warriors."""
        rows = self._query(
            """
            SELECT s.display, sy.definition, sy.id FROM headword h JOIN sense s ON s.headword_id = h.id
            JOIN synset sy ON sy.id = s.synset_id WHERE h.key = ? AND sy.pos = 'noun' ORDER BY s.rank
            """,
            (key,),
        )
        proper = [i for i, (display, _, _) in enumerate(rows) if display != display.lower()]
        if len(proper) > 1:
            mentions = {i: self._mentions(rows[i][2], key) for i in proper}
            ranked = sorted(proper, key=lambda i: -mentions[i])  # stable: WordNet's order among equals
            reordered = list(rows)
            for slot, index in zip(proper, ranked):
                reordered[slot] = rows[index]
            rows = reordered
        return [(display, definition) for display, definition, _ in rows]

    def _mentions(self, synset_id: int, key: str) -> int:
        """How prominent a named sense is: the most definitions that hold all the words of one of its fuller
        names ("Mahatma Gandhi": 2, "Indira Gandhi": 0; "Amazon River": 4, the warriors have no other name).
        Other glosses mentioning a thing by name is the evidence of prominence WordNet keeps."""
        best = 0
        for (name,) in self._query("SELECT display FROM member WHERE synset_id = ?", (synset_id,)):
            terms = list(dict.fromkeys(_fts_terms(name)))
            if normalize_key(name) == key or not set(_fts_terms(key)) < set(terms):
                continue  # the name itself, or another word for it ("genius" for Einstein): not a fuller name
            query = " ".join(f'"{term}"' for term in terms)
            count = self._query("SELECT count(*) FROM (SELECT 1 FROM definition_fts WHERE definition_fts MATCH ? "
                                "LIMIT ?)", (query, FTS_MOST))[0][0]
            best = max(best, int(count))
        return best

    def _entity_summary(self, entity_id: int, facet: str | None) -> tuple[str, str | None]:
        """The facet's fields for an entity, or its background (facet None) when it lacks them."""
        if facet is not None:
            rows = self._facet_rows(entity_id, FACETS[facet].parts)
            if len(rows) == 1:
                return shorten(rows[0][1]), facet
            if rows:  # each part labelled, but for one the answer's label already names ("area: Area: ...")
                per_part = max(SUMMARY_CHARS // len(rows), 100)
                label = FACETS[facet].label.casefold()
                return " | ".join(shorten(text if _label(field).casefold() == label else f"{_label(field)}: {text}",
                                          per_part) for field, text in rows), facet
        rows = self._facet_rows(entity_id, BACKGROUND)
        return (shorten(rows[0][1]) if rows else ""), None

    def _facet_rows(
        self, entity_id: int, parts: tuple[tuple[tuple[str, str], ...], ...]
    ) -> list[tuple[str, str]]:
        """(field, text) for each part of a facet that the entity has, in the facet's order."""
        rows: list[tuple[str, str]] = []
        for alternatives in parts:
            for section, field in alternatives:
                hit = self._query(
                    """SELECT field, text FROM fact WHERE entity_id = ? AND section = ?
                       AND (field = ? OR field LIKE ? || ' > %') ORDER BY id LIMIT 1""",
                    (entity_id, section, field, field),
                )
                if hit:
                    rows.append(hit[0])
                    break
        return rows

    def _text_matches(self, content: list[str]) -> list[TopicMatch]:
        """Definitions holding every content word (bm25-ranked), scored 30..60: "largest desert in the
        world" finds the Sahara. Factbook facts are not searched this way: a country whose flag is "sky
        blue" or whose text mentions "weather" and "today" is not what such a question is about."""
        # One FTS token per quoted term: the index keeps no positions, so "can't" or "1.2" as a phrase fails.
        # Numbers, one- or two-letter fragments and stop words ("ᮮthe", or "ofs", which the stemming index reads
        # as "of") match thousands of rows, mean nothing on their own, and cost milliseconds to rank.
        ignored = words().not_a_subject
        parts = list(dict.fromkeys(part for t in content for part in _fts_terms(t)
                                   if len(part) > 2 and not part.isdigit()
                                   and part not in ignored and part.removesuffix("s") not in ignored))
        if len(parts) < 2:  # one word that names nothing: its full-text hits are noise ("many" -> "all-around")
            return []
        query = " ".join(f'"{part}"' for part in parts)
        if len(self._query("SELECT rowid FROM definition_fts WHERE definition_fts MATCH ? LIMIT ?",
                           (query, FTS_MOST + 1))) > FTS_MOST:
            return []
        definitions = self._query(
            """SELECT (SELECT display FROM member WHERE synset_id = sy.id AND position = 0), sy.definition,
                      bm25(definition_fts)
               FROM definition_fts JOIN synset sy ON sy.id = definition_fts.rowid
               WHERE definition_fts MATCH ? ORDER BY bm25(definition_fts) LIMIT ?""",
            (query, FTS_LIMIT),
        )
        best = min((rank for *_, rank in definitions), default=0.0)
        if best >= 0:
            return []
        return [TopicMatch(term, shorten(definition), round(30 + 30 * rank / best, 1), "wordnet", None)
                for term, definition, rank in definitions]


def _split(joined: str | None) -> tuple[str, ...]:
    return tuple(joined.split("\x1f")) if joined else ()


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    """Drop repeats, keep first-seen order."""
    return tuple(dict.fromkeys(items))


def _tokens(text: str) -> list[str]:
    return [t for t in (w.strip(".'-") for w in re.findall(r"[\w'.-]+", normalize_key(text))) if t]


def _fts_terms(text: str) -> list[str]:
    """ASCII letters and digits only: FTS5's unicode61 tokenizer splits on characters its (older) Unicode
    tables do not call letters, such as U+19B3, and a quoted term it splits is a phrase query, which this
    position-less index rejects. The indexed text is English with accents folded, so nothing is lost."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _spans(count: int) -> list[tuple[int, int]]:
    """Every (start, end) run of up to MAX_NAME_TOKENS of ``count`` tokens, longest first (so "new zealand"
    beats "zealand"); the cap keeps the number of lookups linear in the subject's length."""
    longest = min(count, MAX_NAME_TOKENS)
    return [(i, i + n) for n in range(longest, 0, -1) for i in range(count - n + 1)]


def _label(field: str) -> str:
    """A readable name for a fact's field path: "Elevation > highest point" -> "Highest point"."""
    parts = field.split(" > ")
    name = parts[-1] if parts[-1] not in ("total", "name") else parts[0]
    return name[:1].upper() + name[1:]


def _best_unique(matches: list[TopicMatch]) -> list[TopicMatch]:
    """Best first; one match per (source, term, summary)."""
    ranked = sorted(matches, key=lambda m: (-m.score, m.source != "factbook", m.term))
    return list({(m.source, m.term, m.summary): m for m in reversed(ranked)}.values())[::-1]
