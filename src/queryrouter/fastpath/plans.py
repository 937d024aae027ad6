"""A plan: what the core decided for one query, applied to every query of its shape, and its JSON.

The core's decision is a Prepared conversion (prepared.py) or a PreparedCalculation (arithmetic.py): every
choice about the words made, only arithmetic on the amounts left. A Plan holds one with how much
normalizing lengthens a query of its shape; answering a query of the shape is filling in its amounts.
Plans travel as JSON (plan_store.py keeps them on disk); text that is not a plan this module could have
written raises ValueError, KeyError or TypeError when read, so a damaged or edited plan is never applied.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from functools import cache, cached_property

from ..values import as_dict
from .shapes import Shape

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any

    from ..arithmetic import Node, PreparedCalculation
    from ..prepared import Prepared, Reading
    from ..result import Result
    from .records import RecordTemplate

# Each kind's module is imported when a plan of that kind is read: a conversion needs no decimal context.


class Plan:
    """How the fast path answers every query of one shape: the core's decision for one of them, and how
    many characters normalizing adds to a query of the shape ("5kg" -> "5 kg"), since the length cap
    applies after it. One subclass per kind of decision; `plan()` picks it."""

    kind = ""  # the intent that decided it, which says how to read its JSON back
    decision: Prepared | PreparedCalculation

    def __init__(self, decision: Any, growth: int) -> None:
        self.decision, self.growth = decision, growth

    def amounts(self, seen: Shape) -> tuple[Fraction, ...]:
        """The amounts a query of the shape `seen` gives the decision."""
        raise NotImplementedError

    def answer(self, original: str, seen: Shape) -> Result:
        """The Result for `original`, a query of the shape `seen`."""
        raise NotImplementedError

    def to_json(self) -> str:
        """The decision without its amounts, as JSON."""
        raise NotImplementedError

    @classmethod
    def read(cls, text: str, growth: int) -> Plan:
        """The plan that to_json wrote as `text`."""
        raise NotImplementedError

    def record(self, original: str, seen: Shape) -> tuple[bool, str]:
        """Whether answer(original, seen) answers, and its Result's JSON: what a batch writes for the line."""
        result = self.answer(original, seen)
        return result.ok, result.to_json()


class ConversionPlan(Plan):
    kind = "conversion"
    decision: Prepared

    def amounts(self, seen: Shape) -> tuple[Fraction, ...]:
        """The query's numbers, a minus sign that starts a word included ("-40 c to f"), or one of each
        unit when it has none ("kg to lbs")."""
        return seen.values(self.decision.amounts)

    def answer(self, original: str, seen: Shape) -> Result:
        return self.decision.apply(original, self.amounts(seen))

    def record(self, original: str, seen: Shape) -> tuple[bool, str]:
        """A one-unit conversion, most of a batch, is written through its template (records.py)."""
        if self._template is not None and len(seen.numbers) == 1:
            written = self._template.record(original, seen.numbers[0])
            if written is not None:
                return True, written
        return super().record(original, seen)

    @cached_property
    def _template(self) -> RecordTemplate | None:
        from .records import RecordTemplate

        return RecordTemplate(self.decision) if RecordTemplate.fits(self.decision) else None

    @classmethod
    def read(cls, text: str, growth: int) -> Plan:
        return cls(_conversion(text), growth)

    def to_json(self) -> str:
        """Floats keep every bit: JSON writes their repr."""
        data = as_dict(self.decision)
        del data["values"]
        return json.dumps(data, ensure_ascii=False, allow_nan=False)


class CalculationPlan(Plan):
    kind = "calculation"
    decision: PreparedCalculation

    def amounts(self, seen: Shape) -> tuple[Fraction, ...]:
        """The query's numbers without a minus sign before one, which a calculation reads as an operator
        ("-3 + 5", "5 - -3")."""
        return seen.unsigned().values()

    def answer(self, original: str, seen: Shape) -> Result:
        unsigned = seen.unsigned()
        return self.decision.apply(original, unsigned.values(), unsigned.numbers)  # amounts shown as typed

    @classmethod
    def read(cls, text: str, growth: int) -> Plan:
        return cls(_calculation(text), growth)

    def to_json(self) -> str:
        request = self.decision.request
        return json.dumps({"node": _tree(request.node), "form": request.form,
                           "parts": [_tree(n) for n in request.parts], "decrease": request.decrease,
                           "readings": [_tree(n) for n in request.readings], "notes": list(self.decision.notes)},
                          ensure_ascii=False)


_KINDS: dict[str, type[Plan]] = {plan.kind: plan for plan in (ConversionPlan, CalculationPlan)}


def plan(decision: Prepared | PreparedCalculation, growth: int) -> Plan:
    """The plan of the kind that applies `decision`."""
    return _KINDS[decision.KIND](decision, growth)


def from_json(kind: str, text: str, growth: int) -> Plan:
    """The inverse of Plan.to_json for a plan of `kind`."""
    if kind not in _KINDS:
        raise ValueError(f"a plan of unknown kind {kind!r}")
    return _KINDS[kind].read(text, growth)


def _conversion(text: str) -> Prepared:
    from ..prepared import Leg, Parts, Prepared, Reading

    data = json.loads(text, parse_constant=_no_constants)

    def reading(fields: dict[str, Any]) -> Reading:
        legs = tuple(Leg(_text(leg["name"]), _text(leg["symbol"]), _factor(leg["factor"]),
                         _number(leg["offset"]), _flag(leg["inverse"]),
                         (_factor(leg["kelvin"][0]), _number(leg["kelvin"][1])) if leg["kelvin"] else None)
                     for leg in fields["legs"])
        if not legs:
            raise ValueError("a reading without units")
        return Reading(legs, _text(fields["goal"]), _text(fields["goal_symbol"]), _text(fields["substance"]))

    parts = data["parts"]
    units = tuple((_text(name), _text(symbol), _factor(size)) for name, symbol, size in parts["units"]) if parts else ()
    prepared = Prepared((), reading(data["reading"]),
                        Parts(units, _factor(parts["to_smallest"])) if parts else None,
                        tuple(_text(note) for note in data["notes"]),
                        tuple(reading(other) for other in data["alternatives"]))
    if any(len(other.legs) != prepared.amounts for other in prepared.alternatives) or (
            prepared.parts is not None and len(prepared.parts.units) < 2):
        raise ValueError("a plan whose parts do not fit together")
    return prepared


def _calculation(text: str) -> PreparedCalculation:
    from ..arithmetic import MAX_DEPTH, Calculation, PreparedCalculation

    data = json.loads(text)
    if data["form"] not in _FORMS or not isinstance(data["decrease"], bool):
        raise ValueError("not a calculation plan")
    request = Calculation(_untree(data["node"]), data["form"], tuple(_untree(n) for n in data["parts"]),
                          data["decrease"], tuple(_untree(n) for n in data["readings"]))
    if any(node.depth > MAX_DEPTH for node in (request.node, *request.parts, *request.readings)):
        raise ValueError("a plan nested too deep")
    notes = data["notes"]
    if not isinstance(notes, list) or not all(isinstance(note, str) for note in notes):
        raise TypeError("notes must be texts")
    return PreparedCalculation.of(request, notes)


@cache
def _stored_value() -> re.Pattern[str]:
    """A number as str(Fraction) writes it, within the calculator's digit limit."""
    from ..arithmetic import MAX_DIGITS

    return re.compile(rf"-?\d{{1,{MAX_DIGITS}}}(?:/\d{{1,{MAX_DIGITS}}})?")


_FORMS = ("value", "percent", "fraction", "decimal", "part_of_whole", "change")
# What a stored tree may hold, by kind of node: its operators, and how many arguments it takes.
_ARITY = {"group": 1, "fraction": 2, "power": 2, "prefix": 1, "postfix": 1, "sum": 0, "product": 0}
"""Each node kind's number of arguments (0: two or more, an operator between each); its operators are
those arithmetic.reads_operator accepts."""


def _tree(node: Node) -> dict[str, Any]:
    if node.op == "constant":
        return {"op": "constant", "text": node.text}
    if node.op == "number":
        return {"op": "number", "value": str(node.value), "currency": node.currency, "text": node.text,
                "position": node.position}
    return {"op": node.op, "args": [_tree(arg) for arg in node.args], "ops": list(node.ops)}


def _untree(data: dict[str, Any], depth: int = 0) -> Node:
    from ..arithmetic import MAX_DEPTH, branch, constant, leaf, reads_operator

    if depth > MAX_DEPTH:
        raise ValueError("a plan nested too deep")
    if data["op"] == "constant":
        return constant(data["text"])  # a KeyError for anything but π and e
    if data["op"] == "number":
        currency, text, position = data["currency"], data["text"], data["position"]
        if not (isinstance(currency, str) and isinstance(text, str)) or type(position) is not int:
            raise TypeError("a number with fields of the wrong type")
        value = data["value"]
        if not isinstance(value, str) or not _stored_value().fullmatch(value):
            raise ValueError(f"not a stored number: {value!r}")
        return leaf(Fraction(value), currency, text, position)
    op, args, ops = data["op"], data["args"], data["ops"]
    arity = _ARITY[op]
    fits = len(args) == arity if arity else len(args) >= 2 and len(ops) == len(args) - 1  # sum, product
    if (not fits or not isinstance(ops, list) or not all(isinstance(o, str) and reads_operator(op, o) for o in ops)
            or (op in ("prefix", "postfix") and not ops)):
        raise ValueError(f"not an expression: {op!r} of {len(args)} with {ops!r}")
    return branch(op, [_untree(arg, depth + 1) for arg in args], ops)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, not {value!r}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(f"expected a number, not {value!r}")
    return float(value)


def _factor(value: Any) -> float:
    if _number(value) == 0:
        raise ValueError("a factor of zero")
    return float(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, not {value!r}")
    return value


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} in a plan")
