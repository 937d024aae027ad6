"""Numbers as people type them, read exactly as Fractions."""

from __future__ import annotations

import re
from fractions import Fraction

# 60,000 and 1,234,567.5: a comma followed by exactly three digits separates thousands (normalize.py
# removes it; shapes.py leaves such a query without a shape rather than read a decimal comma).
THOUSANDS_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")

# Longest accepted number text and largest exponent: bounds the work a single token can cause.
MAX_DIGITS = 60
MAX_EXPONENT = 100

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# Words that add to the number being built ("twenty one").
ADDITIVE: dict[str, Fraction] = {
    **{word: Fraction(value) for value, word in enumerate(_ONES)},
    **{word: Fraction(20 + 10 * index) for index, word in enumerate(_TENS)},
}
# Words that multiply it ("two hundred", "a dozen", "three quarters"); alone they count once ("half").
MULTIPLIER: dict[str, Fraction] = {
    "hundred": Fraction(100), "dozen": Fraction(12), "couple": Fraction(2),
    "half": Fraction(1, 2), "halves": Fraction(1, 2), "quarter": Fraction(1, 4), "quarters": Fraction(1, 4),
    "third": Fraction(1, 3), "thirds": Fraction(1, 3),
}
# Words that close a group ("two thousand five hundred"): the group so far is multiplied and banked.
SCALE: dict[str, Fraction] = {"thousand": Fraction(10**3), "million": Fraction(10**6),
                              "billion": Fraction(10**9), "trillion": Fraction(10**12)}
ARTICLES = ("a", "an")


class InvalidNumber(ValueError):
    """A number too long or too large to be meant; the router reports it as invalid_number."""


def parse_decimal(text: str) -> Fraction:
    """Read "19.2", "3.5e3" or ".5" exactly."""
    if len(text) > MAX_DIGITS:
        raise InvalidNumber(f"the number {text[:20]}… is too long")
    exponent = text.lower().partition("e")[2]
    if exponent and abs(int(exponent)) > MAX_EXPONENT:
        raise InvalidNumber(f"the exponent in {text} is too large")
    return Fraction(text)


def parse_number_words(text: str, start: Fraction | None = None) -> Fraction:
    """Read "two and a half", "half a", "a dozen", "twenty one"; `start` is a number typed before them
    ("1.5 million", "1 and a half"). "and" starts a new part that is added ("two and a half" = 2 + 1/2).
    A scale word after another multiplies the group it closed: "a thousand thousand" is a million."""
    total, current, banked = Fraction(0), start, Fraction(0)  # banked: the group the last scale word closed
    last = "number" if start is not None else ""
    for word in text.lower().replace("-", " ").split():
        if word == "and":
            total, current, last = total + (current or 0), None, "and"
        elif word in ARTICLES:
            if current is None:  # "a dozen", "a half"; after a number it is the unit's article ("half a")
                current, last = Fraction(1), "article"
        elif word in ADDITIVE:
            if last in ("ones", "number") or (last == "tens" and ADDITIVE[word] >= 10):
                raise InvalidNumber(f"{text!r} is not a number")
            # "twenty one", "one hundred five": added to the group so far; elsewhere a new group starts
            current = (current if last in ("tens", "hundred") and current is not None else 0) + ADDITIVE[word]
            last = "tens" if word in _TENS else "ones"
        elif word in MULTIPLIER:
            current = (Fraction(1) if current is None else current) * MULTIPLIER[word]
            last = "hundred" if word == "hundred" else "multiplier"
        elif last == "scale":  # "a thousand thousand" is a million, "one million million" a trillion
            total, banked = total - banked + banked * SCALE[word], banked * SCALE[word]
        else:
            banked = (Fraction(1) if current is None else current) * SCALE[word]
            total, current, last = total + banked, None, "scale"
    return total + (current or 0)


def parse_fraction(text: str) -> Fraction:
    """Read "1/2"; a zero denominator is an invalid number, not a crash."""
    numerator, denominator = text.split("/")
    if int(denominator) == 0:
        raise InvalidNumber(f"{text} divides by zero")
    return Fraction(parse_decimal(numerator), parse_decimal(denominator))
