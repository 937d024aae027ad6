"""topic: anything else, matched against the glossary: "who owns antarctica", "physical features of kenya"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from lark import Token, Transformer, v_args

from ..dictionary import answered, define
from ..lexicon import FACETS
from ..lexicon import words as lexicon_words
from ..result import Alternative, DefinitionAnswer, Result, Status, TopicAnswer, TopicMatch
from ..values import replace

if TYPE_CHECKING:
    from ..context import Context
    from ..glossary import TopicHit
    from ..lexicon import Lexicon
    from ..normalize import Normalized
    from ..vocabulary import Vocabulary

NAME = "topic"
MIN_SCORE = 30.0
"""Below this a match covers too little of the query to be its answer ("advantages of non renewable
energy" is not about the US Department of Energy); such matches become suggestions instead."""


@dataclass(frozen=True)
class Topic:
    subject: str
    facet: str | None = None
    whole: str | None = None  # "natural history": subject and facet words, for a subject without the facet
    phrase: str | None = None  # the facet's phrase as typed: "highest point"


@v_args(inline=True)
class _Reader(Transformer[Any, Any]):
    def about(self, words: list[Token]) -> Topic:
        """Words, of which any may be a facet phrase: "currency of japan", "what currency does japan use",
        "japan currency", "when did india gain independence"."""
        if not any(word.type.endswith("FACET") for word in words):
            return Topic(" ".join(words))
        return _facet_question(words)

    def death(self, words: list[Token]) -> Topic:
        return Topic(" ".join(words), "death")

    def words(self, *words: Token) -> list[Token]:
        return list(words)


def _facet_question(words: list[Token]) -> Topic:
    """The facet of the first facet phrase; the subject is the words between the phrases, less the question's
    frame words at their ends ("what currency does thailand use": "thailand"). A phrase of another facet
    stays in the subject: "population of the capital of france" asks neither facet of France."""
    facet_of = lexicon_words().facet_of
    facets = [facet_of.get(_phrase(word)) if word.type.endswith("FACET") else None for word in words]
    facet = next(f for f in facets if f is not None)
    phrase = next(_phrase(w) for w, f in zip(words, facets) if f == facet)
    segments: list[list[str]] = [[]]
    kept: list[str] = []  # the words a reading of the whole subject needs: no frame words at the ends
    for word, named in zip(words, facets):
        if named == facet:
            kept += [*_framed(segments[-1]), _phrase(word)]
            segments.append([])
        else:
            segments[-1].append(str(word))
    kept += _framed(segments[-1])
    subject = " ".join(w for segment in segments for w in _framed(segment))
    whole = " ".join(kept)
    if not subject and not segments[-1]:  # "what is the population": the facet word is all there is
        return Topic(whole)
    if not subject:  # "what is the capital of": half-typed, the place is missing
        return Topic("", facet, None, phrase)
    return Topic(subject, facet, whole, phrase)


def _phrase(word: Token) -> str:
    return " ".join(word.lower().split())


def _framed(segment: list[str]) -> list[str]:
    """A run of words with the question's frame words taken off both ends ("does thailand use": thailand) and
    a possessive off the last word ("japan's currency")."""
    words = [w.strip("?!.,;:") for w in segment]
    words = [w for w in words if w]
    frames = _frames()
    start, end = 0, len(words)
    while start < end and (n := _frame_at(words, start, end, frames, forward=True)):
        start += n
    while start < end and (n := _frame_at(words, start, end, frames, forward=False)):
        end -= n
    kept = words[start:end]
    if kept:
        kept[-1] = re.sub(r"['’]s$", "", kept[-1]) or kept[-1]
    return kept


def _frame_at(words: list[str], start: int, end: int, frames: frozenset[str], forward: bool) -> int:
    """The length of the longest frame phrase at words[start:] (forward) or ending at words[:end]."""
    for length in range(min(MAX_FRAME_WORDS, end - start), 0, -1):
        span = words[start:start + length] if forward else words[end - length:end]
        if " ".join(span).lower() in frames:
            return length
    return 0


MAX_FRAME_WORDS = 4


def _live(text: str) -> str | None:
    """The phrase of [topic.live] the question holds, as typed: "what time is it", "weather in"."""
    found = _live_pattern().search(text)
    return found.group() if found else None


@cache
def _live_pattern() -> re.Pattern[str]:
    from ..vocabulary import Vocabulary

    return re.compile(r"(?<!\w)" + Vocabulary.default().regex("topic.live") + r"(?!\w)")


@cache
def _frames() -> frozenset[str]:
    """Frame words ([topic.frame]) and the words that are never a subject ([lexicon.*]), but not those that
    also name a country: "us" in "currency of the us"."""
    from ..vocabulary import Vocabulary

    known = lexicon_words()
    names = set(known.country_pronouns) | set(known.abbreviations)
    return frozenset((Vocabulary.default().phrases("topic.frame") | known.not_a_subject) - names)


def reader() -> Transformer[Any, Any]:
    return _Reader()


def answer(request: Topic, query: Normalized, context: Context) -> Result:
    live = _live(query.text)
    if live is not None:
        return Result.failure(query.original, NAME, Status.NOT_UNDERSTOOD,
                              f"'{live}' asks for live data (a clock, the weather, the news); queryrouter answers "
                              "offline and has none.")
    if not request.subject.strip():
        return Result.failure(query.original, NAME, Status.NOT_UNDERSTOOD,
                              f"No place named to give the {facet_label(request.facet)} of.",
                              interpreted_as=f"{facet_label(request.facet)} of ?")
    lexicon = context.glossary.lexicon
    if request.whole is not None and lexicon is not None and _in_a_name(request, lexicon):
        # "climate change in india", "natural history museum": the facet phrase is part of a name
        return answer(Topic(request.whole), query, context)
    person = query.text.lower().partition(" ")[0] in lexicon_words().who  # "who is bush": the president
    if request.facet is None and not person:
        alone = _asked_alone(request.subject, query, context)
        if alone is not None:
            return alone
    hits = context.glossary.topics(request.subject, request.facet, person=person)
    if not hits and lexicon is not None and (spelt := lexicon.corrected_name(request.subject)) is not None:
        # "who owns antartica": the place name misspelt, as definitions forgive a misspelt word
        corrected = answer(Topic(spelt, request.facet), query, context)
        if corrected.ok or corrected.alternatives:
            return replace(corrected, interpreted_as=f"{corrected.interpreted_as} "
                                                     f"(read {request.subject!r} as {spelt!r})")
    label = facet_label(request.facet)
    asked = f"{label} of {request.subject!r}" if request.facet else f"about {request.subject!r}"
    if request.facet is not None and hits and hits[0].facet != request.facet and _names_a_place(hits[0]):
        # "currency of antarctica": the place is known and has no such field; its history is not the answer
        place = hits[0]
        return Result.failure(query.original, NAME, Status.NOT_FOUND,
                              f"No {label} listed for {place.entry.term}.", interpreted_as=asked,
                              suggestions=(place.entry.term,),
                              alternatives=(Alternative(f"about {place.entry.term!r}",
                                                        f"{place.entry.term}: {place.text}"),))
    if request.whole is not None and (not hits or hits[0].facet != request.facet):
        # A facet word beside a subject that has no such facet is part of the subject: "natural history".
        return answer(Topic(request.whole), query, context)
    weak = tuple(dict.fromkeys(hit.entry.term for hit in hits if hit.score < MIN_SCORE))
    hits = [hit for hit in hits if hit.score >= MIN_SCORE]
    if not hits and request.facet is None and len(request.subject.split()) == 1:
        # A word alone that no topic is about ("luscious", "behemuth") is most likely asked to be defined.
        defined = define(request.subject, "definition", query, context)
        if defined.ok:
            return defined
    if not hits:
        suggestions = weak or tuple(context.glossary.suggest(request.subject))
        return Result.failure(query.original, NAME, Status.NOT_FOUND,
                              f"Nothing found about {request.subject!r}.", interpreted_as=asked,
                              suggestions=suggestions)
    best = hits[0]
    interpreted = asked if best.facet == request.facet else (
        f"about {request.subject!r} (no {label} listed for {best.entry.term})")
    matches = tuple(TopicMatch(h.entry.term, h.text, h.score, h.entry.source, h.facet) for h in hits)
    named = f"{best.entry.term}: {facet_label(best.facet)}" if best.facet else best.entry.term  # "Japan: currency"
    text = f"{named}: {best.text}"
    return Result(query.original, NAME, Status.OK, text, interpreted,
                  round(0.9 * best.score / 100, 3), answer=TopicAnswer(matches))


HALF_TYPED = frozenset("+-*/×÷^=")
"""A sum that ends in one of these was not finished: "12 +" asks nothing yet."""


def _asked_alone(subject: str, query: Normalized, context: Context) -> Result | None:
    """What a subject asked with nothing else means before any topic: a converter or calculator named
    without a value ("unit converter": missing_value, with examples), numbers and operators alone (a
    half-typed sum, "12 +": not understood), a unit's abbreviation ("ft": the unit foot), a word a glossary
    holds as a word, not WordNet's common nouns that the topic answers ("fomo", "idk": the definition)."""
    keys = [key for word in subject.split() if (key := _key(word))]
    if not keys:
        return Result.failure(query.original, NAME, Status.NOT_UNDERSTOOD, f"Nothing to look up in {subject!r}.")
    tool = _tool(keys)
    if tool is not None:
        examples = tuple(_vocabulary().settings("topic.tool").get("examples", {}).get(tool, ()))
        what = "converter" if tool == "conversion" else "calculator"
        tried = f" Try {', '.join(repr(e) for e in examples)}." if examples else ""
        return Result.failure(query.original, tool, Status.MISSING_VALUE,
                              f"A {what} needs a value to work on.{tried}",
                              interpreted_as=f"{tool} of ?", suggestions=examples)
    if not any(ch.isalpha() for ch in subject) and subject.rstrip()[-1:] in HALF_TYPED:
        return Result.failure(query.original, NAME, Status.NOT_UNDERSTOOD,
                              f"Not understood: {subject!r} is no question and no finished sum.")
    if len(keys) > 1 and " ".join(keys) in _cues():
        return Result.failure(query.original, "definition", Status.NOT_UNDERSTOOD,
                              f"No word given: {subject!r} asks about a word it does not name.")
    if len(keys) != 1:
        return None
    unit = lexicon_words().unit_abbreviations.get(keys[0])
    if unit is not None:
        defined = define(unit, "definition", query, context)
        if defined.ok and isinstance(defined.answer, DefinitionAnswer):
            senses = sorted(defined.answer.senses, key=lambda sense: "unit" not in sense.definition)
            return replace(defined, text=f"{subject} = {unit}: {senses[0].definition}",
                           answer=replace(defined.answer, senses=tuple(senses)),
                           interpreted_as=f"{defined.interpreted_as} (read {subject!r} as the unit {unit})")
    found = context.glossary.word(subject)
    if found is not None and found.entry.source != "wordnet":
        return answered("definition", found, query)  # slang or the caller's own word: "fomo", "idk"
    return None


def _tool(keys: list[str]) -> str | None:
    """The intent a request for a tool names ("online unit converter": conversion), when every other word
    is a kind of measure or of tool; None when a word asks something else ("mortgage calculator")."""
    vocabulary = _vocabulary()
    tools = vocabulary.values("topic.tool")
    named = [tools[key] for key in keys if key in tools]
    if len(set(named)) != 1:
        return None
    qualifiers = vocabulary.phrases("topic.tool_qualifier")
    return str(named[0]) if all(key in tools or key in qualifiers for key in keys) else None


@cache
def _vocabulary() -> Vocabulary:
    from ..vocabulary import Vocabulary

    return Vocabulary.default()


@cache
def _cues() -> frozenset[str]:
    """The definition grammar's cues, which name no word themselves: "synonym for" with the word missing."""
    vocabulary = _vocabulary()
    return frozenset().union(*(vocabulary.phrases(f"definition.{name}") for name in (
        "cue_before", "cue_after", "synonym_before", "synonym_after", "antonym_before", "antonym_after")))


def _key(word: str) -> str:
    return word.strip("?!.,;:'\"").lower()


PLACE_SCORE = 90.0
"""A Factbook match at least this good names the subject's place (100: the whole subject)."""


def _names_a_place(hit: TopicHit) -> bool:
    return hit.entry.source == "factbook" and hit.score >= PLACE_SCORE


def _in_a_name(request: Topic, lexicon: Lexicon) -> bool:
    """Whether the facet phrase and the words beside it name something ("climate change in india")."""
    words = (request.whole or "").split()
    phrase = (request.phrase or "").split()
    starts = [i for i in range(len(words)) if [w.lower() for w in words[i:i + len(phrase)]] == phrase]
    return bool(phrase) and any(lexicon.names_around(words, i, i + len(phrase)) for i in starts)


def facet_label(facet: str | None) -> str:
    """How an answer names a facet: its [lexicon.facet.*] label ("highest point"), else its name (a facet
    of the caller's own glossary)."""
    found = FACETS.get(facet or "")
    return found.label if found is not None else (facet or "")
