"""definition: "behemoth definition", "define luscious", "synonyms for happy", "antonym of happy"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lark import Token, Transformer, v_args

from ..lexicon import FUNCTION_WORDS, normalize_key
from ..result import DefinitionAnswer, Result, Status

if TYPE_CHECKING:
    from ..context import Context
    from ..glossary import WordLookup
    from ..normalize import Normalized

NAME = "definition"
_SHOWN_SENSES = 3
_SHOWN_WORDS = 12


@dataclass(frozen=True)
class Definition:
    term: str
    relation: str  # definition | synonym | antonym


@v_args(inline=True)
class _Reader(Transformer[Any, Any]):
    def define(self, term: str) -> Definition:
        return Definition(term, "definition")

    def synonym(self, term: str) -> Definition:
        return Definition(term, "synonym")

    def antonym(self, term: str) -> Definition:
        return Definition(term, "antonym")

    def term(self, *words: Token) -> str:
        return " ".join(words)


def reader() -> Transformer[Any, Any]:
    return _Reader()


def answer(request: Definition, query: Normalized, context: Context) -> Result:
    found = context.glossary.lookup(request.term, request.relation)
    if found is None and normalize_key(request.term) in FUNCTION_WORDS:
        return Result.failure(query.original, NAME, Status.NOT_FOUND,
                              f"{request.term!r} is a function word, which the dictionary (WordNet) does not "
                              "define: it has nouns, verbs, adjectives and adverbs.",
                              interpreted_as=f"{request.relation} of {request.term!r}")
    if found is None:
        suggestions = tuple(context.glossary.suggest(request.term))
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        return Result.failure(query.original, NAME, Status.NOT_FOUND,
                              f"No entry for {request.term!r}.{hint}", suggestions=suggestions,
                              interpreted_as=f"{request.relation} of {request.term!r}")
    entry = found.entry
    interpreted = f"{request.relation} of {entry.term!r}"
    if found.how != "exact":
        interpreted += f" (read {found.query!r} as {entry.term!r})"
    return Result(query.original, NAME, Status.OK, _text(request.relation, found), interpreted,
                  _confidence(found),
                  answer=DefinitionAnswer(entry.term, request.relation, entry.senses, entry.synonyms,
                                          entry.antonyms, entry.source))


def _text(relation: str, found: WordLookup) -> str:
    entry = found.entry
    if relation == "synonym":
        return f"Synonyms of {entry.term}: {_listed(entry.synonyms)}"
    if relation == "antonym":
        return f"Antonyms of {entry.term}: {_listed(entry.antonyms)}"
    if not entry.senses:
        return f"{entry.term}: {entry.summary}"
    senses = entry.senses[:_SHOWN_SENSES]
    if len(senses) == 1:
        sense = senses[0]
        return f"{entry.term} ({sense.pos}): {sense.definition}" if sense.pos else f"{entry.term}: {sense.definition}"
    listed = "; ".join(f"{n}. ({s.pos}) {s.definition}" for n, s in enumerate(senses, 1))
    return f"{entry.term}: {listed}"


def _listed(words: tuple[str, ...]) -> str:
    """The first few words for the one-line text; the answer keeps them all ("big" has over 150)."""
    if not words:
        return "none listed"
    more = f" (+{len(words) - _SHOWN_WORDS} more)" if len(words) > _SHOWN_WORDS else ""
    return ", ".join(words[:_SHOWN_WORDS]) + more


def _confidence(found: WordLookup) -> float:
    return 0.95 if found.how == "exact" else 0.9 if found.how == "inflection" else 0.9 * found.score / 100
