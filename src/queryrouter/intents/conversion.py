"""conversion: "19.2 lbs to kg", "how many cups in a liter", "5 ft 3 in to cm", "180 cm to feet and inches"."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from lark import Token, Transformer, v_args
from lark.visitors import merge_transformers

from ..formatting import format_number, round_to
from ..numbers import NumberReader
from ..result import Amount, ConversionAnswer, Result, Status

if TYPE_CHECKING:
    import pint

    from ..normalize import Normalized
    from ..router import Router
    from ..units import Units

NAME = "conversion"


@dataclass(frozen=True)
class Piece:
    """A number and the words after it: "4 oz chocolate" -> 4, ("oz", "chocolate")."""

    value: Fraction
    words: tuple[str, ...]
    typed: bool = True  # False when no number was typed ("feet to meters" means 1 foot)
    note: str = ""


@dataclass(frozen=True)
class Conversion:
    source: tuple[Piece, ...]
    target: tuple[tuple[str, ...], ...]  # one unit phrase, or several for "feet and inches"


@v_args(inline=True)
class _Reader(Transformer):
    def forward(self, source: tuple[Piece, ...], target: tuple[tuple[str, ...], ...]) -> Conversion:
        return Conversion(source, target)

    def forward_one(self, words: tuple[str, ...], target: Any) -> Conversion:
        target = target if isinstance(target, list) else [target]
        return Conversion((Piece(Fraction(1), words, typed=False),), tuple(target))

    def how_many(self, target: tuple[str, ...], source: Any) -> Conversion:
        return Conversion(source, (target,))

    def how_many_after(self, source: tuple[Piece, ...], target: tuple[str, ...]) -> Conversion:
        return Conversion(source, (target,))

    def reversed(self, target: tuple[str, ...], source: tuple[Piece, ...]) -> Conversion:
        return Conversion(source, (target,))

    def source(self, child: Any) -> tuple[Piece, ...]:
        return child if isinstance(child, tuple) and isinstance(child[0], Piece) else (Piece(Fraction(1), child),)

    def quantities(self, *pieces: Piece) -> tuple[Piece, ...]:
        return pieces

    def quantity(self, amount: tuple[Fraction, str], words: tuple[str, ...]) -> Piece:
        return Piece(amount[0], words, note=amount[1])

    def amount(self, value: Fraction) -> tuple[Fraction, str]:
        return value, ""

    def negative(self, value: Fraction) -> tuple[Fraction, str]:
        return -value, ""

    def lost_point(self, whole: Token, digits: Token) -> tuple[Fraction, str]:
        return Fraction(f"{whole}.{digits}"), f"read '{whole} {digits}' as {whole}.{digits}"

    def target(self, *phrases: tuple[str, ...]) -> list[tuple[str, ...]]:
        return list(phrases)

    def unit_phrase(self, *tokens: Token) -> tuple[str, ...]:
        return tuple(word for token in tokens for word in token.split())


def reader() -> Transformer:
    return merge_transformers(_Reader(), common=NumberReader())


@dataclass(frozen=True)
class _Resolved:
    value: Fraction
    unit: pint.Unit
    leftover: tuple[str, ...]


def answer(request: Conversion, query: Normalized, router: Router) -> Result | None:
    """The converted amount, a typed failure, or None when no unit was named at all (not a conversion)."""
    units = router.units
    typed = any(piece.typed for piece in request.source)
    sources = [units.resolve(piece.words) for piece in request.source]
    targets = [units.resolve(words) for words in request.target]
    if not any(sources) and not any(targets):
        return None
    if not typed and (not all(sources) or not all(targets) or _has_leftover(request, sources, targets)):
        return None  # "second to none": without a number both sides must be plainly units
    for piece, match in [*zip(request.source, sources), *zip([Piece(Fraction(1), w) for w in request.target],
                                                             targets)]:
        if match is None:
            return _unknown_unit(query, piece.words, units)
    temperature = [units.resolve(p.words, temperature=True) for p in request.source]
    temperature_targets = [units.resolve(w, temperature=True) for w in request.target]
    if all(m is not None and units.is_temperature(m.unit) for m in (*temperature, *temperature_targets)):
        sources, targets = temperature, temperature_targets
    resolved = [_Resolved(p.value, m.unit, p.words[m.used:]) for p, m in zip(request.source, sources) if m]
    goal = [m.unit for m in targets if m]
    return _convert(query, request, resolved, goal, units)


def _has_leftover(request: Conversion, sources: list[Any], targets: list[Any]) -> bool:
    pairs = [*zip((p.words for p in request.source), sources), *zip(request.target, targets)]
    return any(match is not None and match.used < len(words) for words, match in pairs)


def _unknown_unit(query: Normalized, words: tuple[str, ...], units: Units) -> Result:
    word = words[0]
    suggestions = tuple(units.suggest(word))
    hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    return Result.failure(query.original, NAME, Status.UNKNOWN_UNIT, f"Unknown unit {word!r}.{hint}",
                          suggestions=suggestions, confidence=0.5)


def _convert(query: Normalized, request: Conversion, source: list[_Resolved], goal: list[pint.Unit],
             units: Units) -> Result:
    source = [_fluid_ounce_if_volume(item, goal[0], units) for item in source]
    for item in source:
        if not units.compatible(item.unit, goal[0]):
            return _incompatible(query, item.unit, goal[0], units)
        if units.is_temperature(item.unit) and units.to_kelvin(item.value, item.unit) < 0:
            return Result.failure(query.original, NAME, Status.BELOW_ABSOLUTE_ZERO,
                                  f"{format_number(item.value)} {units.symbol(item.unit)} is below absolute zero.",
                                  confidence=0.9)
    total = sum(units.convert(item.value, item.unit, goal[0]) for item in source)
    total = _snap(total, [units.convert(i.value, i.unit, goal[0]) for i in source])
    parts = _split(total, goal, units) if len(goal) > 1 else ()
    shown_source = " ".join(f"{format_number(i.value)} {units.symbol(i.unit)}" for i in source)
    shown_target = (" ".join(f"{format_number(p.value)} {units.symbol(u)}" for p, u in zip(parts, goal))
                    if parts else f"{format_number(total)} {units.symbol(goal[0])}")
    notes = [*query.notes, *(p.note for p in request.source if p.note)]
    leftovers = [w for i in source for w in i.leftover if w.lower() not in ("of", "the")]
    if leftovers:
        notes.append(f"ignored {' '.join(leftovers)!r}")
    reading = " + ".join(f"{format_number(i.value)} {units.name(i.unit)}" for i in source)
    interpreted = f"{reading} -> {' and '.join(units.name(u) for u in goal)}"
    if notes:
        interpreted += f" ({'; '.join(notes)})"
    answer = ConversionAnswer(tuple(Amount(float(i.value), units.name(i.unit)) for i in source),
                              Amount(total, units.name(goal[0])), parts)
    confidence = 0.95 if not notes else 0.85
    return Result(query.original, NAME, Status.OK, f"{shown_source} = {shown_target}", interpreted,
                  confidence, answer=answer)


def _fluid_ounce_if_volume(item: _Resolved, goal: pint.Unit, units: Units) -> _Resolved:
    """oz is a mass unless the other side is a volume ("8 oz to ml"), then it is the fluid ounce."""
    if str(item.unit) != "ounce":
        return item
    fluid = units.lookup("fl oz")
    if fluid is not None and units.compatible(fluid, goal):
        return _Resolved(item.value, fluid, item.leftover)
    return item


def _incompatible(query: Normalized, source: pint.Unit, goal: pint.Unit, units: Units) -> Result:
    text = (f"Cannot convert {units.name(source)} ({source.dimensionality}) "
            f"to {units.name(goal)} ({goal.dimensionality}).")
    return Result.failure(query.original, NAME, Status.INCOMPATIBLE_UNITS, text, confidence=0.8)


def _snap(total: float, terms: list[float]) -> float:
    """Float noise around zero from offset scales (32 °F -> 5.7e-14 °C) is zero."""
    scale = max((abs(t) for t in terms), default=0.0)
    return 0.0 if abs(total) < 1e-9 * max(scale, 1.0) else total


def _split(total: float, goal: list[pint.Unit], units: Units) -> tuple[Amount, ...]:
    """180 cm -> 5 ft 10.87 in: whole larger units, the smallest rounded, carried so never 5 ft 12 in."""
    smallest = goal[-1]
    remaining = round_to(units.convert(Fraction(total), goal[0], smallest), 2)
    sign = -1 if remaining < 0 else 1
    remaining = abs(remaining)
    parts: list[Amount] = []
    for unit in goal[:-1]:
        size = units.convert(Fraction(1), unit, smallest)
        count = math.floor(remaining / size + 1e-9)
        remaining = round_to(remaining - count * size, 2)
        parts.append(Amount(float(sign * count), units.name(unit)))
    parts.append(Amount(sign * remaining, units.name(smallest)))
    return tuple(parts)

