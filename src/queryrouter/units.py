"""The pint adapter: one registry, the search-word alias table, conversion with cached factors.

pint never sees raw user text (its parser can be made to hang): words are looked up one at a time as
names, and only the trusted expressions in data/unit_aliases.toml go through pint's parser.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from .typos import correction, max_edits

if TYPE_CHECKING:
    import pint

MAX_ALIAS_WORDS = 4
MAX_CACHED = 4096  # spellings remembered per Router: bounds memory whatever users type
_SEVERAL_WORDS = re.compile(r"\w[ \-·]\w")
_POWER_SUFFIX_RE = re.compile(r"^(.+?)(\^?[23²³])$")
_POWER_SUFFIX = {"2": 2, "3": 3, "²": 2, "³": 3}


@dataclass(frozen=True)
class _Profile:
    name: str
    symbol: str
    kind: Any


@dataclass(frozen=True)
class UnitMatch:
    """The unit named by the first `used` words of a unit phrase."""

    unit: pint.Unit
    used: int
    spelled: str


def _load_aliases() -> dict[str, Any]:
    with resources.files(__package__).joinpath("data/unit_aliases.toml").open("rb") as handle:
        return tomllib.load(handle)


def _default_registry() -> pint.UnitRegistry[Any]:
    """pint's registry, from pint's own disk cache of its parsed definitions (pickles: about 15 ms instead
    of 100 ms) when it can keep one in a folder of ours alone, never in pint's default folder, which pint
    does not check; an unsafe, unwritable or damaged cache only costs the slow build."""
    import pint

    from .private_files import private_cache

    try:
        return pint.UnitRegistry(cache_folder=private_cache("pint"))
    except Exception:
        return pint.UnitRegistry()


@lru_cache(maxsize=4)
def _spelling_table(aliases: frozenset[str], pint_names: frozenset[str], prefixable: frozenset[str],
                    prefixes: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Units._spellings for these names, built once per process (every Router with the stock units shares
    it), in one sort of a list made of sorted runs, which Timsort merges cheaply."""
    names = sorted(aliases | pint_names)
    prefixed = [prefix + name for prefix in prefixes for name in sorted(prefixable)]
    plural = [f"{word}s" for run in (sorted(pint_names), prefixed) for word in run]
    return tuple(names), tuple(dict.fromkeys(sorted(names + prefixed + plural)))


class _Words:
    """The unit-side word classes of the vocabulary (data/vocabulary.toml, [conversion.*])."""

    def __init__(self) -> None:
        from .vocabulary import Vocabulary

        vocabulary = Vocabulary.default()
        # With volume_system="imperial" these US customary volumes become their UK imperial namesakes.
        self.imperial: dict[str, str] = vocabulary.values("conversion.imperial")
        self.imperial_re = re.compile(r"\b(" + "|".join(map(re.escape, self.imperial)) + r")\b")
        # "square cm", "cubic yards", "cm2", "ft³": a power of any unit, not only the alias table's spellings
        self.powers: dict[str, int] = vocabulary.values("conversion.power")
        self.postfix_powers: dict[str, int] = vocabulary.values("conversion.postfix_power")  # "meters squared"
        self.qualifiers = vocabulary.phrases("conversion.qualifier")  # "gallons uk"
        # English words of a letter or two that pint reads as units (a year, technical atmospheres, inches,
        # attoseconds, attometres, picometres): beside a unit they are words, not a unit left over ("10 kg to
        # lb in a bag"), while "oz", "ft" or "kg" left over would change the answer.
        self.short_words = vocabulary.phrases("conversion.short_word")
        self.per = vocabulary.phrases("conversion.per")  # "feet per second"


@cache
def _vocabulary_words() -> _Words:
    return _Words()


class Units:
    """A pint registry with search-word aliases; built once per Router, safe to share between threads."""

    def __init__(self, registry: pint.UnitRegistry[Any] | None = None, unit_definitions: Iterable[str] = (),
                 volume_system: str = "us") -> None:
        import pint

        self._words = _vocabulary_words()
        self.registry = registry if registry is not None else _default_registry()
        for definition in unit_definitions:
            self.registry.define(definition)
        self._undefined = (pint.UndefinedUnitError, AttributeError, ValueError, TypeError, KeyError)
        self._unconvertible = pint.errors.PintError
        data = _load_aliases()
        for definition in data["definitions"]:
            if definition.split("=")[0].strip() not in self.registry:
                self.registry.define(definition)
        self.volume_system = volume_system
        self._prefixable = frozenset(data["prefixable"])
        self._currencies = frozenset(data["currencies"])
        self._aliases = {key: self._expression(value) for key, value in data["aliases"].items()}
        self._temperature = {key: self._expression(value) for key, value in data["temperature"].items()}
        self._second = {key: self._expression(value) for key, value in data["second_readings"].items()}
        self._bare_degrees = frozenset(data["bare_degrees"])
        self._temperature.update(dict.fromkeys(self._bare_degrees, self._expression("degree_Fahrenheit")))
        self._display: dict[str, str] = data["display"]
        self._alternatives: dict[str, list[str]] = data["alternatives"]
        self._quantities: dict[str, str] = data["quantities"]  # what -> a unit of it; see measures()
        # Remembered per instance, the least recently used out first: spellings come from users, so the
        # memory stays bounded whatever they type, and popular units stay cached.
        self._resolved = lru_cache(MAX_CACHED)(self._resolve)
        self._lines = lru_cache(MAX_CACHED)(self._affine)
        self._profiles = lru_cache(MAX_CACHED)(self._profile)
        self._names: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._by_length: dict[int, tuple[str, ...]] = {}  # see _near_length
        self._pint_names = frozenset(self.registry)  # before any query adds prefixed units to the registry
        self.us_cup = self.registry.Unit("cup")
        self.celsius, self.fahrenheit = self.registry.Unit("degree_Celsius"), self.registry.Unit("degree_Fahrenheit")
        self.revolution = self.registry.Unit("revolution")
        self._frequency = self.registry.Unit("hertz").dimensionality
        self.gram = self.registry.Unit("gram")
        self._length, self._volume, self._mass, self._temperature_kind = (
            self.registry.Unit(name).dimensionality for name in ("meter", "liter", "gram", "kelvin"))

    def _expression(self, expression: str) -> pint.Unit:
        if self.volume_system == "imperial":
            expression = self._words.imperial_re.sub(lambda m: self._words.imperial[m.group()], expression)
        return self.registry.parse_units(expression, as_delta=False)

    def _local(self, unit: pint.Unit) -> pint.Unit:
        """A US volume named by pint itself ("cup", "gal") follows volume_system too."""
        if self.volume_system == "imperial" and self.name(unit) in self._words.imperial:
            return self.registry.Unit(self._words.imperial[self.name(unit)])
        return unit

    def resolve(self, words: Sequence[str], temperature: bool = False) -> UnitMatch | None:
        """The longest leading run of `words` that names a unit; `temperature` admits "f", "c", "degrees".

        Answers are remembered per spelling: a repeated unit costs a cache lookup, not pint's parser."""
        return self._resolved(tuple(words[:MAX_ALIAS_WORDS]), temperature)

    def _resolve(self, words: tuple[str, ...], temperature: bool) -> UnitMatch | None:
        for size in range(len(words), 0, -1):
            spelled = " ".join(words[:size])
            unit = self._temperature_name(spelled) if temperature else None
            if unit is None:
                unit = (self.lookup(spelled) or self._power(words[:size]) or self._ratio(words[:size])
                        or self._qualified(words[:size]) or self._prefixed(words[:size]))
            if unit is not None:
                return UnitMatch(unit, size, spelled)
        return None

    def _ratio(self, words: tuple[str, ...]) -> pint.Unit | None:
        """A rate of any two units: "ft/s", "g/ml", "feet per second", "kg per m3", "m/s2"."""
        if len(words) == 3 and words[1].lower() in self._words.per:
            top, bottom = words[0], words[2]
        elif len(words) == 1 and words[0].count("/") == 1:
            top, bottom = words[0].split("/")
        else:
            return None
        over, under = self.lookup(top), self.lookup(bottom) or self._suffixed_power(bottom)
        if over is None or under is None:
            return None
        return cast("pint.Unit", over / under)

    def _suffixed_power(self, word: str) -> pint.Unit | None:
        """A power of any unit written with a suffix, below a rate's line: the s2 of "m/s2"."""
        match = _POWER_SUFFIX_RE.match(word)
        base = None if match is None else self.lookup(match.group(1))
        return None if match is None or base is None else cast("pint.Unit", base ** _POWER_SUFFIX[match.group(2)[-1]])

    def _power(self, words: tuple[str, ...]) -> pint.Unit | None:
        """An area or volume spelled with a power word or suffix around a length ("square cm", "yd3",
        "meters squared")."""
        powers, postfix = self._words.powers, self._words.postfix_powers
        if len(words) == 2 and words[0].lower() in powers:
            base, power = self.lookup(words[1]), powers[words[0].lower()]
        elif len(words) == 2 and words[1].lower() in postfix:
            base, power = self.lookup(words[0]), postfix[words[1].lower()]
        elif len(words) == 1 and (match := _POWER_SUFFIX_RE.match(words[0])):
            base, power = self.lookup(match.group(1)), _POWER_SUFFIX[match.group(2)[-1]]
        else:
            return None
        if base is None or self.kind(base) != self._length:
            return None
        return cast("pint.Unit", base**power)

    def _prefixed(self, words: tuple[str, ...]) -> pint.Unit | None:
        """A prefix written apart from its unit ("kilo pascals", "mega watts"), or a unit of two words
        that pint names with an underscore ("electron volts", "light years")."""
        if len(words) != 2 or not (words[0].isalpha() and words[1].isalpha()):
            return None
        if words[0].lower() in self._prefix_words:
            return self._pint_name(words[0].lower() + words[1])
        if min(len(words[0]), len(words[1])) < 3:
            return None
        return self._pint_name(f"{words[0].lower()}_{words[1].lower()}")

    @cached_property
    def _prefix_words(self) -> frozenset[str]:
        """pint's prefixes of three letters or more, as words: "kilo", "mega", "milli"."""
        return frozenset(prefix for prefix in self.registry._prefixes if len(prefix) > 2)

    def is_currency(self, word: str) -> bool:
        return word.lower() in self._currencies

    def changes_a_unit(self, word: str) -> bool:
        """Whether a word left beside a unit would change it ("uk", "squared", "hours" after "kilowatt"),
        so ignoring it would give a wrong number; an ingredient or a filler word would not."""
        lowered = word.lower()
        words = self._words
        if lowered in words.qualifiers or lowered in words.postfix_powers or lowered in words.powers:
            return True
        match = self.resolve((word,))
        return match is not None and bool(self.kind(match.unit)) and lowered not in words.short_words

    def _qualified(self, words: tuple[str, ...]) -> pint.Unit | None:
        """A unit with its qualifier after it ("gallons uk", "ounces troy", "tons metric"), read as the alias
        with the qualifier first."""
        if len(words) == 2 and words[1].lower() in self._words.qualifiers:
            return self.lookup(f"{words[1].lower()} {words[0]}")
        return None

    def _temperature_name(self, word: str) -> pint.Unit | None:
        return self._temperature.get(word.lower())

    def second_reading(self, match: UnitMatch) -> UnitMatch | None:
        """The unit `match`'s words name when their first reading does not convert ("nm" beside a torque is
        the newton metre): see [second_readings] in unit_aliases.toml."""
        unit = self._second.get(match.spelled.lower())
        return None if unit is None else UnitMatch(unit, match.used, match.spelled)

    def is_bare_degree(self, spelled: str) -> bool:
        """Whether `spelled` is a degree that names no scale ("degrees", "°"): see bare_degrees."""
        return spelled.lower() in self._bare_degrees

    def lookup(self, word: str) -> pint.Unit | None:
        """One spelling: the alias table as typed, pint's names (case-sensitive), then aliases ignoring case."""
        if word in self._aliases:
            return self._aliases[word]
        if " " not in word:
            unit = self._pint_name(word)
            if unit is not None:
                return self._local(unit)
        unit = self._aliases.get(word.lower())  # aliases follow volume_system already (see _expression)
        if unit is not None:
            return unit
        unit = self._unique_case_variant(word)
        return self._local(unit) if unit is not None else None

    def _pint_name(self, word: str) -> pint.Unit | None:
        """`word` as one pint unit name, with a prefix only on units that take one (not "pinch")."""
        if not word or not (word[0].isalpha() or word[0] in "°µ"):
            return None
        try:
            readings = [(prefix, base, suffix) for prefix, base, suffix in self.registry.parse_unit_name(word)
                        if not prefix or base in self._prefixable]
            if not readings:
                return None
            prefix, base, _suffix = min(readings, key=lambda reading: bool(reading[0]))
            return self.registry.Unit(prefix + base)
        except self._undefined:
            return None

    def _unique_case_variant(self, word: str) -> pint.Unit | None:
        """'KG' means kg when no other casing of it is a unit; 'MM' stays unknown (mm or Mm?)."""
        if " " in word:
            return None
        variants = {word.lower(), word.capitalize(), word.upper()} - {word}
        found = {unit for variant in variants if (unit := self._pint_name(variant)) is not None}
        return found.pop() if len(found) == 1 else None

    def suggest(self, word: str, limit: int = 3, cutoff: float = 60) -> list[str]:
        """Unit spellings close to `word` (fuzz ratio of at least `cutoff`), for "did you mean"."""
        from rapidfuzz import fuzz, process

        matches = process.extract(word, self._spellings(), scorer=fuzz.ratio, limit=4 * limit, score_cutoff=cutoff)
        # A spelling of several words ("ft lbs") is offered for one word only when it is close ("floz": fl oz)
        return [name for name, score, _index in matches if score >= 80 or not _SEVERAL_WORDS.search(name)][:limit]

    def correct(self, word: str) -> str | None:
        """The unit spelling `word` is one typo from ("farenheit" -> "fahrenheit"), or None when there is
        none, or when the closest spellings name different units ("pounts": pounds or points), since a
        guessed unit would be a confident wrong answer. One edit at most, whatever the word's length: two
        would read "milimeters" as kilometers were millimeters not among the spellings."""
        def unit_name(spelling: str) -> str | None:
            match = self.resolve((spelling,))
            return None if match is None else self.name(match.unit)

        return correction(word.lower(), self._near_length(len(word)), unit_name, min(max_edits(word), 1))

    def _near_length(self, length: int) -> tuple[str, ...]:
        """The spellings (with plurals) one letter longer or shorter than `length` at most, in their order:
        the only ones one edit can reach, so a typo is compared with a fifth of them."""
        found = self._by_length.get(length)
        if found is None:
            found = tuple(s for s in self._spellings(plurals=True) if abs(len(s) - length) <= 1)
            self._by_length[length] = found
        return found

    def warm(self) -> None:
        """Build the spellings a misspelt unit is matched against now, not on the first unknown unit."""
        self._spellings()

    def _spellings(self, plurals: bool = False) -> tuple[str, ...]:
        """The aliases and pint's unit names; with `plurals`, also the names with an s and the prefixed
        names of prefixable units ("millimeters"), which pint reads but which would crowd "did you mean".

        pint's names are those it had when this Units was built: iterating the registry later would also
        give the prefixed units earlier queries parsed, and answers must not depend on earlier queries."""
        if self._names is None:  # on the first unknown unit, so on a query's time: see _spelling_table
            prefixes = tuple(sorted(prefix for prefix in self.registry._prefixes if len(prefix) > 2))  # not "m"
            prefixable = frozenset(name for name in self._pint_names
                                   if self.registry.get_name(name) in self._prefixable)
            self._names = _spelling_table(frozenset(self._aliases), self._pint_names, prefixable, prefixes)
        return self._names[plurals]

    def is_temperature(self, unit: pint.Unit) -> bool:
        return bool(self.kind(unit) == self._temperature_kind)

    def is_volume(self, unit: pint.Unit) -> bool:
        return bool(self.kind(unit) == self._volume)

    def is_mass(self, unit: pint.Unit) -> bool:
        return bool(self.kind(unit) == self._mass)

    def is_length(self, unit: pint.Unit) -> bool:
        return bool(self.kind(unit) == self._length)

    def compatible(self, source: pint.Unit, target: pint.Unit) -> bool:
        """Whether `source` converts to `target`: the same dimensions, and not a temperature difference
        (Δ°F) to or from a temperature (°C), which pint refuses."""
        if self.kind(source) != self.kind(target):
            return False
        try:
            self.affine(source, target)
        except self._unconvertible:
            return False
        return True

    def reciprocal(self, source: pint.Unit, target: pint.Unit) -> bool:
        """mpg and l/100km measure the same thing upside down: their dimensions are each other's inverse."""
        return source.dimensionality == (target**-1).dimensionality and not source.dimensionless

    def reciprocal_factor(self, source: pint.Unit, target: pint.Unit) -> float:
        """30 mpg -> l/100km is one over (30 x this factor): pint's `to` cannot invert a dimension."""
        return self.affine(source, cast("pint.Unit", target**-1))[0]

    def density_factor(self, source: pint.Unit, target: pint.Unit, grams_per_cup: Fraction) -> float:
        """Volume <-> mass for an ingredient whose weight per US cup is known (data/densities.toml)."""
        if self.is_volume(source):
            return self.affine(source, self.us_cup)[0] * float(grams_per_cup) * self.affine(self.gram, target)[0]
        return self.affine(source, self.gram)[0] / float(grams_per_cup) * self.affine(self.us_cup, target)[0]

    def alternatives(self, unit: pint.Unit) -> list[pint.Unit]:
        """Other units a searcher may mean by the same word (short ton: metric, long; US cup: imperial).
        A volume of the other system than volume_system's was named as such ("uk pint"): it has none."""
        name = self.name(unit)
        imperial = self._words.imperial
        if name in (imperial if self.volume_system == "imperial" else imperial.values()):
            return []
        return [self.registry.Unit(other) for other in self._alternatives.get(name, ())]

    def convert(self, value: Fraction, source: pint.Unit, target: pint.Unit) -> float:
        """`value` in `source` expressed in `target`."""
        factor, offset = self.affine(source, target)
        return float(value) * factor + offset

    def affine(self, source: pint.Unit, target: pint.Unit) -> tuple[float, float]:
        """(factor, offset) such that a value in `target` is value x factor + offset; cached per unit pair,
        so a repeated pair costs a cache lookup instead of pint's conversion."""
        return self._lines(source, target)

    def _affine(self, source: pint.Unit, target: pint.Unit) -> tuple[float, float]:
        source, target = self._cycles(source, target)

        def at(value: float) -> float:
            return float(self.registry.Quantity(value, source).to(target).magnitude)

        one = self.registry.Quantity(1.0, source)
        if one._is_multiplicative and self.registry.Quantity(1.0, target)._is_multiplicative:
            return at(1.0), 0.0
        offset = at(0.0)  # an offset scale such as °F: pint's conversion at two points gives the line
        return (at(100.0) - offset) / 100, offset

    def _cycles(self, source: pint.Unit, target: pint.Unit) -> tuple[pint.Unit, pint.Unit]:
        """A hertz counts cycles, not radians, a second: pint, which takes angles for plain numbers,
        makes 1 rpm 2π/60 Hz. Beside a rotation rate (rpm, rad/s, °/s), a frequency is read as turns
        per time, so 1 rpm is 1/60 Hz and 1 Hz is 2π rad/s."""
        if source.dimensionality != target.dimensionality or source.dimensionality != self._frequency:
            return source, target
        turning = [self._has_angle(unit) for unit in (source, target)]
        if turning == [True, False]:
            return source, target * self.revolution
        if turning == [False, True]:
            return source * self.revolution, target
        return source, target

    def _has_angle(self, unit: pint.Unit) -> bool:
        root = self.registry.get_root_units(unit)[1]
        return any(name == "radian" for name, _ in self.registry.Quantity(1, root).unit_items())

    def difference(self, unit: pint.Unit) -> pint.Unit:
        """The unit of a change in `unit`'s temperature (Δ°C for °C); kelvin is its own."""
        name = self.name(unit)
        return self.registry.Unit(f"delta_{name}") if f"delta_{name}" in self.registry else unit

    def is_difference(self, unit: pint.Unit) -> bool:
        return self.name(unit).startswith("delta_")

    def to_kelvin(self, unit: pint.Unit) -> tuple[float, float]:
        """The affine map from `unit` to kelvin: a temperature below absolute zero is refused with it."""
        return self.affine(unit, self.registry.Unit("kelvin"))

    def name(self, unit: pint.Unit) -> str:
        """pint's canonical name, as the result contract reports it."""
        return self._profiles(unit).name

    def symbol(self, unit: pint.Unit) -> str:
        """How an answer writes the unit: pint's symbol ("kg", "°F", "ft²") unless data/ says better."""
        return self._profiles(unit).symbol

    def kind(self, unit: pint.Unit) -> Any:
        """The unit's dimensionality (pint's UnitsContainer, hashable), remembered per unit."""
        return self._profiles(unit).kind

    def measures(self, unit: pint.Unit) -> str:
        """What the unit measures, in words ("power"), or pint's dimensions where data/ has no word."""
        return self._measured.get(self.kind(unit), str(self.kind(unit)))

    @cached_property
    def _measured(self) -> dict[Any, str]:
        """Quantity names by dimensionality, which compares by content ("[length] * [mass]" is "[mass] *
        [length]"); built on the first refusal that names them."""
        return {self.registry.Unit(unit).dimensionality: name for name, unit in self._quantities.items()}

    def _profile(self, unit: pint.Unit) -> _Profile:
        """Formatting a pint unit and finding its dimensions is slow, so each unit is profiled once."""
        name = str(unit)
        return _Profile(name, self._display.get(name) or f"{unit:~P}", unit.dimensionality)
