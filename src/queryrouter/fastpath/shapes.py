"""Query shapes: a query with its plain numbers taken out, so "19.2 lbs to kg" and "3.5 lbs to kg" are one
shape ("#.# lbs to kg") and the router can answer the second from what it decided for the first.

Only plain numbers count ("19.2", "5", the 155 of "155lb", "19,2" with a decimal comma): digits inside a
word ("l/100km", "ft2"), exponents, fractions, signs and thousands separators ("60,000", which leaves the
query without a shape) stay in the shape as typed, so every query of a shape reads the same way up to its
amounts. A minus sign that starts a word ("-40 c to f") stays in the shape too, and is its number's sign.
A query without any digit ("kg to lbs", "how many cups in a liter") is a shape of its own, whose plan asks
for one of each unit. A digit of another script next to a number ("０5"), or any character that Unicode
normalization rewrites ("½", "５", "ﬁ"), leaves a query without a shape. The fast path still
checks a shape reads alike before trusting it (fastpath/__init__.py).
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

from ..numbers import MAX_DIGITS, THOUSANDS_RE
from ..values import value

# \w and \d of every script around the number: "٠5" or "5０" are one longer number to the grammar.
_NUMBER_RE = re.compile(r"(?<![\w.,/^])([0-9]+([.,][0-9]+)?)(?![\w.,/^]?\d)")
_DIGIT_RE = re.compile(r"\d")
_INTEGER, _DECIMAL, _COMMA = "\x00", "\x00.\x00", "\x00,\x00"  # placeholders; a query holding NUL has no shape
_PLACEHOLDER_RE = re.compile(f"{re.escape(_DECIMAL)}|{re.escape(_COMMA)}|{_INTEGER}")
_ONE = Fraction(1)
_PROBE_INTEGERS = ("7", "13", "29", "41")
_PROBE_DECIMALS = ("2.5", "6.75", "3.25", "8.5")


@value
class Shape:
    key: str
    numbers: tuple[str, ...]  # the plain numbers of the query, in order, with a sign that starts a word

    def values(self, units: int = 0) -> tuple[Fraction, ...]:
        """The numbers' values; a shape without any stands for one of each of a plan's `units`."""
        if not self.numbers:
            return (_ONE,) * units
        return tuple(_value(number) for number in self.numbers)

    def probe(self) -> Shape:
        """The same shape with other amounts, none equal to the query's: to check a reading that was
        decided on one query holds for its whole shape."""
        numbers = tuple(next(signed for p in (_PROBE_DECIMALS if "." in number else _PROBE_INTEGERS)[index % 2:]
                             if _value(signed := number[:number.startswith("-")] + p) != _value(number))
                        for index, number in enumerate(self.numbers))
        return Shape(self.key, numbers)

    def unsigned(self) -> Shape:
        """The shape with each minus sign left as text, for a calculation, which reads it as an operator."""
        return Shape(self.key, tuple(number.lstrip("-") for number in self.numbers))

    def text(self) -> str:
        """The key with this shape's numbers put back: the query itself, or a probe."""
        numbers = iter(self.numbers)
        return _PLACEHOLDER_RE.sub(lambda slot: _typed(next(numbers), slot.group()), self.key)


def shape(query: str) -> Shape | None:
    """`query`'s shape, or None when it has digits that are not plain numbers, a number too long to read,
    or characters that normalizing rewrites (see above)."""
    if _INTEGER in query or not (query.isascii() or unicodedata.is_normalized("NFKC", query)):
        return None
    # split, not sub with a function: [text, number, its decimals or None, text, ...] in one C call.
    pieces = _NUMBER_RE.split(query)
    if len(pieces) == 4 and (pieces[2] is None or pieces[2][0] == "."):  # most queries: one plain number,
        if len(pieces[1]) > MAX_DIGITS:                                  # in two thirds of the loop's time
            return None
        return Shape(pieces[0] + (_INTEGER if pieces[2] is None else _DECIMAL) + pieces[3],
                     (_signed(" " + pieces[0], pieces[1]),))
    numbers = pieces[1::3]
    if not numbers:
        return None if _DIGIT_RE.search(query) else Shape(query, ())
    if max(map(len, numbers)) > MAX_DIGITS:
        return None
    key = pieces[0]
    for index in range(2, len(pieces), 3):
        decimals = pieces[index]
        if decimals is not None and decimals[0] == ",":
            if THOUSANDS_RE.fullmatch(pieces[index - 1]):  # "60,000": thousands, not 60.000
                return None
            numbers[index // 3] = numbers[index // 3].replace(",", ".")
        key += (_INTEGER if decimals is None else _DECIMAL if decimals[0] == "." else _COMMA) + pieces[index + 1]
    return Shape(key, tuple(map(_signed, (" " + pieces[0], *pieces[3::3]), numbers)))


def _typed(number: str, slot: str) -> str:
    """`number` as the query types it in `slot`: its sign is in the key, its decimal point may be a comma."""
    number = number.lstrip("-")
    return number.replace(".", ",") if slot == _COMMA else number


def _signed(before: str, number: str) -> str:
    """`number` with the minus sign that ends `before` (the text since the last number, or a space and the
    query's start) when it starts a word: "-40 c to f", "what is -5 c in f", not "10-2". Minus zero is
    zero, as the grammar reads it."""
    if before[-1:] == "-" and before[-2:-1].isspace() and number.strip("0."):
        return "-" + number
    return number


def _value(number: str) -> Fraction:
    whole, _, decimals = number.partition(".")
    return Fraction(int(whole + decimals), 10 ** len(decimals)) if decimals else Fraction(int(whole))
