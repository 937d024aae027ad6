"""The result contract: what route() returns and what `--json` prints.

Other programs parse `Result.to_dict()`, so its shape is documented in the README and pinned by tests.
"""

from __future__ import annotations

import enum
from json import JSONEncoder

from .values import value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any


class Status(str, enum.Enum):
    """Why a query was or was not answered; the value is what `to_dict()` shows."""

    OK = "ok"
    NOT_UNDERSTOOD = "not_understood"
    UNKNOWN_UNIT = "unknown_unit"
    INCOMPATIBLE_UNITS = "incompatible_units"
    MISSING_TARGET = "missing_target"
    MISSING_VALUE = "missing_value"  # a converter or calculator asked for by name, with nothing to work on
    BELOW_ABSOLUTE_ZERO = "below_absolute_zero"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    INVALID_NUMBER = "invalid_number"
    DIVISION_BY_ZERO = "division_by_zero"
    OUT_OF_RANGE = "out_of_range"
    TOO_LONG = "too_long"
    INVALID_ENCODING = "invalid_encoding"  # a batch line that is not UTF-8
    EMPTY = "empty"
    INTERNAL = "internal"

    def __str__(self) -> str:
        return self.value


@value
class Alternative:
    """Another reading of an ambiguous query."""

    interpreted_as: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"interpreted_as": self.interpreted_as, "text": self.text}


@value
class Amount:
    """A number with a unit, as pint names it."""

    value: float
    unit: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit}


@value
class ConversionAnswer:
    source: tuple[Amount, ...]
    target: Amount
    parts: tuple[Amount, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "from": [a.to_dict() for a in self.source],
            "to": self.target.to_dict(),
        }
        if self.parts:
            data["parts"] = [a.to_dict() for a in self.parts]
        return data


@value
class CalculationAnswer:
    expression: str
    value: float
    exact: str  # the exact value as a fraction, e.g. "100/3"

    def to_dict(self) -> dict[str, Any]:
        return {"expression": self.expression, "value": self.value, "exact": self.exact}


@value
class Sense:
    pos: str
    definition: str
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"pos": self.pos, "definition": self.definition, "examples": list(self.examples)}


@value
class WordForm:
    """One form of a word ("went"), and the sense it has when the word's forms differ by sense ("lay": "to
    rest lying down"; "" when they do not)."""

    form: str
    sense: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"form": self.form, "sense": self.sense}


@value
class DefinitionAnswer:
    term: str
    relation: str  # definition | synonym | antonym | a form: plural | past_tense | ... (word_forms.py)
    senses: tuple[Sense, ...]
    synonyms: tuple[str, ...]
    antonyms: tuple[str, ...]
    source: str
    forms: tuple[WordForm, ...] = ()  # the forms asked, when `relation` is a form

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "relation": self.relation,
            "senses": [s.to_dict() for s in self.senses],
            "synonyms": list(self.synonyms),
            "antonyms": list(self.antonyms),
            "source": self.source,
            "forms": [f.to_dict() for f in self.forms],
        }


@value
class TopicMatch:
    term: str
    summary: str
    score: float
    source: str
    facet: str | None = None  # the facet `summary` answers ("capital", "highest_point"), None for a summary

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "summary": self.summary, "score": self.score, "source": self.source,
                "facet": self.facet}


@value
class TopicAnswer:
    matches: tuple[TopicMatch, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"matches": [m.to_dict() for m in self.matches]}


Answer = ConversionAnswer | CalculationAnswer | DefinitionAnswer | TopicAnswer


@value
class Result:
    """One answered (or honestly unanswered) query."""

    query: str
    intent: str  # conversion | calculation | definition | topic | none
    status: Status
    text: str
    interpreted_as: str = ""
    confidence: float = 0.0
    suggestions: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    answer: Answer | None = None

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @classmethod
    def failure(cls, query: str, intent: str, status: Status, text: str, *, interpreted_as: str = "",
                confidence: float = 0.0, suggestions: tuple[str, ...] = (),
                alternatives: tuple[Alternative, ...] = ()) -> Result:
        """A query that could not be answered, saying why."""
        return cls(query, intent, status, text, interpreted_as, confidence, suggestions, alternatives)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "intent": self.intent,
            "status": self.status.value,
            "ok": self.ok,
            "text": self.text,
            "interpreted_as": self.interpreted_as,
            "confidence": round(self.confidence, 3),
            "suggestions": list(self.suggestions),
            "alternatives": [a.to_dict() for a in self.alternatives],
            "answer": self.answer.to_dict() if self.answer is not None and self.ok else None,
        }

    def to_json(self) -> str:
        """to_dict() as one line of JSON, as json.dumps(..., ensure_ascii=False) writes it."""
        return _ENCODER.encode(self.to_dict())

    def __str__(self) -> str:
        return self.text


# One encoder for every record: json.dumps with options builds a new one per call. to_dict() builds trees,
# so the check for circular references is skipped.
_ENCODER = JSONEncoder(ensure_ascii=False, check_circular=False)
