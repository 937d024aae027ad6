"""The one place that decides which intent answers a query, and how sure the answer is.

Every intent whose grammar reads the query offers a Reading: the Result it would give and how much of the
query that Result explains. Coverage is the share of the query's *content* tokens a reading explains;
courtesy, frame, question and connector tokens and function words (tagger.py, vocabulary.toml) are free,
numbers and other words are content. What explains a token:

- conversion and calculation: the grammar placed every token, except the words the conversion request
  reports as `unexplained` (context: "suitcase" in "if a suitcase weighs 23 kg what is that in pounds");
- definition and topic: the matched entry's words (and the asked facet's words, when the answer gives that
  facet) against the query's content words; the words around the term that the grammar read as its frame
  ("define", "meaning", "who owns") are explained when the answer answers what the frame asks. One entry
  word explains one query token: "how to tie a tie" is not explained by the entry "tie".

A reading is *accepted* (may be an ok answer) when its Result is ok and it explains every content token; a
conversion with strong evidence (a number, units on both sides and a connector) is accepted with context
words left over. Among accepted readings the best has the highest coverage, then the strongest evidence,
then the highest confidence, then comes first in query.lark's order. A reading that is ok but not accepted
becomes a suggestion: status not_found (not_understood when it explains no content word), the matched
term (or, for a conversion, the words it read) as the suggestion, and a text saying what was found instead.

Confidence of the answer (the formula, in one place):

    confidence = answer × fit
    answer     = the intent's own confidence in its answer (an exact dictionary entry 0.95, a fuzzy one
                 less; a conversion 0.95, 0.85 when it had to repair or assume; a topic 0.9 × match score),
                 calibrated on the labelled corpora (benchmarks/corpora/labelled_*.toml) by evidence:
                 × 0.5 for a guess (a near spelling, a full-text match); a topic found by a name scoring
                 below 100 becomes 0.9 × (answer / 0.9) ** 4
    fit        = 1 when the reading explains every content token;
                 0.8 + 0.2 × coverage for an accepted conversion with context words (one word of four
                 left over: × 0.95)

Below `Router(min_confidence=...)` an accepted reading is a suggestion too. A suggestion's confidence is the
reading's answer × coverage: how likely the suggestion is what was meant, not that the query was answered.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from .result import ConversionAnswer, DefinitionAnswer, Result, Status, TopicAnswer
from .values import replace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .tagger import Tag
    from .vocabulary import Vocabulary

# Evidence, weakest to strongest: how directly the query's words led to the answer.
NONE, GUESS, NAME, STRONG = 0, 1, 2, 3
EVIDENCE = {NONE: "none", GUESS: "guess", NAME: "name", STRONG: "strong"}

FREE_CLASSES = frozenset({"courtesy", "frame", "how_many", "what", "connector", "source_connector", "and",
                          "of", "article", "function", "symbol"})
"""Token classes (tagger.py) that never need explaining: politeness, question scaffolding, connectors,
function words and punctuation."""
CONNECTING = frozenset({"connector", "how_many", "source_connector"})
"""Classes that join an amount to the unit asked: one of them makes a conversion's evidence strong."""
CONTEXT_FLOOR = 0.8
"""fit = CONTEXT_FLOOR + (1 - CONTEXT_FLOOR) × coverage for a conversion with context words."""
GUESS_TRUST = 0.5
"""A near spelling or a full-text match is right about half as often as its score says (labelled corpora)."""
NAME_WHOLE = 0.9
NAME_STEEPNESS = 4
"""A topic found by a name that is not the whole subject (score < 100, answer < 0.9) is right less often than
its score says: 0.9 × (answer / 0.9) ** 4 (score 90 -> 0.59, 95 -> 0.73)."""
SUMMARY_SHOWN = 100
"""Characters of a partial match's summary shown in a suggestion's text."""


@dataclass(frozen=True)
class Reading:
    """One intent's reading of a query: the Result it would give, the request its grammar read, and how
    much of the query it explains (content tokens explained / content tokens, 1.0 for a query with none)."""

    intent: str
    result: Result
    request: Any
    coverage: float
    explained: tuple[str, ...]
    unexplained: tuple[str, ...]
    evidence: int
    order: int = 0
    suggestion: str = ""  # the matched term (or the conversion's words) offered when only part is explained
    summary: str = ""  # what the suggestion is, for the text of a not_found
    custom: bool = False  # answered by the caller's own answerer: taken as given

    @property
    def accepted(self) -> bool:
        """May be an ok answer: ok, and explains everything (a strong conversion may leave context words)."""
        if not self.result.ok:
            return False
        return self.custom or not self.unexplained or (self.intent == "conversion" and self.evidence >= STRONG)

    @property
    def confidence(self) -> float:
        """The answer's confidence under the formula above (the module docstring)."""
        if self.custom:
            return self.result.confidence
        answer = self.result.confidence
        if self.evidence == GUESS:
            answer *= GUESS_TRUST
        elif self.evidence == NAME and self.intent == "topic" and answer < NAME_WHOLE:
            answer = NAME_WHOLE * (answer / NAME_WHOLE) ** NAME_STEEPNESS
        if not self.unexplained:
            return round(answer, 3)
        if self.accepted:
            return round(answer * (CONTEXT_FLOOR + (1 - CONTEXT_FLOOR) * self.coverage), 3)
        return round(answer * self.coverage, 3)

    @property
    def conclusive(self) -> bool:
        """Nothing later can beat it, so the router stops reading: an accepted reading that explains every
        content token by more than a guess ("kg to lbs" needs no number), or a failure other than not_found
        (an unknown unit, a division by zero): the intent read the query and refused it, as the first intent
        to parse always did."""
        if self.result.ok:
            return self.accepted and not self.unexplained and self.evidence >= NAME
        return self.result.status is not Status.NOT_FOUND

    def describe(self) -> str:
        """One line for explain(): outcome, coverage, evidence and the words."""
        total = len(self.explained) + len(self.unexplained)
        words = f"explains {len(self.explained)} of {total} content words"
        if self.explained:
            words += f" ({', '.join(self.explained)})"
        if self.unexplained:
            words += f"; not {', '.join(repr(w) for w in self.unexplained)}"
        custom = ", custom answerer" if self.custom else ""
        return (f"{self.intent}: {self.result.status.value}, coverage {self.coverage:.2f}, "
                f"evidence {EVIDENCE[self.evidence]}{custom}; {words}")


@dataclass(frozen=True)
class Verdict:
    """What arbitrate() decided: the Result to return, the reading it came from (None when none read the
    query) and why, for explain()."""

    result: Result
    reading: Reading | None
    why: str


# --- reading ---------------------------------------------------------------------------------------

def read(intent: str, result: Result, request: Any, tags: Sequence[Tag], vocabulary: Vocabulary,
         order: int = 0, custom: bool = False) -> Reading:
    """The Reading of `result`, which `intent` gave for the query tagged `tags`."""
    content = [tag for tag in tags if _is_content(tag.kind, tag.text, vocabulary)]
    if custom:
        return _reading(intent, result, request, content, set(range(len(content))), STRONG, order, custom=True)
    answer = result.answer if result.ok else None
    if isinstance(answer, ConversionAnswer) or (intent == "conversion" and not result.ok):
        return _conversion(intent, result, request, tags, content, order)
    if isinstance(answer, DefinitionAnswer):
        return _definition(intent, result, request, content, answer, order)
    if isinstance(answer, TopicAnswer) and answer.matches:
        return _topic(intent, result, request, content, answer, order)
    if not result.ok and intent in ("definition", "topic"):  # nothing found: nothing explained
        return _reading(intent, result, request, content, set(), NONE, order)
    # A calculation, or its failure: the grammar placed every token
    evidence = STRONG if result.ok else NONE
    return _reading(intent, result, request, content, set(range(len(content))), evidence, order)


def _reading(intent: str, result: Result, request: Any, content: list[Tag], explained: set[int], evidence: int,
             order: int, suggestion: str = "", summary: str = "", custom: bool = False) -> Reading:
    words = [tag.text for tag in content]
    coverage = len(explained) / len(content) if content else 1.0
    return Reading(intent, result, request, round(coverage, 3),
                   tuple(w for i, w in enumerate(words) if i in explained),
                   tuple(w for i, w in enumerate(words) if i not in explained),
                   evidence, order, suggestion, summary, custom)


def _conversion(intent: str, result: Result, request: Any, tags: Sequence[Tag], content: list[Tag],
                order: int) -> Reading:
    """Every token but the request's context words; strong with a number, a connector and a target."""
    left = [_key(word) for word in getattr(request, "unexplained", ())]
    explained = set(range(len(content)))
    for index, tag in enumerate(content) if left else ():
        key = _key(tag.text)
        if key in left:
            left.remove(key)
            explained.discard(index)
    kinds = {tag.kind for tag in tags}
    strong = result.ok and "number" in kinds and bool(kinds & CONNECTING)
    evidence = STRONG if strong else NAME if result.ok else NONE
    suggestion = ""
    if len(explained) < len(content):
        unexplained = {id(tag) for i, tag in enumerate(content) if i not in explained}
        suggestion = " ".join(tag.text for tag in tags if id(tag) not in unexplained)
    return _reading(intent, result, request, content, explained, evidence, order, suggestion, result.text)


def _definition(intent: str, result: Result, request: Any, content: list[Tag], answer: DefinitionAnswer,
                order: int) -> Reading:
    """The term's words against the entry's; the cue words around the term are the grammar's frame. A
    one-word term is what the dictionary looked up (exactly, as an inflection or a near spelling)."""
    term = getattr(request, "term", None) or getattr(request, "subject", "") or ""
    asked = _keys(term)
    entry = _keys(answer.term)
    if len(asked) == 1:
        entry = entry + asked  # the lookup found this word as typed, inflected or misspelt
    explained = _matched(content, entry, asked)
    explained |= {i for i, tag in enumerate(content) if _key(tag.text) not in asked}  # the cue: the grammar's frame
    evidence = STRONG if result.confidence >= 0.9 else GUESS
    summary = answer.senses[0].definition if answer.senses else ""
    return _reading(intent, result, request, content, explained, evidence, order, answer.term, summary)


def _topic(intent: str, result: Result, request: Any, content: list[Tag], answer: TopicAnswer,
           order: int) -> Reading:
    """The best match's name against the subject's words; a full-text match (its name is none of the query's
    words: "largest desert in the world" -> Sahara) explains the words its summary holds, weakly. The
    lead and facet words are explained when the answer gives the facet asked."""
    best = answer.matches[0]
    subject = _keys(" ".join(filter(None, (getattr(request, "subject", ""), getattr(request, "whole", None)))))
    facet = getattr(request, "facet", None)
    answered = getattr(best, "facet", facet) == facet  # TopicMatch.facet: the facet its summary gives
    entry = _keys(best.term)
    if best.source == "factbook" and best.score >= 100:  # a Factbook name of the whole subject: "usa", "myanmar"
        entry += _keys(getattr(request, "subject", ""))
    evidence = NAME
    # A full-text match: the summary holds the words. Not a facet answered: only a named entry answers one
    # ("capital of the us": the name is the pronoun "us", which is no content word).
    if not (answered and facet is not None) and not _matched(content, entry, subject):
        entry, evidence = _keys(best.summary), GUESS
    if answered and facet is not None:
        entry = entry + sorted(_facet_words(facet))
    explained = _matched(content, entry, subject)
    if answered:  # the lead ("who owns", "physical features of", "how did ... die") asked what was answered
        explained |= {i for i, tag in enumerate(content) if _key(tag.text) not in subject}
    return _reading(intent, result, request, content, explained, evidence, order, best.term, best.summary)


def _matched(content: list[Tag], entry: Sequence[str], among: Sequence[str]) -> set[int]:
    """Indexes of the content tokens (of those whose key is in `among`, when given) that the entry's words
    explain, each entry word explaining one token."""
    free = list(entry)
    found = set()
    for index, tag in enumerate(content):
        key = _key(tag.text)
        if among and key not in among:
            continue
        for words in _expansions(key):
            if all(any(_same(word, other) for other in free) for word in words):
                for word in words:
                    free.remove(next(other for other in free if _same(word, other)))
                found.add(index)
                break
    return found


def _same(typed: str, entry: str) -> bool:
    """The same word: as spelt, as another form of it (plural, -ed, -ing, -er) or misspelt within the typo
    allowance for a word of five letters or more."""
    if typed == entry or not _forms(typed).isdisjoint(_forms(entry)):
        return True
    if len(typed) < 5 or len(entry) < 5:
        return False
    from rapidfuzz.distance import OSA

    from .typos import max_edits

    edits = max_edits(typed)
    return bool(OSA.distance(typed, entry, score_cutoff=edits) <= edits)


_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("er", ""),
            ("er", "e"))
"""English inflections undone to compare a typed word with an entry's: "ties" and "tied" are "tie"."""


@lru_cache(maxsize=4096)  # typed words: bounded, whatever users type
def _forms(word: str) -> frozenset[str]:
    forms = {word}
    for ending, base in _ENDINGS:
        stem = word[:-len(ending)] + base
        if word.endswith(ending) and len(word) - len(ending) >= 2 and len(stem) >= 3:
            forms.add(stem)
    return frozenset(forms)


def _expansions(key: str) -> list[list[str]]:
    """The word, then what it abbreviates ("uk": united kingdom), as the lexicon reads it."""
    from .lexicon import words

    known = words()
    found = [[key]]
    for names in (known.abbreviations, known.country_pronouns):
        if key in names:
            found.append(names[key].split())
    return found


@lru_cache(maxsize=4096)
def _is_content(kind: str, text: str, vocabulary: Vocabulary) -> bool:
    """Whether a token needs explaining: a number, or a word of no free class that is not a function word."""
    if kind in FREE_CLASSES:
        return False
    if kind == "number":
        return True
    key = _key(text)
    return bool(key) and key not in _function_words(vocabulary)


@cache
def _function_words(vocabulary: Vocabulary) -> frozenset[str]:
    """Words that carry no subject: the vocabulary's stop and function words ([lexicon.*])."""
    return vocabulary.phrases("lexicon.function_word") | vocabulary.phrases("lexicon.stopword")


@cache
def _facet_words(facet: str) -> frozenset[str]:
    from .lexicon import words

    return words().facets.get(facet, frozenset())


_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=4096)
def _key(word: str) -> str:
    """A word as compared: accents and case folded, a possessive dropped, punctuation dropped."""
    word = unicodedata.normalize("NFKD", word)
    word = "".join(ch for ch in word if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^\w]+", "", _POSSESSIVE.sub("", word))


def _keys(text: str) -> list[str]:
    return [key for word in re.split(r"[\s\-_/]+", text) if (key := _key(word))]


# --- arbitrating ------------------------------------------------------------------------------------

def arbitrate(readings: Sequence[Reading], query: str, text: str, min_confidence: float = 0.0) -> Verdict:
    """The Result for the query from every reading offered: the best accepted reading, with its confidence
    set; else the first specific failure; else what was found, as suggestions: the text of a reading that
    found part of the query (else the first not_found), and every reading's suggestions."""
    accepted = [r for r in readings if r.accepted]
    if accepted:
        best = max(accepted, key=lambda r: (r.coverage, r.evidence, r.confidence, -r.order))
        others = [r.intent for r in readings if r is not best]
        why = (f"{best.intent} explains {len(best.explained)} of {len(best.explained) + len(best.unexplained)} "
               f"content words with {EVIDENCE[best.evidence]} evidence")
        if others:
            why += f", ahead of {', '.join(others)}"
        if best.confidence >= min_confidence:
            result = best.result
            if best.confidence != result.confidence:
                result = replace(result, confidence=best.confidence)
            return Verdict(result, best, why)
        why += f"; its confidence {best.confidence:.2f} is below min_confidence {min_confidence:.2f}"
        return Verdict(_suggested(best, query, text, below_floor=True), best, why)
    specific = [r for r in readings if not r.result.ok and r.result.status is not Status.NOT_FOUND]
    if specific:
        return Verdict(specific[0].result, specific[0], f"{specific[0].intent} read the query and refused it")
    if not readings:
        return Verdict(Result.failure(query, "none", Status.NOT_UNDERSTOOD, "The query was not understood."),
                       None, "no intent's grammar reads the query")
    failed = [r.result if not r.result.ok else _suggested(r, query, text) for r in readings]
    # What was found for part of the query says more than "no entry"; then any not_found, in intent order
    ranked = sorted(range(len(failed)), key=lambda i: (failed[i].status is not Status.NOT_FOUND,
                                                       not readings[i].result.ok))
    first = failed[ranked[0]]
    suggestions = tuple(dict.fromkeys(s for i in ranked for s in failed[i].suggestions))
    partial = [r for r in readings if r.result.ok]
    why = "no reading explains every content word" if partial else "no reading found an answer"
    result = first if suggestions == first.suggestions else replace(first, suggestions=suggestions)
    return Verdict(result, readings[ranked[0]], why)


def _suggested(reading: Reading, query: str, text: str, below_floor: bool = False) -> Result:
    """An ok Result that explains only part of the query, as what it is: a suggestion."""
    result = reading.result
    status = Status.NOT_FOUND if reading.explained else Status.NOT_UNDERSTOOD
    suggestions = tuple(dict.fromkeys(s for s in (reading.suggestion, *result.suggestions) if s))
    asked = text.strip() or query.strip()
    if below_floor:
        said = f"Not sure enough to answer {asked!r}: {result.text}"
    elif reading.intent == "conversion" or isinstance(result.answer, ConversionAnswer):
        said = (f"Not understood: {', '.join(repr(w) for w in reading.unexplained)} in {asked!r}; "
                f"read as {reading.suggestion!r}: {result.text}")
    elif not reading.explained:
        said = f"Nothing found about {asked!r}."
        status, suggestions = Status.NOT_UNDERSTOOD, ()
    else:
        found = f"{reading.suggestion!r} matches only part of it"
        summary = _shortened(reading.summary)
        said = f"Nothing found about {asked!r}; {found}" + (f": {summary}" if summary else ".")
    return Result.failure(query, result.intent, status, said, interpreted_as=result.interpreted_as,
                          confidence=reading.confidence, suggestions=suggestions, alternatives=result.alternatives)


def _shortened(text: str) -> str:
    if len(text) <= SUMMARY_SHOWN:
        return text
    return text[:SUMMARY_SHOWN].rsplit(" ", 1)[0].rstrip(",;:") + "…"
