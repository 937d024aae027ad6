"""conversion: "19.2 lbs to kg", "how many cups in a liter", "5 ft 3 in to cm", "180 cm to feet and inches".

The grammar only says which words are numbers and which are unit phrases; here the unit phrases are
resolved (units.py), the readings that need a choice are made (temperature letters, "5k", oz as mass or
volume, an ingredient's density, mpg <-> l/100km) and every choice is written into `interpreted_as`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from lark import Token, Transformer, v_args
from lark.visitors import merge_transformers

from ..formatting import clean_float, format_number, round_to
from ..numbers import MAX_EXPONENT, InvalidNumber, NumberReader
from ..result import Alternative, Amount, ConversionAnswer, Result, Status

if TYPE_CHECKING:
    import pint

    from ..normalize import Normalized
    from ..router import Router
    from ..units import UnitMatch, Units

NAME = "conversion"
_FILLER_WORDS = frozenset({"of", "the", "a", "an"})
_THOUSAND = ("k", "K")
UNIT_LIKE = 75  # how close (rapidfuzz ratio) an unknown word must be to a unit to be reported as a typo
LARGEST = Fraction(10) ** MAX_EXPONENT  # beyond this a number is not a measurement (and floats overflow)


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
    target: tuple[tuple[str, ...], ...]  # one unit phrase, several for "feet and inches", none if missing


@v_args(inline=True)
class _Reader(Transformer):
    def forward(self, source: tuple[Piece, ...], target: Any) -> Conversion:
        return Conversion(source, tuple(target))

    def forward_one(self, words: tuple[str, ...], target: Any) -> Conversion:
        target = target if isinstance(target, list) else [target]
        return Conversion((Piece(Fraction(1), words, typed=False),), tuple(target))

    def how_many(self, target: tuple[str, ...], source: Any) -> Conversion:
        return Conversion(source, (target,))

    def how_many_after(self, source: tuple[Piece, ...], target: tuple[str, ...]) -> Conversion:
        return Conversion(source, (target,))

    def reversed(self, target: tuple[str, ...], source: tuple[Piece, ...]) -> Conversion:
        return Conversion(source, (target,))

    def missing_target(self, source: tuple[Piece, ...]) -> Conversion:
        return Conversion(source, ())

    def missing_target_one(self, words: tuple[str, ...]) -> Conversion:
        return Conversion((Piece(Fraction(1), words, typed=False),), ())

    def source(self, child: Any) -> tuple[Piece, ...]:
        return child if isinstance(child, tuple) and isinstance(child[0], Piece) else (Piece(Fraction(1), child),)

    def quantities(self, *pieces: Piece) -> tuple[Piece, ...]:
        return pieces

    def quantity(self, amount: tuple[Fraction, str], words: tuple[str, ...]) -> Piece:
        """"three quarters of a cup": the words between the number and the unit are dropped."""
        while len(words) > 1 and words[0].lower() in _FILLER_WORDS:
            words = words[1:]
        return Piece(amount[0], words, note=amount[1])

    def amount(self, value: Fraction) -> tuple[Fraction, str]:
        return value, ""

    def negative(self, value: Fraction) -> tuple[Fraction, str]:
        return -value, ""

    def lost_point(self, whole: Token, digits: Token) -> tuple[Fraction, str]:
        if not (whole.isdigit() and digits.isdigit()):  # "1.5 2" or "3e2 5": no lost point to restore
            raise InvalidNumber(f"'{whole} {digits}' is two numbers, not one")
        return Fraction(f"{whole}.{digits}"), f"read '{whole} {digits}' as {whole}.{digits}"

    def target(self, *phrases: tuple[str, ...]) -> list[tuple[str, ...]]:
        return list(phrases)

    def unit_phrase(self, *tokens: Token) -> tuple[str, ...]:
        return tuple(word for token in tokens for word in token.split())


def reader() -> Transformer:
    return merge_transformers(_Reader(), common=NumberReader())


@dataclass(frozen=True)
class _Ingredient:
    name: str
    grams_per_cup: Fraction


@cache
def _ingredients() -> dict[str, _Ingredient]:
    """data/densities.toml by every name a searcher may type."""
    with resources.files("queryrouter").joinpath("data/densities.toml").open("rb") as handle:
        rows = tomllib.load(handle)["ingredient"]
    return {name: _Ingredient(row["names"][0], Fraction(str(row["grams_per_cup"])))
            for row in rows for name in row["names"]}


def _ingredient(words: tuple[str, ...]) -> _Ingredient | None:
    key = " ".join(w for w in words if w.lower() not in _FILLER_WORDS).lower()
    table = _ingredients()
    return table.get(key) or (table.get(key[:-1]) if key.endswith("s") else None)


@dataclass(frozen=True)
class _Item:
    """One resolved source piece: 4, ounce, ("chocolate",)."""

    value: Fraction
    unit: pint.Unit
    leftover: tuple[str, ...]


class _Refusal(Exception):
    """A typed failure found while converting; `answer` turns it into a Result."""

    def __init__(self, status: Status, text: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.status = status
        self.suggestions = suggestions


def answer(request: Conversion, query: Normalized, router: Router) -> Result | None:
    """The converted amount, a typed failure, or None when the text is not a conversion after all."""
    units = router.units
    try:
        return _answer(request, query, units)
    except _Refusal as refusal:
        confidence = 0.5 if refusal.status is Status.UNKNOWN_UNIT else 0.8
        return Result.failure(query.original, NAME, refusal.status, str(refusal),
                              suggestions=refusal.suggestions, confidence=confidence)


def _answer(request: Conversion, query: Normalized, units: Units) -> Result | None:
    notes = [*query.notes, *(p.note for p in request.source if p.note)]
    request = replace(request, source=tuple(_thousands(p, request.target, units, notes) for p in request.source))
    for piece in request.source:
        if abs(piece.value) > LARGEST:
            raise _Refusal(Status.INVALID_NUMBER, "The number is too large to be a measurement.")
    sources, targets = _resolve_sides(request, units, any(c.isdigit() for c in query.text))
    if sources is None or targets is None:
        return None
    items = [_Item(p.value, m.unit, p.words[m.used:]) for p, m in zip(request.source, sources)]
    if not targets:
        shown = " ".join(f"{_shown(i.value)} {units.symbol(i.unit)}" for i in items)
        raise _Refusal(Status.MISSING_TARGET, f"Convert {shown} to what? Name a unit, e.g. '{shown} to …'.")
    goal = [m.unit for m in targets]
    leftovers = [w for i in items for w in i.leftover if w.lower() not in _FILLER_WORDS]
    target_leftover = [w for words, m in zip(request.target, targets) for w in words[m.used:]
                       if w.lower() not in _FILLER_WORDS]
    substance = _ingredient(tuple(leftovers or target_leftover))
    if substance is None and (leftovers or target_leftover):
        notes.append(f"ignored {' '.join(leftovers or target_leftover)!r}")
    return _convert(query, items, goal, substance, notes, units)


def _resolve_sides(request: Conversion, units: Units, digits: bool) -> tuple[list[UnitMatch] | None, list[UnitMatch] | None]:
    """Both sides' units, with the temperature letters read only beside another temperature.

    Returns (None, None) to decline: nothing names a unit, or a number-less query ("second to none")
    whose words are not plainly units."""
    pieces = request.source
    typed = any(p.typed for p in pieces)
    plain = [units.resolve(p.words) for p in pieces], [units.resolve(w) for w in request.target]
    warm = ([units.resolve(p.words, temperature=True) for p in pieces],
            [units.resolve(w, temperature=True) for w in request.target])
    if request.target and all(m is not None and units.is_temperature(m.unit) for side in warm for m in side):
        sources, targets = warm
    else:
        sources, targets = plain
    if not any(sources) and not any(targets):
        return None, None
    phrases = [*(p.words for p in pieces), *request.target]
    matches = [*sources, *targets]
    if not typed and any(m is None or m.used < len(w) for w, m in zip(phrases, matches)):
        return None, None
    for index, (words, match) in enumerate(zip(phrases, matches)):
        if match is None:
            if len(words) > 1:  # "2 weeks to lose weight": words, not a misspelt unit
                return None, None
            # "5 florbs to kg" is a unit typo; "7 days to die" and "calories in a banana" are not conversions,
            # so beside a typed number the source may be anything, elsewhere the word must be close to a unit.
            typo = index < len(pieces) and digits
            if not typo and not units.suggest(words[0], limit=1, cutoff=UNIT_LIKE):
                return None, None
            suggestions = tuple(units.suggest(words[0]))
            hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
            raise _Refusal(Status.UNKNOWN_UNIT, f"Unknown unit {words[0]!r}.{hint}", suggestions)
    return [m for m in sources if m], [m for m in targets if m]


def _thousands(piece: Piece, target: tuple[tuple[str, ...], ...], units: Units, notes: list[str]) -> Piece:
    """"5k m" is 5000 m; a bare "5k" beside a length is the race distance, 5 km."""
    if not piece.typed or not piece.words or piece.words[0] not in _THOUSAND:
        return piece
    rest = piece.words[1:]
    if rest and units.resolve(rest) is not None:
        notes.append(f"read '{_shown(piece.value)}k' as {_shown(piece.value * 1000)}")
        return replace(piece, value=piece.value * 1000, words=rest)
    goal = units.resolve(target[0]) if target else None
    if goal is not None and units.is_length(goal.unit):
        notes.append(f"read '{_shown(piece.value)}k' as {_shown(piece.value)} km")
        return replace(piece, words=("km", *rest))
    return piece


def _convert(query: Normalized, items: list[_Item], goal: list[pint.Unit], substance: _Ingredient | None,
             notes: list[str], units: Units) -> Result:
    weighed = items, goal[0]  # before oz becomes the fluid ounce: the by-weight reading, for alternatives
    goal = [_fluid_if_volume(goal[0], items[0].unit, units, notes), *goal[1:]]
    for unit in goal[1:]:
        if not units.compatible(unit, goal[0]) or units.is_temperature(unit):
            raise _Refusal(Status.INCOMPATIBLE_UNITS, f"Cannot split an answer into {units.name(goal[0])} "
                                                      f"and {units.name(unit)}.")
    items = [replace(i, unit=_fluid_if_volume(i.unit, goal[0], units, notes)) for i in items]
    values = [_convert_one(item, goal[0], substance, units, notes) for item in items]
    total = clean_float(_snap(sum(values), values))
    if not math.isfinite(total):
        raise _Refusal(Status.OUT_OF_RANGE, "The answer is too large to show.")
    parts = _split(total, goal, units) if len(goal) > 1 else ()
    shown_source = " ".join(f"{_shown(i.value)} {units.symbol(i.unit)}" for i in items)
    if substance is not None and any(_mass_and_volume(i.unit, goal[0], units) for i in items):
        shown_source += f" {substance.name}"
    shown_target = (" ".join(f"{format_number(p.value)} {units.symbol(u)}" for p, u in zip(parts, goal))
                    if parts else f"{format_number(total)} {units.symbol(goal[0])}")
    reading = " + ".join(f"{_shown(i.value)} {units.name(i.unit)}" for i in items)
    interpreted = f"{reading} -> {' and '.join(units.name(u) for u in goal)}"
    if notes:
        interpreted += f" ({'; '.join(dict.fromkeys(notes))})"
    answer = ConversionAnswer(tuple(Amount(float(i.value), units.name(i.unit)) for i in items),
                              Amount(total, units.name(goal[0])), parts)
    confidence = 0.95 if not notes else 0.85
    alternatives = _alternatives(items, goal[0], substance, units) if not parts else ()
    if substance is not None and weighed != (items, goal[0]):
        alternatives = (*_alternative(*weighed, substance, units), *alternatives)
    return Result(query.original, NAME, Status.OK, f"{shown_source} = {shown_target}", interpreted,
                  confidence, alternatives=alternatives, answer=answer)


def _convert_one(item: _Item, goal: pint.Unit, substance: _Ingredient | None, units: Units,
                 notes: list[str]) -> float:
    """One source amount in `goal`, or a _Refusal saying why it cannot be."""
    if units.compatible(item.unit, goal):
        if units.is_temperature(item.unit) and units.to_kelvin(item.value, item.unit) < 0:
            raise _Refusal(Status.BELOW_ABSOLUTE_ZERO,
                           f"{_shown(item.value)} {units.symbol(item.unit)} is below absolute zero.")
        return units.convert(item.value, item.unit, goal)
    if _mass_and_volume(item.unit, goal, units):
        if substance is None:
            raise _Refusal(Status.INCOMPATIBLE_UNITS,
                           f"Converting {units.name(item.unit)} ({_kind(item.unit, units)}) to "
                           f"{units.name(goal)} ({_kind(goal, units)}) needs a substance, "
                           f"e.g. '1 cup flour in grams'.")
        notes.append(f"{substance.name} weighs {format_number(substance.grams_per_cup)} g per US cup")
        return units.convert_density(item.value, item.unit, goal, substance.grams_per_cup)
    if units.reciprocal(item.unit, goal):
        if item.value == 0:
            raise _Refusal(Status.OUT_OF_RANGE, f"0 {units.symbol(item.unit)} is infinite in {units.symbol(goal)}.")
        notes.append(f"{units.symbol(item.unit)} and {units.symbol(goal)} are reciprocal: "
                     f"the answer is one over the converted value")
        return units.convert_reciprocal(item.value, item.unit, goal)
    raise _Refusal(Status.INCOMPATIBLE_UNITS,
                   f"Cannot convert {units.name(item.unit)} ({units.kind(item.unit)}) "
                   f"to {units.name(goal)} ({units.kind(goal)}).")


def _kind(unit: pint.Unit, units: Units) -> str:
    return "a volume" if units.is_volume(unit) else "a mass"


def _mass_and_volume(source: pint.Unit, goal: pint.Unit, units: Units) -> bool:
    return ((units.is_mass(source) and units.is_volume(goal))
            or (units.is_volume(source) and units.is_mass(goal)))


def _fluid_if_volume(unit: pint.Unit, other: pint.Unit, units: Units, notes: list[str]) -> pint.Unit:
    """oz is a mass unless the other side is a volume ("8 oz to ml"): then it is the fluid ounce.

    That holds with an ingredient too ("128 oz of water to liters"); the by-weight reading of a known
    ingredient ("8 oz flour to cups") is offered as an alternative."""
    if units.name(unit) != "ounce" or not units.is_volume(other):
        return unit
    fluid = units.lookup("fl oz")
    if fluid is None:
        return unit
    notes.append(f"oz read as {units.name(fluid)}, a volume, because the other side is a volume")
    return fluid


def _alternatives(items: list[_Item], goal: pint.Unit, substance: _Ingredient | None,
                  units: Units) -> tuple[Alternative, ...]:
    """The same query with the other readings of words that have several (ton: metric, long; US or UK
    volumes, switched on both sides together so a reading never mixes the two systems)."""
    found: list[Alternative] = []
    for choice in range(max((len(units.alternatives(u)) for u in (*(i.unit for i in items), goal)), default=0)):
        def swap(unit: pint.Unit) -> pint.Unit:
            others = units.alternatives(unit)
            return others[choice] if choice < len(others) else unit

        changed = [replace(i, unit=swap(i.unit)) for i in items]
        if changed != items or swap(goal) != goal:
            found.extend(_alternative(changed, swap(goal), substance, units))
    return tuple(found)


def _alternative(items: list[_Item], goal: pint.Unit, substance: _Ingredient | None,
                 units: Units) -> list[Alternative]:
    try:
        total = clean_float(sum(_convert_one(i, goal, substance, units, []) for i in items))
    except _Refusal:
        return []
    reading = " + ".join(f"{_shown(i.value)} {units.name(i.unit)}" for i in items)
    shown = " ".join(f"{_shown(i.value)} {units.symbol(i.unit)}" for i in items)
    if substance is not None and any(_mass_and_volume(i.unit, goal, units) for i in items):
        shown += f" {substance.name}"
    return [Alternative(f"{reading} -> {units.name(goal)}",
                        f"{shown} = {format_number(total)} {units.symbol(goal)}")]


def _shown(value: Fraction) -> str:
    """A typed amount for people as typed ("1000.5 m", not "1001 m"), up to 12 significant digits; 1e99 is
    not written out in 100 digits, and 1/3 cup is shown rounded."""
    if abs(value) >= 10**15:
        return format_number(float(value))
    for digits in range(4, 13):
        shown = format_number(value, significant=digits)
        if Fraction(shown) == value:
            return shown
    return format_number(value)


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
