"""The pint adapter: one registry, the search-word alias table, conversion with cached factors.

pint never sees raw user text (its parser can be made to hang): words are looked up one at a time as
names, and only the trusted expressions in data/unit_aliases.toml go through pint's parser.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    import pint

MAX_ALIAS_WORDS = 3
_UNKNOWN: Any = object()
VOLUME_SYSTEMS = ("us", "imperial")
# With volume_system="imperial" these US customary volumes become their UK imperial namesakes.
_IMPERIAL = {"cup": "imperial_cup", "pint": "imperial_pint", "quart": "imperial_quart",
             "gallon": "imperial_gallon", "fluid_ounce": "imperial_fluid_ounce"}


@dataclass(frozen=True)
class UnitMatch:
    """The unit named by the first `used` words of a unit phrase."""

    unit: pint.Unit
    used: int
    spelled: str


def _load_aliases() -> dict[str, dict[str, str]]:
    with resources.files(__package__).joinpath("data/unit_aliases.toml").open("rb") as handle:
        return tomllib.load(handle)


class Units:
    """A pint registry with search-word aliases; built once per Router, safe to share between threads."""

    def __init__(self, registry: pint.UnitRegistry | None = None, unit_definitions: Iterable[str] = (),
                 volume_system: str = "us") -> None:
        import pint

        if volume_system not in VOLUME_SYSTEMS:
            raise ConfigError(f"volume_system must be one of {VOLUME_SYSTEMS}, not {volume_system!r}")
        self.registry = registry if registry is not None else pint.UnitRegistry()
        for definition in unit_definitions:
            self.registry.define(definition)
        self._undefined = (pint.UndefinedUnitError, AttributeError, ValueError, TypeError, KeyError)
        data = _load_aliases()
        for definition in data["definitions"]:
            if definition.split("=")[0].strip() not in self.registry:
                self.registry.define(definition)
        self._aliases = {key: self._expression(value, volume_system) for key, value in data["aliases"].items()}
        self._temperature = {key: self._expression(value, volume_system)
                             for key, value in data["temperature"].items()}
        self._display: dict[str, str] = data["display"]
        self._factors: dict[tuple[Any, Any], float | None] = {}
        self._lock = threading.Lock()
        self._names: list[str] | None = None

    def _expression(self, expression: str, volume_system: str) -> pint.Unit:
        unit = self.registry.parse_units(expression, as_delta=False)
        if volume_system == "imperial":
            name = str(unit)
            if name in _IMPERIAL:
                unit = self.registry.parse_units(_IMPERIAL[name], as_delta=False)
        return unit

    def resolve(self, words: Sequence[str], temperature: bool = False) -> UnitMatch | None:
        """The longest leading run of `words` that names a unit; `temperature` admits "f", "c", "degrees"."""
        for size in range(min(len(words), MAX_ALIAS_WORDS), 0, -1):
            spelled = " ".join(words[:size])
            unit = self._temperature_name(spelled) if temperature else None
            if unit is None:
                unit = self.lookup(spelled)
            if unit is not None:
                return UnitMatch(unit, size, spelled)
        return None

    def _temperature_name(self, word: str) -> pint.Unit | None:
        return self._temperature.get(word.lower())

    def lookup(self, word: str) -> pint.Unit | None:
        """One spelling: the alias table as typed, pint's names (case-sensitive), then aliases ignoring case."""
        if word in self._aliases:
            return self._aliases[word]
        if " " not in word:
            unit = self._pint_name(word)
            if unit is not None:
                return unit
        return self._aliases.get(word.lower()) or self._unique_case_variant(word)

    def _pint_name(self, word: str) -> pint.Unit | None:
        if not word or not (word[0].isalpha() or word[0] in "°µ"):
            return None
        try:
            return self.registry.Unit(self.registry.get_name(word))
        except self._undefined:
            return None

    def _unique_case_variant(self, word: str) -> pint.Unit | None:
        """'KG' means kg when no other casing of it is a unit; 'MM' stays unknown (mm or Mm?)."""
        if " " in word:
            return None
        variants = {word.lower(), word.capitalize(), word.upper()} - {word}
        found = {unit for variant in variants if (unit := self._pint_name(variant)) is not None}
        return found.pop() if len(found) == 1 else None

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        """Unit spellings close to `word`, for "did you mean"."""
        from rapidfuzz import fuzz, process

        if self._names is None:
            self._names = sorted(set(self._aliases) | set(self.registry._units))  # noqa: SLF001
        matches = process.extract(word, self._names, scorer=fuzz.ratio, limit=limit, score_cutoff=60)
        return [name for name, _score, _index in matches]

    def is_temperature(self, unit: pint.Unit) -> bool:
        return unit.dimensionality == self.registry.kelvin.dimensionality

    def compatible(self, source: pint.Unit, target: pint.Unit) -> bool:
        return source.dimensionality == target.dimensionality

    def convert(self, value: Fraction, source: pint.Unit, target: pint.Unit) -> float:
        """`value` in `source` expressed in `target`; multiplicative pairs reuse a cached factor."""
        key = (source, target)
        factor = self._factors.get(key, _UNKNOWN)
        if factor is _UNKNOWN:
            factor = self._factor(source, target)
            with self._lock:
                self._factors[key] = factor
        if factor is None:  # an offset scale such as °F: no single factor exists
            return float(self.registry.Quantity(float(value), source).to(target).magnitude)
        return float(value) * factor

    def _factor(self, source: pint.Unit, target: pint.Unit) -> float | None:
        one = self.registry.Quantity(1.0, source)
        if not (one._is_multiplicative and self.registry.Quantity(1.0, target)._is_multiplicative):  # noqa: SLF001
            return None
        return float(one.to(target).magnitude)

    def to_kelvin(self, value: Fraction, unit: pint.Unit) -> float:
        return self.convert(value, unit, self.registry.Unit("kelvin"))

    def name(self, unit: pint.Unit) -> str:
        """pint's canonical name, as the result contract reports it."""
        return str(unit)

    def symbol(self, unit: pint.Unit) -> str:
        """How an answer writes the unit: pint's symbol ("kg", "°F", "ft²") unless data/ says better."""
        return self._display.get(str(unit)) or f"{unit:~P}"
