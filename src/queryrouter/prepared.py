"""A conversion with every unit decision made, applied to amounts: arithmetic and formatting only.

intents/conversion.py decides (with pint) how each unit of a query converts; what it decides is kept here
as plain names and factors, so the fast path (fastpath/) can keep it per query shape ("# lbs to kg") in
memory or on disk, and answer the next amount of that shape without lark or pint loaded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cached_property

from .formatting import clean_float, format_number, round_to
from .result import Alternative, Amount, ConversionAnswer, Result, Status
from .values import value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any

NAME = "conversion"


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
        if len(self.legs) == 1:  # most conversions: no lists (this runs per batch line)
            leg = self.legs[0]
            return settle(leg.apply(numbers[0], shown[0], self.goal_symbol), abs(leg.offset))
        amounts = [leg.apply(n, s, self.goal_symbol) for leg, n, s in zip(self.legs, numbers, shown, strict=True)]
        return settle(sum(amounts), max(*map(abs, amounts), *[abs(leg.offset) for leg in self.legs]))

    def source_text(self, shown: Sequence[str]) -> str:
        return " ".join([f"{s} {leg.symbol}" for leg, s in zip(self.legs, shown)]) + self.substance

    def source_names(self, shown: Sequence[str]) -> str:
        return " + ".join([f"{s} {leg.name}" for leg, s in zip(self.legs, shown)])

    def total_or_none(self, numbers: Sequence[float], shown: Sequence[str]) -> float | None:
        """`total`, or None where this reading refuses the amounts (an alternative is then left out)."""
        try:
            return self.total(numbers, shown)
        except Refusal:
            return None


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

    Built from plain names and factors, not pint objects, so the fast path can keep one per query shape
    ("N lbs to kg") and answer the next amount without the parser or pint."""

    values: tuple[Fraction, ...]  # the amounts of the query it was prepared from
    KIND = NAME  # the intent that decided it
    reading: Reading
    parts: Parts | None
    notes: tuple[str, ...]
    alternatives: tuple[Reading, ...]

    @property
    def amounts(self) -> int:
        """How many amounts `apply` takes: one per source unit."""
        return len(self.reading.legs)

    def apply(self, original: str, values: Sequence[Fraction]) -> Result:
        """The answer for `values`, one per source unit; a refusal that depends on them (below absolute
        zero, 0 mpg) is a failure Result. The amounts are shown canonically ("19.20" as 19.2), so how
        they were typed does not matter."""
        numbers = [v.numerator / v.denominator for v in values]  # float(v), without numbers.Rational's detour
        shown = [shown_amount(v) for v in values]
        try:
            total, parts, others = self.totals(numbers, shown)
        except Refusal as refusal:
            return refusal.result(original)
        return self.result(original, shown, numbers, total, format_number(total), parts,
                           [None if other is None else format_number(other) for other in others])

    def totals(self, numbers: Sequence[float], shown: Sequence[str]
               ) -> tuple[float, tuple[Amount, ...], list[float | None]]:
        """The arithmetic: the answer's total, its parts, and each alternative's total (None where that
        reading refuses the amounts)."""
        total = self.reading.total(numbers, shown)
        if not math.isfinite(total):
            raise Refusal(Status.OUT_OF_RANGE, "The answer is too large to show.")
        parts = self.parts.split(total) if self.parts is not None else ()
        return total, parts, [other.total_or_none(numbers, shown) for other in self.alternatives]

    def result(self, original: str, shown: Sequence[str], numbers: Sequence[Any], total: Any, total_text: str,
               parts: tuple[Amount, ...], others_text: Sequence[str | None]) -> Result:
        """The Result laid out from the arithmetic's outcome, each total also as shown: the one place a
        conversion's answer is written (fastpath/records.py renders it once with markers for its slots)."""
        reading = self.reading
        if self.parts is not None:
            shown_target = " ".join(f"{format_number(p.value)} {symbol}"
                                    for p, (_, symbol, _) in zip(parts, self.parts.units))
            goals = " and ".join(name for name, _, _ in self.parts.units)
        else:
            shown_target, goals = f"{total_text} {reading.goal_symbol}", reading.goal
        interpreted = f"{reading.source_names(shown)} -> {goals}"
        if self.notes:
            interpreted += f" ({'; '.join(self.notes)})"
        alternatives = tuple([Alternative(f"{other.source_names(shown)} -> {other.goal}",
                                          f"{other.source_text(shown)} = {text} {other.goal_symbol}")
                              for other, text in zip(self.alternatives, others_text) if text is not None])
        answer = ConversionAnswer(tuple([Amount(n, leg.name) for n, leg in zip(numbers, reading.legs)]),
                                  Amount(total, reading.goal), parts)
        return Result(original, NAME, Status.OK, f"{reading.source_text(shown)} = {shown_target}", interpreted,
                      self._confidence, alternatives=alternatives, answer=answer)

    @cached_property
    def _confidence(self) -> float:
        return 0.85 if self.notes else 0.95


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
