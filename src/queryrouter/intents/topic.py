"""topic: anything else, matched against the glossary: "who owns antarctica", "physical features of kenya"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lark import Token, Transformer, v_args

from ..dictionary import define
from ..lexicon import words as lexicon_words
from ..result import Result, Status, TopicAnswer, TopicMatch
from ..values import replace

if TYPE_CHECKING:
    from ..context import Context
    from ..normalize import Normalized

NAME = "topic"
MIN_SCORE = 30.0
"""Below this a match covers too little of the query to be its answer ("advantages of non renewable
energy" is not about the US Department of Energy); such matches become suggestions instead."""


@dataclass(frozen=True)
class Topic:
    subject: str
    facet: str | None = None
    whole: str | None = None  # "natural history": subject and facet words, for a subject without the facet


@v_args(inline=True)
class _Reader(Transformer[Any, Any]):
    def about(self, subject: str) -> Topic:
        """A subject that ends in facet words asks that facet: "kenya population", "uk prime minister"."""
        words = subject.split()
        kept = len(words)
        while kept > 1 and _facet(words[kept - 1:kept]) is not None:
            kept -= 1
        if kept == len(words):
            return Topic(subject)
        return Topic(" ".join(words[:kept]), _facet(words[kept:]), subject)

    def facet(self, lead: Token, subject: str) -> Topic:
        """"who owns", "the capital city of", "languages of": the facet whose words the lead uses."""
        return Topic(subject, _facet(re.findall(r"[a-z]+", lead.lower())))

    def death(self, subject: str) -> Topic:
        return Topic(subject, "death")

    def subject(self, *words: Token) -> str:
        return " ".join(words)


def _facet(words: list[str]) -> str | None:
    """The first facet any of `words` names, in the lexicon's one vocabulary, so the facet asked is always
    one the lexicon can answer."""
    named = {word.lower() for word in words}
    return next((facet for facet, known in lexicon_words().facets.items() if named & known), None)


def reader() -> Transformer[Any, Any]:
    return _Reader()


def answer(request: Topic, query: Normalized, context: Context) -> Result:
    person = query.text.lower().partition(" ")[0] in lexicon_words().who  # "who is bush": the president
    hits = context.glossary.topics(request.subject, request.facet, person=person)
    lexicon = context.glossary.lexicon
    if not hits and lexicon is not None and (spelt := lexicon.corrected_name(request.subject)) is not None:
        # "who owns antartica": the place name misspelt, as definitions forgive a misspelt word
        corrected = answer(Topic(spelt, request.facet), query, context)
        if corrected.ok:
            return replace(corrected, interpreted_as=f"{corrected.interpreted_as} "
                                                     f"(read {request.subject!r} as {spelt!r})")
    if request.whole is not None and (not hits or hits[0].facet != request.facet):
        # A facet word after a subject that has no such facet is part of the subject: "natural history".
        return answer(Topic(request.whole), query, context)
    asked = f"{request.facet} of {request.subject!r}" if request.facet else f"about {request.subject!r}"
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
        f"about {request.subject!r} (no {request.facet} listed for {best.entry.term})")
    matches = tuple(TopicMatch(h.entry.term, h.text, h.score, h.entry.source, h.facet) for h in hits)
    return Result(query.original, NAME, Status.OK, f"{best.entry.term}: {best.text}", interpreted,
                  round(0.9 * best.score / 100, 3), answer=TopicAnswer(matches))
