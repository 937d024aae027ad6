"""Numbers as people type them, read exactly as Fractions, and the grammar's shared number rules."""

from __future__ import annotations

from fractions import Fraction

from lark import Token, Transformer, v_args

# Longest accepted number text and largest exponent: bounds the work a single token can cause.
MAX_DIGITS = 60
MAX_EXPONENT = 100

NUMBER_WORDS: dict[str, Fraction] = {
    "a": Fraction(1), "an": Fraction(1), "one": Fraction(1), "two": Fraction(2), "three": Fraction(3),
    "four": Fraction(4), "five": Fraction(5), "six": Fraction(6), "seven": Fraction(7),
    "eight": Fraction(8), "nine": Fraction(9), "ten": Fraction(10), "eleven": Fraction(11),
    "twelve": Fraction(12), "dozen": Fraction(12), "half": Fraction(1, 2), "quarter": Fraction(1, 4),
}


class InvalidNumber(ValueError):
    """A number too long or too large to be meant; the router reports it as invalid_number."""


def parse_decimal(text: str) -> Fraction:
    """Read "19.2", "3.5e3" or ".5" exactly."""
    if len(text) > MAX_DIGITS:
        raise InvalidNumber(f"the number {text[:20]}… is too long")
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > MAX_EXPONENT:
        raise InvalidNumber(f"the exponent in {text} is too large")
    return Fraction(mantissa) * (Fraction(10) ** int(exponent or 0))


def parse_fraction(text: str) -> Fraction:
    """Read "1/2"; a zero denominator is an invalid number, not a crash."""
    numerator, denominator = text.split("/")
    if int(denominator) == 0:
        raise InvalidNumber(f"{text} divides by zero")
    return Fraction(parse_decimal(numerator), parse_decimal(denominator))


@v_args(inline=True)
class NumberReader(Transformer):
    """Turns common.lark's `number` rule into a Fraction."""

    def decimal(self, token: Token) -> Fraction:
        return parse_decimal(token)

    def fraction(self, token: Token) -> Fraction:
        return parse_fraction(token)

    def mixed(self, whole: Token, part: Token) -> Fraction:
        return parse_decimal(whole) + parse_fraction(part)

    def word_number(self, token: Token) -> Fraction:
        return NUMBER_WORDS[token.lower()]
