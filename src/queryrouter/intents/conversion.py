"""conversion: "19.2 lbs to kg", "how many cups in a liter", "5 ft 3 in to cm", "180 cm to feet and inches".

The grammar only says which words are numbers and which are unit phrases; here the unit phrases are
resolved (units.py), the readings that need a choice are made (temperature letters, "5k", oz as mass or
volume, an ingredient's density, mpg <-> l/100km) and every choice is written into `interpreted_as`.
The decisions become a Prepared conversion (prepared.py), which turns the amounts into the answer.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from lark import Token, Transformer

from ..formatting import format_number
from ..numbers import MAX_EXPONENT, InvalidNumber, parse_decimal, parse_fraction, parse_number_words
from ..prepared import Leg, Parts, Prepared, Reading, Refusal, shown_amount
from ..result import Result, Status
from ..typos import correction, max_edits

if TYPE_CHECKING:
    import pint

    from ..context import Context
    from ..normalize import Normalized
    from ..units import UnitMatch, Units

MAX_UNIT_WORDS = 3  # the most words of a unit phrase a typo is looked for in: "kilomteres per hour"
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
    """What a conversion query asks: the amounts and their words, and the unit phrases asked for."""

    source: tuple[Piece, ...]
    target: tuple[tuple[str, ...], ...]  # one unit phrase, several for "feet and inches", none if missing
    asked: bool = False  # "how many cups in a gallon": a conversion question, even with no number typed
    bare: bool = False  # "5 kg" and nothing else: a conversion only if every word is a unit
    context: tuple[str, ...] = ()  # words before the amount that no reading uses: "body weight 80 kg"
    chain: tuple[tuple[str, ...], ...] = ()  # "170 cm to inches to feet": the units asked on the way
    chain_words: tuple[str, ...] = ()  # the target's words as typed, for a chain that is not units
    # words decide() found beside the units and ignored ("5 kg to lb in a suitcase"): filled by decide()
    ignored: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def unexplained(self) -> tuple[str, ...]:
        """The words this reading does not explain (the arbiter lowers its confidence for them): the
        context before the amount, unless it names the ingredient ("honey 1 tbsp in grams"), and, once
        decide() has read the units, the words it ignored beside them."""
        context = () if self.context and _ingredient(self.context, []) is not None else self.context
        return (*context, *self.ignored)


@dataclass(frozen=True)
class _Link:
    """One more unit in a chain ("... to feet"), with its words as typed ("to", "feet"). After an article
    ("10 kg to lb in a bag") it is no unit asked for, but words about the target."""

    phrase: tuple[str, ...]
    typed: tuple[str, ...]
    article: bool = False


@dataclass(frozen=True)
class _Target:
    phrases: tuple[tuple[str, ...], ...]
    links: tuple[_Link, ...]

    def conversion(self, source: tuple[Piece, ...], context: tuple[str, ...] = ()) -> Conversion:
        """The request, answering in the chain's last unit when the target is a chain."""
        if not self.links:
            return Conversion(source, self.phrases, context=context)
        typed = tuple(w for p in self.phrases for w in p) + tuple(w for link in self.links for w in link.typed)
        if any(link.article for link in self.links):
            return Conversion(source, (typed,), context=context)
        return Conversion(source, (self.links[-1].phrase,), context=context,
                          chain=(*self.phrases, *(link.phrase for link in self.links[:-1])), chain_words=typed)


@dataclass(frozen=True)
class _Context:
    words: tuple[str, ...]


@dataclass(frozen=True)
class _More:
    """"and a half" after a unit: added to the amount before it ("a pound and a half")."""

    value: Fraction
    note: str


def _split(children: tuple[Any, ...]) -> tuple[tuple[str, ...], list[Any]]:
    """The context words and the other children that are not tokens (connectors, frames)."""
    context = next((c.words for c in children if isinstance(c, _Context)), ())
    return context, [c for c in children if not isinstance(c, (Token, _Context))]


def _one(words: tuple[str, ...]) -> tuple[Piece, ...]:
    return (Piece(Fraction(1), words, typed=False),)


class _Reader(Transformer[Any, Any]):
    """conversion.lark's tree -> a Conversion. Tokens that only mark a structure (connectors, "how many",
    "what") are dropped here; the rule they belong to says what they meant."""

    def forward(self, children: list[Any]) -> Conversion:
        context, (source, target) = _split(tuple(children))
        return cast("_Target", target).conversion(source, context)

    def forward_one(self, children: list[Any]) -> Conversion:
        _context, (words, target) = _split(tuple(children))
        return cast("_Target", target).conversion(_one(words))

    def how_many(self, children: list[Any]) -> Conversion:
        _context, (target, source) = _split(tuple(children))
        if source and not isinstance(source[0], Piece):
            source = _one(source)
        return Conversion(source, (target,), asked=True)

    def how_many_after(self, children: list[Any]) -> Conversion:
        context, (source, target) = _split(tuple(children))
        return Conversion(source, (target,), context=context)

    def reversed(self, children: list[Any]) -> Conversion:
        _context, (target, source) = _split(tuple(children))
        return Conversion(source, (target,))

    def amount_last(self, children: list[Any]) -> Conversion:
        """"kg to lbs 75": the amount typed after both units belongs to the first."""
        _context, (words, target, amount) = _split(tuple(children))
        return Conversion((Piece(amount[0], words, note=amount[1]),), (target,))

    def amount_between(self, children: list[Any]) -> Conversion:
        """"pounds 200 in kg": the amount typed after its unit."""
        _context, (words, amount, target) = _split(tuple(children))
        source = (Piece(amount[0], words, note=amount[1]),)
        return target.conversion(source) if isinstance(target, _Target) else Conversion(source, (target,))

    def missing_target(self, children: list[Any]) -> Conversion:
        context, (source,) = _split(tuple(children))
        return Conversion(source, (), context=context)

    def missing_target_one(self, children: list[Any]) -> Conversion:
        _context, (words,) = _split(tuple(children))
        return Conversion(_one(words), ())

    def bare(self, children: list[Any]) -> Conversion:
        context, (source,) = _split(tuple(children))
        return Conversion(source, (), bare=True, context=context)

    def context(self, children: list[Token]) -> _Context:
        return _Context(tuple(str(token) for token in children))

    def source(self, children: list[Any]) -> Any:
        _context, (child,) = _split(tuple(children))
        return child

    def quantities(self, children: list[Any]) -> tuple[Piece, ...]:
        pieces: list[Piece] = []
        for before, child in zip([None, *children], children):
            if isinstance(child, Piece):
                pieces.append(child)
            elif isinstance(child, _More) and isinstance(before, Token):  # "a pound and a half": 1.5 lb
                last = pieces[-1]
                note = "; ".join(n for n in (last.note, child.note) if n)
                pieces[-1] = replace(last, value=last.value + child.value, note=note)
            elif isinstance(child, _More):  # "five foot four": the unit down from the one before, if any
                down = _subunits().get(" ".join(pieces[-1].words).lower())
                pieces.append(Piece(child.value, (down,) if down else (), note=child.note))
        return tuple(pieces)

    def quantity(self, children: list[Any]) -> Piece:
        _context, (amount, words) = _split(tuple(children))
        return Piece(amount[0], words, note=amount[1])

    def more(self, children: list[Any]) -> _More:
        return _More(*children[0])

    def target(self, children: list[Any]) -> _Target:
        _context, rest = _split(tuple(children))
        return _Target(tuple(c for c in rest if not isinstance(c, _Link)),
                       tuple(c for c in rest if isinstance(c, _Link)))

    def link(self, children: list[Any]) -> _Link:
        typed = tuple(word for child in children if isinstance(child, Token) for word in child.split())
        phrase = children[-1]
        return _Link(phrase, typed + phrase, article=len(typed) > 1)

    def unit_phrase(self, children: list[Token]) -> tuple[str, ...]:
        """The words of a unit phrase without the articles before them: "three quarters of a cup",
        "5 kg to the lb", "how many cups in the gallon"."""
        words = tuple(word for token in children for word in token.split())
        filler = _words("conversion.filler")
        while len(words) > 1 and words[0].lower() in filler:
            words = words[1:]
        return words

    # amounts: (value, note) -----------------------------------------------------------------------

    def decimal(self, children: list[Token]) -> tuple[Fraction, str]:
        return parse_decimal(children[0]), ""

    def fraction(self, children: list[Token]) -> tuple[Fraction, str]:
        return parse_fraction(children[0]), ""

    def mixed(self, children: list[Token]) -> tuple[Fraction, str]:
        return parse_decimal(children[0]) + parse_fraction(children[1]), ""

    def words(self, children: list[Token]) -> tuple[Fraction, str]:
        return parse_number_words(str(children[0])), ""

    def scaled(self, children: list[Token]) -> tuple[Fraction, str]:
        return parse_number_words(str(children[1]), start=parse_decimal(children[0])), ""

    def one(self, children: list[Token]) -> tuple[Fraction, str]:
        return Fraction(1), ""

    def negative(self, children: list[Any]) -> tuple[Fraction, str]:
        value, note = children[-1]
        return -value, note

    def lost_point(self, children: list[Token]) -> tuple[Fraction, str]:
        whole, digits = children
        if not (whole.isdigit() and digits.isdigit()):  # "1.5 2" or "3e2 5": no lost point to restore
            raise InvalidNumber(f"'{whole} {digits}' is two numbers, not one")
        if len(whole) <= 3 and len(digits) == 3 and not whole.startswith("0"):  # "1 000 kg": thousands
            return Fraction(int(whole + digits)), f"read '{whole} {digits}' as {int(whole + digits)}"
        return Fraction(f"{whole}.{digits}"), f"read '{whole} {digits}' as {whole}.{digits}"


def reader() -> Transformer[Any, Any]:
    return _Reader()


@cache
def _subunits() -> dict[str, str]:
    """A unit and the unit one down, for a bare amount after it ("five foot four"): [conversion.subunit]."""
    from ..vocabulary import Vocabulary

    subunits: dict[str, str] = Vocabulary.default().values("conversion.subunit")
    return subunits


@cache
def _words(name: str) -> frozenset[str]:
    """A word class of the vocabulary (data/vocabulary.toml), lowercase."""
    from ..vocabulary import Vocabulary

    return Vocabulary.default().phrases(name)


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


def _ingredient(words: tuple[str, ...], notes: list[str]) -> _Ingredient | None:
    """The ingredient `words` name, forgiving one typo ("suger") when it is close to one ingredient only."""
    key = " ".join(w for w in words if w.lower() not in _words("conversion.filler")).lower()
    table = _ingredients()
    found = table.get(key) or (table.get(key[:-1]) if key.endswith("s") else None)
    if found is not None or not key:
        return found
    spelling = correction(key, list(table), lambda name: table[name].name, min(max_edits(key), 1))
    if spelling is None:
        return None
    notes.append(f"read {key!r} as {spelling!r}")
    return table[spelling]


@dataclass(frozen=True)
class _Item:
    """One resolved source piece: 4, ounce, ("chocolate",)."""

    value: Fraction
    unit: pint.Unit
    leftover: tuple[str, ...]


def answer(request: Conversion, query: Normalized, context: Context) -> Result | None:
    """The converted amount, a typed failure, or None when the text is not a conversion after all."""
    decided = decide(request, query, context)
    return decided.apply(query.original, decided.values) if isinstance(decided, Prepared) else decided


def decide(request: Conversion, query: Normalized, context: Context) -> Prepared | Result | None:
    """Every choice that does not depend on the amounts, as a Prepared to apply to them (the router keeps
    it for the query's shape); a failure found on the way; or None to decline."""
    try:
        return _prepare(request, query, context.units, _Words(context))
    except Refusal as refusal:
        return refusal.result(query.original)


def _prepare(request: Conversion, query: Normalized, units: Units, known: _Words) -> Prepared | None:
    notes = [*query.notes, *(p.note for p in request.source if p.note)]
    if request.context:  # "body weight 80 kg in stone": said, so the answer shows what it left out
        notes.append(f"ignored {' '.join(request.context)!r}")
    request = _unchained(request, units, notes)
    request = replace(request, source=tuple(_thousands(p, request.target, units, notes) for p in request.source))
    for piece in request.source:
        if abs(piece.value) > LARGEST:
            raise Refusal(Status.INVALID_NUMBER, "The number is too large to be a measurement.")
    request = _compound_target(_unbare(request, units), units)
    sources, targets = _resolve_sides(request, units, any(c.isdigit() for c in query.text), notes, known)
    if sources is None or targets is None:
        return None
    items = [_Item(p.value, m.unit, p.words[m.used:]) for p, m in zip(request.source, sources)]
    if not targets:
        shown = " ".join(f"{shown_amount(i.value)} {units.symbol(i.unit)}" for i in items)
        raise Refusal(Status.MISSING_TARGET, f"Convert {shown} to what? Name a unit, e.g. '{shown} to …'.")
    goal = [m.unit for m in targets]
    leftovers = [w for i in items for w in i.leftover if w.lower() not in _words("conversion.filler")]
    target_leftover = [w for words, m in zip(request.target, targets) for w in words[m.used:]
                       if w.lower() not in _words("conversion.filler")]
    if ({w.lower() for w in (*leftovers, *target_leftover)} & _words("conversion.difference")
            and all(units.is_temperature(unit) for unit in (*(item.unit for item in items), *goal))):
        # "10 degrees c difference in f": a change of 10 °C is one of 18 °F, not the 50 °F 10 °C reads
        items = [replace(item, unit=units.difference(item.unit)) for item in items]
        goal = [units.difference(unit) for unit in goal]
        leftovers = [w for w in leftovers if w.lower() not in _words("conversion.difference")]
        target_leftover = [w for w in target_leftover if w.lower() not in _words("conversion.difference")]
        notes.append("read as a temperature difference")
    # An ingredient matters only between a mass and a volume: "10k race in miles" is not rice
    weighed = any(_mass_and_volume(item.unit, unit, units) for item in items for unit in goal)
    substance = _ingredient(tuple(leftovers or target_leftover), notes) if weighed else None
    if weighed and substance is None and not (leftovers or target_leftover) and request.context:
        substance = _ingredient(request.context, notes)  # "honey 1 tbsp in grams": the context names it
        if substance is not None:
            notes.remove(f"ignored {' '.join(request.context)!r}")
    if substance is None and (leftovers or target_leftover):
        for word in (*leftovers, *target_leftover):
            if units.changes_a_unit(word):  # "2 kilowatt hours", "10 fl oz uk": a wrong number if ignored
                raise Refusal(Status.NOT_UNDERSTOOD, f"'{word}' next to a unit was not understood; "
                                                     "write the unit in one piece, e.g. 'kWh' or 'uk fl oz'.")
        notes.append(f"ignored {' '.join(leftovers or target_leftover)!r}")
        if _ingredient(tuple(leftovers or target_leftover), []) is None:  # "5 g cocoa powder to oz" is explained
            request.ignored[:] = leftovers or target_leftover
    return _decide(tuple(i.value for i in items), [i.unit for i in items], goal, substance, notes, units)


def details(request: Conversion, query: Normalized, context: Context) -> Iterator[str]:
    """For Router.explain: which words named which unit, read as the answer read them (the temperature
    letters of "32 f to c" included), and the words left over."""
    units = context.units
    if request.unexplained:
        yield f"conversion: {' '.join(request.unexplained)!r} unexplained"
    request = _unchained(request, units, [])
    phrases = [*(piece.words for piece in request.source), *request.target]
    try:
        sources, targets = _resolve_sides(request, units, any(c.isdigit() for c in query.text), [],
                                          _Words(context))
    except Refusal as refusal:
        yield f"conversion: {refusal}"
        return
    if sources is None or targets is None:
        yield f"conversion: {' / '.join(' '.join(words) for words in phrases)!r} names no units"
        return
    for words, match in zip(phrases, [*sources, *targets]):
        leftover = f", leftover {' '.join(words[match.used:])!r}" if match.used < len(words) else ""
        yield f"conversion: {match.spelled!r} -> {units.name(match.unit)}{leftover}"


def _resolve_sides(request: Conversion, units: Units, digits: bool, notes: list[str],
                   known: _Words | None = None) -> tuple[list[UnitMatch] | None, list[UnitMatch] | None]:
    """Both sides' units, with the temperature letters read only beside another temperature, and a
    misspelt unit read as the one unit it is close to ("farenheit"), which `notes` records.

    Returns (None, None) to decline: nothing names a unit, or a number-less query ("second to none")
    whose words are not plainly units."""
    pieces = request.source
    if not all(p.words for p in pieces):  # "2 kg 3 to lb": an amount with no unit, not even one down
        return None, None
    typed = request.asked or any(p.typed for p in pieces)
    plain = [units.resolve(p.words) for p in pieces], [units.resolve(w) for w in request.target]
    warm = ([units.resolve(p.words, temperature=True) for p in pieces],
            [units.resolve(w, temperature=True) for w in request.target])
    if request.target and all(m is not None and units.is_temperature(m.unit) for side in warm for m in side):
        sources, targets = warm
        if all(m is not None and m.unit == units.fahrenheit for m in targets):
            # "32 degrees to fahrenheit": a bare degree reads Fahrenheit, unless that is what is asked for
            sources = [_celsius(m, units, notes) if m is not None and units.is_bare_degree(m.spelled) else m
                       for m in sources]
    else:
        sources, targets = plain
    phrases = [*(p.words for p in pieces), *request.target]
    if request.target and any(words and units.is_currency(words[0]) for words in phrases):  # "1 dollar to euro"
        raise Refusal(Status.UNKNOWN_UNIT, "Currencies are not converted: exchange rates change daily, and "
                                           "queryrouter works offline.")
    if not any(sources) and not any(targets):
        # "50 farenheit to celcius": beside a typed number, every phrase one typo from one unit is read so
        if not (digits and typed):
            return None, None
        for words in phrases:  # one by one: the first phrase that is no unit ends the search
            fixed = _phrase_correction(words, units)
            if fixed is None:
                return None, None
            notes.append(f"read {' '.join(words)!r} as {' '.join(fixed)!r}")
            request = _respelt(request, words, fixed)
        return _resolve_sides(request, units, digits, notes, known)
    matches = [*sources, *targets]
    if not typed and not all(_plainly_units(w, m) for w, m in zip(phrases, matches)):
        return None, None
    if request.bare and (not digits or any(m is None or m.used < len(w) or not units.kind(m.unit)
                                           for w, m in zip(phrases, matches))):
        # "7 wonders", "100 years of solitude", "a cup", "5 percent", "2 pi": titles, words and plain
        # numbers, not quantities to convert
        return None, None
    for index, (words, match) in enumerate(zip(phrases, matches)):
        if match is None:
            if len(words) > 1:  # "2 weeks to lose weight": words, not a misspelt unit
                fixed = _phrase_correction(words, units) if digits else None  # "1 nautcial mile in km"
                if fixed is None:
                    return None, None
                notes.append(f"read {' '.join(words)!r} as {' '.join(fixed)!r}")
                return _resolve_sides(_respelt(request, words, fixed), units, digits, notes, known)
            # "5 florbs to kg" is a unit typo; "7 days to die", "2 days to go" and "calories in a banana" are
            # not conversions, so beside a typed number the source may be anything, elsewhere the word must
            # be close to a unit, and longer than two letters.
            typo = index < len(pieces) and digits
            if not typo and (len(words[0]) < 3 or not units.suggest(words[0], limit=1, cutoff=UNIT_LIKE)):
                return None, None
            # "2 eggs" is not "2 ergs": a word of the language is not taken for a misspelt unit
            correction = None if known is not None and known.word(words[0]) else units.correct(words[0])
            if correction is not None:
                notes.append(f"read {words[0]!r} as {correction!r}")
                return _resolve_sides(_respelt(request, words, (correction,)), units, digits, notes, known)
            suggestions = tuple(units.suggest(words[0]))
            hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
            raise Refusal(Status.UNKNOWN_UNIT, f"Unknown unit {words[0]!r}.{hint}", suggestions)
    return _reread([m for m in sources if m], [m for m in targets if m], units, notes)


def _unchained(request: Conversion, units: Units, notes: list[str]) -> Conversion:
    """"170 cm to inches to feet" asks for the last unit, when every unit of the chain is one whole unit
    phrase; otherwise the words after the first target were not a chain ("10 kg to lb in a bag") and are
    read as that target's words, as any words after a unit are."""
    if not request.chain:
        return request
    phrases = (*request.chain, *request.target)
    matches = [units.resolve(words, temperature=True) for words in phrases]
    if all(m is not None and m.used == len(words) for words, m in zip(phrases, matches)):
        shown = " -> ".join(" ".join(words) for words in ([p.words for p in request.source[:1]] + list(phrases)))
        notes.append(f"read {shown!r} as a chain: answered in {' '.join(request.target[0])}")
        return replace(request, chain=(), chain_words=())
    return replace(request, target=(request.chain_words,), chain=(), chain_words=())


class _Words:
    """Whether a word is a word of the language (the glossary's lexicon, exactly or as an inflection):
    asked only of a word that names no unit, so the lexicon loads only for those."""

    def __init__(self, context: Context) -> None:
        self._context = context

    def word(self, word: str) -> bool:
        """"eggs" is a word (egg); "poundes" is read as an inflection of pound, which is a unit, and
        "acers" as the genus Acer, a name: both may still be misspelt units."""
        found = self._context.glossary.lookup(word)
        if found is None or found.how not in ("exact", "inflection"):
            return False
        term = found.entry.term
        return term == term.lower() and self._context.units.resolve((term,)) is None


def _phrase_correction(words: tuple[str, ...], units: Units) -> tuple[str, ...] | None:
    """The unit phrase `words` is one typo from, as a whole ("nautcial mile") or in one of its words
    ("kilomteres per hour", "degres celsius"), when the corrected phrase is wholly one unit; else None.
    A phrase longer than any unit's spelling is words, not a unit ("take the chicken out")."""
    if len(words) > MAX_UNIT_WORDS:
        return None
    candidates = [units.correct(" ".join(words))] if len(words) > 1 else []
    for index, word in enumerate(words):
        spelling = units.correct(word) if units.resolve((word,)) is None else None
        candidates.append(None if spelling is None else " ".join((*words[:index], spelling, *words[index + 1:])))
    for candidate in candidates:
        if candidate is not None:
            fixed = tuple(candidate.split())
            match = units.resolve(fixed, temperature=True)
            if match is not None and match.used == len(fixed):
                return fixed
    return None


def _plainly_units(words: tuple[str, ...], match: UnitMatch | None) -> bool:
    """Whether a phrase is a unit, or a unit and an ingredient ("grams sugar"): what a query without an
    amount must hold to be read as a conversion ("cups to grams sugar", not "second to none")."""
    return match is not None and (match.used == len(words) or _ingredient(words[match.used:], []) is not None)


def _reread(sources: list[UnitMatch], targets: list[UnitMatch], units: Units,
            notes: list[str]) -> tuple[list[UnitMatch], list[UnitMatch]]:
    """A unit that does not convert to the other side is read another way where that way converts: in
    lowercase ("500 MG to G", "20 MS to S", "6 FT to M": pint reads G as gauss, S as siemens and M as
    molar), or by its second reading ("100 nm to ft lbs": the newton metre). The first reading is kept
    wherever it converts: "5 MW to kW" stays megawatts, "500 nm to inches" nanometres."""
    if len(sources) != 1 or len(targets) != 1 or _converts(sources[0].unit, targets[0].unit, units):
        return sources, targets
    source, target = sources[0], targets[0]
    for tried in itertools.product(_readings(source, units), _readings(target, units)):
        if tried != (source, target) and _converts(tried[0].unit, tried[1].unit, units):
            for before, after in zip((source, target), tried):
                if after is not before:
                    shown = after.spelled if after.spelled != before.spelled else units.symbol(after.unit)
                    if shown == before.spelled:  # "pt" is also the point's symbol: name it
                        shown = units.name(after.unit).replace("_", " ")
                    notes.append(f"read {before.spelled!r} as {shown!r}")
            return [tried[0]], [tried[1]]
    return sources, targets


def _readings(match: UnitMatch, units: Units) -> list[UnitMatch]:
    """`match`, then its other readings: its lowercase spelling and its second reading, where it has them."""
    readings = [match]
    for other in (_lower(match, units), units.second_reading(match)):
        if other is not None and other not in readings:
            readings.append(other)
    return readings


def _lower(match: UnitMatch, units: Units) -> UnitMatch:
    """`match` spelt in lowercase, when that names a unit with the same words; else `match` itself."""
    lower = match.spelled.lower()
    if lower == match.spelled:
        return match
    found = units.resolve(lower.split())
    return found if found is not None and found.used == match.used else match


def _converts(source: pint.Unit, target: pint.Unit, units: Units) -> bool:
    return units.compatible(source, target) or units.reciprocal(source, target) or _mass_and_volume(
        source, target, units)


def _unbare(request: Conversion, units: Units) -> Conversion:
    """"19.2 lbs kg", "32 c f": a quantity whose words end in a whole unit phrase asks for that unit."""
    if not request.bare or len(request.source) != 1:
        return request
    piece = request.source[0]
    first = units.resolve(piece.words)
    if first is None or first.used == len(piece.words):
        return request
    rest = piece.words[first.used:]
    goal = units.resolve(rest)
    if goal is None or goal.used < len(rest) or not units.kind(goal.unit):
        return request
    return replace(request, source=(replace(piece, words=piece.words[:first.used]),), target=(rest,), bare=False)


def _compound_target(request: Conversion, units: Units) -> Conversion:
    """"5 kg to lb oz", "180 cm to feet inches": a target phrase that is wholly two or more different units
    of one kind asks for them together, as "lb and oz" does."""
    if len(request.target) != 1:
        return request
    phrases, named, rest = [], [], request.target[0]
    while rest:
        match = units.resolve(rest)
        if match is None:
            return request
        phrases.append(rest[:match.used])
        named.append(match.unit)
        rest = rest[match.used:]
    if (len(set(named)) < max(len(named), 2) or not units.kind(named[0]) or units.is_temperature(named[0])
            or not all(units.compatible(named[0], unit) for unit in named)):
        return request
    return replace(request, target=tuple(phrases))


def _celsius(match: UnitMatch, units: Units, notes: list[str]) -> UnitMatch:
    notes.append(f"read {match.spelled!r} as Celsius, since the answer is asked in Fahrenheit")
    return replace(match, unit=units.celsius)


def _respelt(request: Conversion, words: tuple[str, ...], spelling: tuple[str, ...]) -> Conversion:
    """`request` with the unit phrase `words` (misspelt) spelt right."""
    def fixed(phrase: tuple[str, ...]) -> tuple[str, ...]:
        return spelling if phrase == words else phrase

    return replace(request, source=tuple(replace(p, words=fixed(p.words)) for p in request.source),
                   target=tuple(fixed(phrase) for phrase in request.target))


def _thousands(piece: Piece, target: tuple[tuple[str, ...], ...], units: Units, notes: list[str]) -> Piece:
    """"5k m" is 5000 m; a bare "5k" beside a length is the race distance, 5 km ("5k run in miles" too), but
    "2k steps" is two thousand steps."""
    if not piece.typed or not piece.words or piece.words[0].lower() not in _words("conversion.thousand"):
        return piece
    rest = piece.words[1:]
    if rest and units.resolve(rest) is not None:
        notes.append(f"read '{shown_amount(piece.value)}k' as {shown_amount(piece.value * 1000)}")
        return replace(piece, value=piece.value * 1000, words=rest)
    goal = units.resolve(target[0]) if target else None
    if goal is None or not units.is_length(goal.unit):
        return piece
    if not rest or rest[0].lower() in _words("conversion.race"):
        notes.append(f"read '{shown_amount(piece.value)}k' as {shown_amount(piece.value)} km")
        return replace(piece, words=("km", *rest))
    # "2k steps to km": two thousand steps, not a 2 km race
    notes.append(f"read '{shown_amount(piece.value)}k' as {shown_amount(piece.value * 1000)}")
    return replace(piece, value=piece.value * 1000, words=rest)


def _decide(values: tuple[Fraction, ...], sources: list[pint.Unit], goal: list[pint.Unit],
            substance: _Ingredient | None, notes: list[str], units: Units) -> Prepared:
    """Every choice that does not depend on the amounts: oz as mass or volume, the goal's parts, how each
    source unit converts, the other readings; refusals found here are about the units, not the amounts."""
    weighed = sources, goal[0]  # before oz becomes the fluid ounce: the by-weight reading, for alternatives
    goal = [_fluid_if_volume(goal[0], sources[0], units, notes), *goal[1:]]
    for unit in goal[1:]:
        if not units.compatible(unit, goal[0]) or units.is_temperature(unit):
            raise Refusal(Status.INCOMPATIBLE_UNITS, f"Cannot split an answer into {units.name(goal[0])} "
                                                      f"and {units.name(unit)}.")
    if len(sources) > 1 and any(units.is_temperature(unit) for unit in sources):
        raise Refusal(Status.INCOMPATIBLE_UNITS, "Temperatures cannot be added together: convert one at a time.")
    if not any(units.is_mass(unit) and units.name(unit) != "ounce" for unit in sources):  # "1 lb 8 oz" weighs
        sources = [_fluid_if_volume(unit, goal[0], units, notes) for unit in sources]
    if len(goal) > 1:  # "70 in to inches and feet": the parts are shown largest first
        reference = goal[0]
        goal = sorted(goal, key=lambda unit: -units.convert(Fraction(1), unit, reference))
    reading = _reading(sources, goal[0], substance, units, notes)
    parts = None
    if len(goal) > 1:
        smallest = goal[-1]
        parts = Parts(tuple((units.name(u), units.symbol(u), units.convert(Fraction(1), u, smallest)) for u in goal),
                       units.convert(Fraction(1), goal[0], smallest))
    alternatives = []
    if substance is not None and weighed != (sources, goal[0]):
        alternatives += _alternative(*weighed, substance, units)
    if parts is None:
        alternatives += _other_readings(sources, goal[0], substance, units)
    return Prepared(values, reading, parts, tuple(dict.fromkeys(notes)), tuple(alternatives))


def _reading(sources: list[pint.Unit], goal: pint.Unit, substance: _Ingredient | None, units: Units,
             notes: list[str]) -> Reading:
    legs = tuple(_leg(unit, goal, substance, units, notes) for unit in sources)
    weighed = substance is not None and any(_mass_and_volume(unit, goal, units) for unit in sources)
    return Reading(legs, units.name(goal), units.symbol(goal), f" {substance.name}" if weighed and substance else "")


def _leg(unit: pint.Unit, goal: pint.Unit, substance: _Ingredient | None, units: Units,
         notes: list[str]) -> Leg:
    """How `unit` converts to `goal`, or a Refusal saying why it cannot."""
    name, symbol = units.name(unit), units.symbol(unit)
    if units.compatible(unit, goal):
        factor, offset = units.affine(unit, goal)
        return Leg(name, symbol, factor, offset,
                    kelvin=units.to_kelvin(unit) if units.is_temperature(unit) and not units.is_difference(unit)
                    else None)
    if _mass_and_volume(unit, goal, units):
        if substance is None:
            raise Refusal(Status.INCOMPATIBLE_UNITS,
                           f"Converting {name} ({_kind(unit, units)}) to {units.name(goal)} ({_kind(goal, units)}) "
                           f"needs a substance, e.g. '1 cup flour in grams'.")
        notes.append(f"{substance.name} weighs {format_number(substance.grams_per_cup)} g per US cup")
        return Leg(name, symbol, units.density_factor(unit, goal, substance.grams_per_cup))
    if units.reciprocal(unit, goal):
        notes.append(f"{symbol} and {units.symbol(goal)} are reciprocal: the answer is one over the converted value")
        return Leg(name, symbol, units.reciprocal_factor(unit, goal), inverse=True)
    if units.kind(unit) == units.kind(goal):  # Δ°F and °C: both temperatures to pint, but not convertible
        raise Refusal(Status.INCOMPATIBLE_UNITS, f"Cannot convert {name} to {units.name(goal)}: "
                                                 f"a temperature difference is not a temperature.")
    raise Refusal(Status.INCOMPATIBLE_UNITS,
                  f"Cannot convert {name} ({units.measures(unit)}) to {units.name(goal)} ({units.measures(goal)}).")


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


def _other_readings(sources: list[pint.Unit], goal: pint.Unit, substance: _Ingredient | None,
                    units: Units) -> list[Reading]:
    """The same query with the other readings of words that have several (ton: metric, long; US or UK
    volumes, switched on both sides together so a reading never mixes the two systems)."""
    found: list[Reading] = []
    for choice in range(max((len(units.alternatives(u)) for u in (*sources, goal)), default=0)):
        changed, other_goal = [_swap(unit, choice, units) for unit in sources], _swap(goal, choice, units)
        # Another reading, unless it converts a unit to itself ("1 us gallon to uk gallons" read as UK both)
        if (changed != sources or other_goal != goal) and any(unit != other_goal for unit in changed):
            found.extend(_alternative(changed, other_goal, substance, units))
    return found


def _swap(unit: pint.Unit, choice: int, units: Units) -> pint.Unit:
    others = units.alternatives(unit)
    return others[choice] if choice < len(others) else unit


def _alternative(sources: list[pint.Unit], goal: pint.Unit, substance: _Ingredient | None,
                 units: Units) -> list[Reading]:
    try:
        return [_reading(sources, goal, substance, units, [])]
    except Refusal:
        return []
