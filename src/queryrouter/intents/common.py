"""The reader for grammars/common.lark: the number rules every intent shares, read by numbers.py."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from lark import Token, Transformer, v_args

from ..numbers import parse_decimal, parse_fraction, parse_number_words


@v_args(inline=True)
class NumberReader(Transformer[Any, Any]):
    """Turns common.lark's `number` rule into a Fraction."""

    def decimal(self, token: Token) -> Fraction:
        return parse_decimal(token)

    def fraction(self, token: Token) -> Fraction:
        return parse_fraction(token)

    def mixed(self, whole: Token, part: Token) -> Fraction:
        return parse_decimal(whole) + parse_fraction(part)

    def word_number(self, token: Token) -> Fraction:
        return parse_number_words(str(token))

    def scaled_number(self, number: Token, words: Token) -> Fraction:
        return parse_number_words(words, start=parse_decimal(number))
