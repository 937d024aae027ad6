"""A conversion with every unit decision made, applied to amounts: arithmetic and formatting only.

intents/conversion.py decides (with pint) how each unit of a query converts; what it decides is kept here
as plain names and factors, so the router can keep it per query shape ("# lbs to kg") in memory or on
disk, and answer the next amount of that shape without lark or pint loaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cached_property
from json.encoder import encode_basestring as _quote  # a str as JSON, not escaped to ASCII

from .formatting import clean_float, format_number, round_to
from .result import Alternative, Amount, ConversionAnswer, Result, Status
from .values import as_dict, value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any

    from .shapes import Shape

NAME = "conversion"
_SMALLEST_PLAIN = Fraction(1, 10**6)  # below it format_number writes an exponent (1e-7)


class Refusal(Exception):
    """A typed failure found while converting; it becomes a failure Result."""

    def __init__(self, status: Status, text: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.status = status
        self.suggestions = suggestions

    def result(self, original: str) -> Result:
        confidence = 0.5 if self.status is Status.UNKNOWN_UNIT else 0.8
        return Result.failure(original, NAME, self.status, str(self), suggestions=self.suggestions,
                              confidence=confidence)


ABSOLUTE_ZERO_SLACK = 1e-9  # kelvin: -459.67 °F is absolute zero, though its float line gives -5.7e-14 K


def settle(total: float, scale: float) -> float:
    """A converted total without float noise: zero when it is noise around zero next to the amounts or
    offsets of its `scale` (32 °F -> 5.7e-14 °C is 0 °C; 1 nm is 1e-12 km, not noise)."""
    return clean_float(0.0 if abs(total) < 1e-9 * scale else total)


@value
class Leg:
    """How amounts in one source unit reach the goal unit: value x factor + offset, or one over it."""

    name: str
    symbol: str
    factor: float
    offset: float = 0.0
    inverse: bool = False  # reciprocal units (mpg <-> l/100km)
    kelvin: tuple[float, float] | None = None  # a temperature's line to kelvin, to refuse below absolute zero

    def apply(self, number: float, shown: str, goal_symbol: str) -> float:
        if self.kelvin is not None and number * self.kelvin[0] + self.kelvin[1] < -ABSOLUTE_ZERO_SLACK:
            raise Refusal(Status.BELOW_ABSOLUTE_ZERO, f"{shown} {self.symbol} is below absolute zero.")
        if self.inverse:
            if number == 0:
                raise Refusal(Status.OUT_OF_RANGE, f"0 {self.symbol} is infinite in {goal_symbol}.")
            return 1.0 / (number * self.factor)
        return number * self.factor + self.offset


@value
class Reading:
    """One reading of the source units and the goal: the answer's, or an alternative's."""

    legs: tuple[Leg, ...]
    goal: str
    goal_symbol: str
    substance: str  # " flour" when a density turns mass into volume, else ""

    def total(self, numbers: Sequence[float], shown: Sequence[str]) -> float:
        amounts = [leg.apply(n, s, self.goal_symbol) for leg, n, s in zip(self.legs, numbers, shown, strict=True)]
        if len(amounts) == 1:
            return settle(amounts[0], abs(self.legs[0].offset))
        return settle(sum(amounts), max(max(map(abs, amounts)), *[abs(leg.offset) for leg in self.legs]))

    def source_text(self, shown: Sequence[str]) -> str:
        return " ".join([f"{s} {leg.symbol}" for leg, s in zip(self.legs, shown)]) + self.substance

    def source_names(self, shown: Sequence[str]) -> str:
        return " + ".join([f"{s} {leg.name}" for leg, s in zip(self.legs, shown)])

    def alternative(self, numbers: Sequence[float], shown: Sequence[str]) -> Alternative | None:
        try:
            total = self.total(numbers, shown)
        except Refusal:
            return None
        return Alternative(f"{self.source_names(shown)} -> {self.goal}",
                           f"{self.source_text(shown)} = {format_number(total)} {self.goal_symbol}")


@value
class Parts:
    """An answer split into several units ("feet and inches"): (name, symbol, size in the smallest unit)
    for each, largest first, and the factor from the goal to the smallest."""

    units: tuple[tuple[str, str, float], ...]
    to_smallest: float

    def split(self, total: float) -> tuple[Amount, ...]:
        """180 cm -> 5 ft 10.87 in: whole larger units, the smallest rounded, carried so never 5 ft 12 in."""
        remaining = round_to(total * self.to_smallest, 2)
        sign = -1 if remaining < 0 else 1
        remaining = abs(remaining)
        parts: list[Amount] = []
        for name, _symbol, size in self.units[:-1]:
            count = math.floor(remaining / size + 1e-9)
            remaining = round_to(remaining - count * size, 2)
            parts.append(Amount(float(sign * count), name))
        parts.append(Amount(sign * remaining, self.units[-1][0]))
        return tuple(parts)


@value
class Prepared:
    """A conversion with every unit decision made: applying it to amounts is arithmetic and formatting.

    Built from plain names and factors, not pint objects, so the router can keep one per query shape
    ("N lbs to kg") and answer the next amount without the parser or pint."""

    values: tuple[Fraction, ...]  # the amounts of the query it was prepared from
    KIND = NAME  # what plan_store.py records, to read the plan back
    reading: Reading
    parts: Parts | None
    notes: tuple[str, ...]
    alternatives: tuple[Reading, ...]

    def to_json(self) -> str:
        """Everything but the amounts, for plan_store.py; floats keep every bit (JSON writes their repr)."""
        data = as_dict(self)
        del data["values"]
        return json.dumps(data, ensure_ascii=False, allow_nan=False)

    @property
    def amounts(self) -> int:
        """How many amounts `apply` takes: one per source unit."""
        return len(self.reading.legs)

    @classmethod
    def from_json(cls, text: str) -> Prepared:
        """The inverse of to_json. Text that is not a plan to_json could have written (a damaged or edited
        file) raises ValueError, KeyError or TypeError, so it is never applied."""
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
        prepared = cls((), reading(data["reading"]),
                       Parts(tuple((_text(name), _text(symbol), _factor(size)) for name, symbol, size in parts["units"]),
                             _factor(parts["to_smallest"])) if parts else None,
                       tuple(_text(note) for note in data["notes"]),
                       tuple(reading(other) for other in data["alternatives"]))
        if any(len(other.legs) != prepared.amounts for other in prepared.alternatives) or (
                prepared.parts is not None and len(prepared.parts.units) < 2):
            raise ValueError("a plan whose parts do not fit together")
        return prepared

    def apply(self, original: str, values: Sequence[Fraction]) -> Result:
        """The answer for `values`, one per source unit; a refusal that depends on them (below absolute
        zero, 0 mpg) is a failure Result. The amounts are shown canonically ("19.20" as 19.2), so how
        they were typed does not matter."""
        numbers = [v.numerator / v.denominator for v in values]  # float(v), without numbers.Rational's detour
        try:
            text, interpreted, total, parts, alternatives = self._answer(numbers, [shown_amount(v) for v in values])
        except Refusal as refusal:
            return refusal.result(original)
        answer = ConversionAnswer(tuple([Amount(n, leg.name) for n, leg in zip(numbers, self.reading.legs)]),
                                  Amount(total, self.reading.goal), parts)
        return Result(original, NAME, Status.OK, text, interpreted, self._confidence, alternatives=alternatives,
                      answer=answer)

    def amounts_of(self, seen: Shape) -> tuple[Fraction, ...]:
        """The amounts of a query of the shape `seen`: its numbers, a minus sign before one included
        ("-40 c to f"), or one of each unit when it has none ("kg to lbs")."""
        return seen.values(self.amounts)

    def answer(self, original: str, seen: Shape) -> Result:
        """The Result for `original`, a query of the shape `seen`."""
        return self.apply(original, self.amounts_of(seen))

    def record(self, original: str, seen: Shape) -> tuple[bool, str]:
        """What answer(original, seen) gives, as Result.to_json() would write it, and whether it answers.
        A one-unit plan without parts, most of a batch, is written through its template."""
        if self._template is not None and len(seen.numbers) == 1:
            written = self._template.record(original, seen.numbers[0])
            if written is not None:
                return True, written
        result = self.answer(original, seen)
        return result.ok, result.to_json()

    @cached_property
    def _confidence(self) -> float:
        return 0.85 if self.notes else 0.95

    @cached_property
    def _template(self) -> RecordTemplate | None:
        if self.parts is not None or any(len(reading.legs) != 1 for reading in (self.reading, *self.alternatives)):
            return None
        return RecordTemplate(self)

    def _answer(self, numbers: Sequence[float], shown: Sequence[str]
                ) -> tuple[str, str, float, tuple[Amount, ...], tuple[Alternative, ...]]:
        """The answer's text, how it was read, its total, its parts and its alternatives."""
        reading = self.reading
        total = reading.total(numbers, shown)
        if not math.isfinite(total):
            raise Refusal(Status.OUT_OF_RANGE, "The answer is too large to show.")
        if self.parts is not None:
            parts = self.parts.split(total)
            shown_target = " ".join(f"{format_number(p.value)} {symbol}"
                                    for p, (_, symbol, _) in zip(parts, self.parts.units))
            goals = " and ".join(name for name, _, _ in self.parts.units)
        else:
            parts, shown_target, goals = (), f"{format_number(total)} {reading.goal_symbol}", reading.goal
        interpreted = f"{reading.source_names(shown)} -> {goals}"
        if self.notes:
            interpreted += f" ({'; '.join(self.notes)})"
        alternatives = tuple([found for other in self.alternatives
                              if (found := other.alternative(numbers, shown)) is not None])
        return f"{reading.source_text(shown)} = {shown_target}", interpreted, total, parts, alternatives


class RecordTemplate:
    """A one-unit plan without parts as the JSON text of its Result around the amount: a batch line is
    then the arithmetic, two formatted numbers and one f-string (a third of the time of building the
    Result and encoding it). The layout copies Result.to_dict's; tests hold the two equal byte for byte."""

    def __init__(self, prepared: Prepared) -> None:
        main, others = _OneUnit(prepared.reading), tuple(map(_OneUnit, prepared.alternatives))
        notes = f" ({'; '.join(prepared.notes)})" if prepared.notes else ""
        self.main, self.others = main, others
        self.text_tail = f'{main.after_total}", "interpreted_as": "'
        self.names_tail = (f'{main.after_names}{_quote(notes)[1:-1]}", "confidence": {prepared._confidence!r}, '
                           '"suggestions": [], "alternatives": [')
        self.answer_unit = f', "unit": {_quote(main.name)}}}], "to": {{"value": '
        self.goal_unit = f', "unit": {_quote(main.goal)}}}}}}}'

    def record(self, original: str, typed: str) -> str | None:
        """The record for the amount `typed`; None when the plan refuses it or it needs care (below
        absolute zero, too large), which Prepared.apply then answers."""
        number = float(typed)
        total = self.main.total(number)
        if total is None:
            return None
        shown = shown_typed(typed)
        alternatives = []
        for other in self.others:
            found = other.total(number)
            if found is None:
                return None
            alternatives.append(f'{{"interpreted_as": "{shown}{other.after_names}", '
                                f'"text": "{shown}{other.after_amount}{format_number(found)}{other.after_total}"}}')
        return (f'{{"query": {_quote(original)}, "intent": "{NAME}", "status": "ok", "ok": true, '
                f'"text": "{shown}{self.main.after_amount}{format_number(total)}{self.text_tail}'
                f'{shown}{self.names_tail}{", ".join(alternatives)}], "answer": {{"from": [{{"value": {number!r}'
                f'{self.answer_unit}{total!r}{self.goal_unit}')


class _OneUnit:
    """A one-unit reading's arithmetic, and its text after the amount and the total, escaped for JSON."""

    def __init__(self, reading: Reading) -> None:
        (self.leg,) = reading.legs
        self.name, self.goal = self.leg.name, reading.goal
        self.after_amount = _quote(f" {self.leg.symbol}{reading.substance} = ")[1:-1]
        self.after_total = _quote(f" {reading.goal_symbol}")[1:-1]
        self.after_names = _quote(f" {self.leg.name} -> {reading.goal}")[1:-1]

    def total(self, number: float) -> float | None:
        """Reading.total for one amount, without its lists; None where it refuses or is not finite."""
        try:
            total = settle(self.leg.apply(number, "", ""), abs(self.leg.offset))
        except Refusal:
            return None
        return total if math.isfinite(total) else None


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


def shown_amount(value: Fraction) -> str:
    """A typed amount for people as typed ("1000.5 m", not "1001 m"), up to 12 significant digits; 1e99 is
    not written out in 100 digits, and 1/3 cup is shown rounded."""
    numerator, denominator = value.numerator, value.denominator  # integer arithmetic: this runs per query
    if abs(numerator) >= 10**15 * denominator:
        return format_number(float(value))
    if denominator == 1:
        return str(numerator)
    places = _decimal_places(denominator)
    if places and abs(numerator) * 10**6 >= denominator:  # as typed: 19.2, 0.125 (from 1e-6 up)
        digits = str(abs(numerator) * 10**places // denominator)  # exact; its last digit is not 0
        if len(digits) <= 12:
            digits = digits.rjust(places + 1, "0")
            return f"{'-' if numerator < 0 else ''}{digits[:-places]}.{digits[-places:]}"
    for significant in range(4, 13):
        shown = format_number(value, significant=significant)
        if Fraction(shown) == value:
            return shown
    return format_number(value)


def shown_typed(number: str) -> str:
    """shown_amount of a plain number as typed ("19.20" -> "19.2", "007" -> "7"), read off its digits
    where that is sure to agree (up to 12 digits, 6 decimals), without making a Fraction."""
    if number[0] == "-":  # "-40 c to f" (shapes.py never signs a zero)
        return "-" + shown_typed(number[1:])
    if len(number) <= 7 and (number[0] != "0" or number[1:2] in ("", ".")) and not (
            number[-1] == "0" and "." in number):
        return number  # most amounts are typed as they are shown: "19.2", "5", "0.25"
    whole, _, decimals = number.partition(".")
    decimals = decimals.rstrip("0")
    digits = (whole + decimals).lstrip("0")
    if len(digits) > 12 or len(decimals) > 6:
        return shown_amount(Fraction(number))
    if not decimals:
        return digits or "0"
    digits = digits.rjust(len(decimals) + 1, "0")
    return f"{digits[:-len(decimals)]}.{digits[-len(decimals):]}"


def _decimal_places(denominator: int) -> int:
    """How many decimal places 1/denominator takes, 0 if its expansion never ends (a factor other than 2
    and 5)."""
    twos = (denominator & -denominator).bit_length() - 1
    denominator >>= twos
    fives = 0
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else 0
