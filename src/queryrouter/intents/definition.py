"""definition: "behemoth definition", "define luscious", "synonyms for happy", "antonym of happy",
"what is fomo". The words of each frame are in data/vocabulary.toml ([definition.*]); the answer is
dictionary.py's, shared with the topic intent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lark import Token, Transformer, v_args

from ..dictionary import answered, define
from ..result import Result

if TYPE_CHECKING:
    from ..context import Context
    from ..normalize import Normalized

NAME = "definition"


@dataclass(frozen=True)
class Definition:
    term: str
    relation: str  # definition | synonym | antonym | form (which one `cue` says: word_forms.py)
    word_only: bool = False
    """"what is X": a definition only when X is a word (dictionary, slang, abbreviation); a place, a person
    or anything else the glossary does not hold as a word is the topic's to answer."""
    cue: str = ""  # a form's cue as typed: "plural of", "past tense"


@v_args(inline=True)
class _Reader(Transformer[Any, Any]):
    def define(self, term: str) -> Definition:
        return Definition(term, "definition")

    def what_is(self, term: str) -> Definition:
        return Definition(term, "definition", word_only=True)

    def synonym(self, term: str) -> Definition:
        return Definition(term, "synonym")

    def antonym(self, term: str) -> Definition:
        return Definition(term, "antonym")

    def word_form(self, *parts: Token | str) -> Definition:
        cue = next(part for part in parts if isinstance(part, Token))
        term = next(part for part in parts if not isinstance(part, Token))
        return Definition(term, "form", cue=str(cue))

    def term(self, *words: Token) -> str:
        return " ".join(words)


def reader() -> Transformer[Any, Any]:
    return _Reader()


def answer(request: Definition, query: Normalized, context: Context) -> Result | None:
    """The definition, or None to decline "what is X" when X is not a word the glossary holds (the router
    then asks the topic: "what is the capital of brazil", "what is paris")."""
    if request.relation == "form":
        from ..word_forms import answer as form

        return form(request.term, request.cue, query, context)
    if request.word_only:
        found = context.glossary.word(request.term)
        return None if found is None else answered(request.relation, found, query)
    return define(request.term, request.relation, query, context)
