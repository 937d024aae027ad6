"""A word's definition, synonyms or antonyms as a Result: what the definition intent answers, and what the
topic intent answers for a word alone that no topic is about ("luscious"). Not an intent itself, so that
neither intent imports the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lexicon import normalize_key, words
from .result import DefinitionAnswer, Result, Status

if TYPE_CHECKING:
    from .context import Context
    from .glossary import WordLookup
    from .normalize import Normalized

NAME = "definition"
"""The intent a definition's Result names, whichever intent asked for it."""
_SHOWN_SENSES = 3
_SHOWN_WORDS = 12


def define(term: str, relation: str, query: Normalized, context: Context) -> Result:
    """The `relation` ("definition", "synonym" or "antonym") of `term` from the glossary, or not_found
    with what was near."""
    found = context.glossary.lookup(term, relation)
    if found is None and normalize_key(term) in words().function:
        return Result.failure(query.original, NAME, Status.NOT_FOUND,
                              f"{term!r} is a function word, which the dictionary (WordNet) does not "
                              "define: it has nouns, verbs, adjectives and adverbs.",
                              interpreted_as=f"{relation} of {term!r}")
    if found is None:
        suggestions = tuple(context.glossary.suggest(term))
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        return Result.failure(query.original, NAME, Status.NOT_FOUND,
                              f"No entry for {term!r}.{hint}", suggestions=suggestions,
                              interpreted_as=f"{relation} of {term!r}")
    return answered(relation, found, query)


def answered(relation: str, found: WordLookup, query: Normalized) -> Result:
    """The ok Result for a word the glossary found."""
    entry = found.entry
    interpreted = f"{relation} of {entry.term!r}"
    if found.how != "exact":
        interpreted += f" (read {found.query!r} as {entry.term!r})"
    return Result(query.original, NAME, Status.OK, _text(relation, found), interpreted,
                  _confidence(found),
                  answer=DefinitionAnswer(entry.term, relation, entry.senses, entry.synonyms,
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
