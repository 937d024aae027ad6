"""Numbers as people type them, read exactly as Fractions."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

# 60,000 and 1,234,567.5: a comma followed by exactly three digits separates thousands (normalize.py
# removes it; shapes.py leaves such a query without a shape rather than read a decimal comma).
THOUSANDS_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")

# Longest accepted number text and largest exponent: bounds the work a single token can cause.
MAX_DIGITS = 60
MAX_EXPONENT = 100



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
    """Read "two and a half", "half a", "a dozen", "twenty one", "nineteen point two", "three eighths";
    `start` is a number typed before them ("1.5 million", "1 and a half"). "and" starts a new part that is
    added ("two and a half" = 2 + 1/2). A scale word after another multiplies the group it closed: "a
    thousand thousand" is a million. The words are the vocabulary's number classes (number_words())."""
    words = number_words()
    total, current, banked = Fraction(0), start, Fraction(0)  # banked: the group the last scale word closed
    last = "number" if start is not None else ""
    decimals = ""
    for word in text.lower().replace("-", " ").split():
        if last == "point":
            if word not in words.digits:
                raise InvalidNumber(f"{text!r} is not a number")
            decimals += str(words.digits[word])
            continue
        if word in words.joins:
            total, current, last = total + (current or 0), None, "and"
        elif word in words.articles:
            if current is None:  # "a dozen", "a half"; after a number it is the unit's article ("half a")
                current, last = Fraction(1), "article"
        elif word in words.point:
            if last not in ("ones", "tens"):
                raise InvalidNumber(f"{text!r} is not a number")
            last = "point"
        elif word in words.additive:
            if last in ("ones", "number") or (last == "tens" and words.additive[word] >= 10):
                raise InvalidNumber(f"{text!r} is not a number")
            # "twenty one", "one hundred five": added to the group so far; elsewhere a new group starts
            current = (current if last in ("tens", "hundred") and current is not None else 0) + words.additive[word]
            last = "tens" if word in words.tens else "ones"
        elif word in words.multiplier:
            current = (Fraction(1) if current is None else current) * words.multiplier[word]
            last = "hundred" if words.multiplier[word] == 100 else "multiplier"
        elif word not in words.scale:
            raise InvalidNumber(f"{text!r} is not a number")
        elif last == "scale":  # "a thousand thousand" is a million, "one million million" a trillion
            total, banked = total - banked + banked * words.scale[word], banked * words.scale[word]
        else:
            banked = (Fraction(1) if current is None else current) * words.scale[word]
            total, current, last = total + banked, None, "scale"
    if decimals:
        current = (current or 0) + Fraction(int(decimals), 10 ** len(decimals))
    return total + (current or 0)


class NumberWords:
    """The number words of the vocabulary (data/vocabulary.toml, [number.*]) as the tables
    parse_number_words reads: loaded on the first number written in words, not on import."""

    def __init__(self) -> None:
        from .vocabulary import Vocabulary

        vocabulary = Vocabulary.default()

        def table(name: str) -> dict[str, Fraction]:
            return {word: Fraction(str(value)) for word, value in vocabulary.values(f"number.{name}").items()}

        ones, self.tens = table("ones"), table("tens")
        self.additive = {**ones, **self.tens}  # words that add to the number being built ("twenty one")
        self.digits = {word: int(value) for word, value in ones.items() if value < 10}  # after "point"
        # words that multiply it ("two hundred", "a dozen", "three quarters", "an eighth")
        self.multiplier = {**table("multiplier"), **table("ordinal")}
        self.scale = table("scale")  # words that close a group ("two thousand five hundred")
        self.articles = vocabulary.phrases("number.article")
        self.joins = vocabulary.phrases("number.and")
        self.point = vocabulary.phrases("number.point")


@cache
def number_words() -> NumberWords:
    """The number words, read from the vocabulary once."""
    return NumberWords()


def parse_fraction(text: str) -> Fraction:
    """Read "1/2"; a zero denominator is an invalid number, not a crash."""
    numerator, denominator = text.split("/")
    if int(denominator) == 0:
        raise InvalidNumber(f"{text} divides by zero")
    return Fraction(parse_decimal(numerator), parse_decimal(denominator))
