"""Repair what search boxes do to text, without changing what it means.

Never casefolds: unit symbols keep their case (MM is not mm). Each repair that changes how the query
reads is recorded in `notes`, so the answer can say how the query was understood.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from .numbers import THOUSANDS_RE

_VULGAR_FRACTIONS = {ch: Fraction(unicodedata.numeric(ch)).limit_denominator(10)
                     for ch in "¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"}
_VULGAR_RE = re.compile("[" + "".join(_VULGAR_FRACTIONS) + "]")
_SPACES_RE = re.compile(r"\s+")
# Control and invisible characters, and lone surrogates (undecodable bytes kept by surrogateescape, as a
# command line's arguments are): none can be part of a word, and a surrogate cannot even be encoded.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
# 19-2-lbs-to-kg: a whole query joined by hyphens (or underscores, or plus signs) is a URL slug.
_SLUG_RE = re.compile(r"^-?[^\s\-_+]+(?:[\-_+][^\s\-_+]+){2,}$")
_SLUG_JOINERS_RE = re.compile(r"[\-_+]")
# 1.234,5: dots between groups of three and a decimal comma, as much of Europe writes numbers.
_EUROPEAN_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d+(?![\d.,])")
# 19,2 and 0,75: any other comma between digits is a decimal comma.
_DECIMAL_COMMA_RE = re.compile(r"(?<![\d,])(\d+),(\d+)(?![\d,])")
# 155lb, 5kg, 5ft4, 7x8: a number glued to the word after it (but not 3.5e3, 1e-9, l/100km or ft2).
_GLUED_RE = re.compile(r"(?<![\w/^.])(\d+(?:\.\d+)?)(?![eE][+-]?\d)([^\W\d_]+)(\d+(?:\.\d+)?)?(?![\w.])")
# 5² and (2+3)³: a superscript after a number is a power; NFKC would make 5² the number 52.
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_POWER_RE = re.compile(r"(?<=[\d)])\s*([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)")
# 5'3", 5′ 3″, 6': feet and inches written with primes.
_FEET_INCHES_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*['′’]\s*(?:(\d+(?:\.\d+)?)\s*(?:\"|″|”|''|′′)?)?(?!\w)")
_INCHES_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:\"|″|”|''|′′)(?!\w)")
# "5 10 in cm", "6 2 to m": a height with both units left out. Read as 5.10 inches it would be a hand's
# width, which no one converts to centimetres.
_HEIGHT_RE = re.compile(r"^([3-8]) (\d|1[01]) ((?:in|to|into) (?:cm|centimet(?:er|re)s?|m|met(?:er|re)s?))$",
                        re.IGNORECASE)
_TRAILING_PUNCT_RE = re.compile(r"[\s?!.,;:]+$")
# "8 oz. to g", "100 sq. ft", "fl. oz": the dot of an abbreviation, not of "e.g." or "U.S."
_ABBREVIATION_DOT_RE = re.compile(r"(?<![.\w])([A-Za-z]+)\.(?=\s)")
# "15% of 80 please", "define behemoth please": a courtesy at the end; "thanks" only after a number or a
# closing parenthesis ("no thanks" is a phrase).
_COURTESY_RE = re.compile(r"(?<=[\d%)!])\s+(?:please|pls|plz|thanks|thank\s+you)$|(?<=\S)\s+(?:please|pls|plz)$",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    notes: tuple[str, ...] = ()


def normalize(query: str) -> Normalized:
    """Clean `query` for the grammar; `notes` lists the repairs that change how it reads."""
    notes: list[str] = []
    text = _CONTROL_RE.sub(" ", query)
    text = _VULGAR_RE.sub(lambda m: f" {_VULGAR_FRACTIONS[m.group()]} ", text)
    text = _POWER_RE.sub(lambda m: "^" + m.group(1).translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFKC", text).replace("\u2044", "/").replace("−", "-")
    text = _SPACES_RE.sub(" ", text).strip()
    # A slug has a part that is a word ("lbs"); "1e-5+1e-5+1" or "3x4-2-1" are arithmetic.
    if _SLUG_RE.match(text) and any(part.isalpha() for part in _SLUG_JOINERS_RE.split(text)):
        text = _SLUG_JOINERS_RE.sub(" ", text)
        notes.append(f"read the slug {query.strip()!r} as {text!r}")
    text = _FEET_INCHES_RE.sub(_feet_inches, text)
    text = _INCHES_RE.sub(r"\1 in", text)
    text, european = _EUROPEAN_RE.subn(lambda m: m.group().replace(".", "").replace(",", "."), text)
    if european:
        notes.append("read the dots as thousands separators and the comma as a decimal point")
    text = THOUSANDS_RE.sub(lambda m: m.group().replace(",", ""), text)
    text, decimal_commas = _DECIMAL_COMMA_RE.subn(r"\1.\2", text)
    if decimal_commas:
        notes.append("read the comma as a decimal point")
    text = _GLUED_RE.sub(_unglue, text)
    text = _COURTESY_RE.sub("", _without_trailing_punctuation(_ABBREVIATION_DOT_RE.sub(r"\1", text)))
    text = _SPACES_RE.sub(" ", text).strip()
    subunits, subunit_re = _subunits()
    text = subunit_re.sub(lambda m: f"{m.group()} {subunits[m.group(2).lower()]}", text)
    height = _HEIGHT_RE.match(text)
    if height:
        feet, inches, target = height.groups()
        text = f"{feet} ft {inches} in {target}"
        notes.append(f"read '{feet} {inches}' as {feet} ft {inches} in, a height")
    return Normalized(query, text, tuple(notes))


@cache
def _subunits() -> tuple[dict[str, str], re.Pattern[str]]:
    """"5 ft 4 to cm", "5ft4", "11 st 4": a bare number after feet or stone counts the next unit down
    ([conversion.subunit] in the vocabulary). Before "in" it is only added when that "in" is the connector
    ("5 foot 4 in cm": either reading is 5'4"). Built on the first query that is normalized."""
    from .vocabulary import Vocabulary

    vocabulary = Vocabulary.default()
    subunits: dict[str, str] = vocabulary.values("conversion.subunit")
    connector, inside = vocabulary.regex("connector") + r"(?!\w)", vocabulary.regex("conversion.in") + r"(?!\w)"
    pattern = re.compile(rf"(?<![\w.])(\d+(?:\.\d+)?) ({vocabulary.regex('conversion.subunit')}) (\d+(?:\.\d+)?)"
                         rf"(?=$| (?!{inside}){connector}| {inside} (?!{connector})\S)", re.IGNORECASE)
    return subunits, pattern


def _without_trailing_punctuation(text: str) -> str:
    """"5 kg to lb?" -> "5 kg to lb"; but the "!" of "5!" or "(2+3)!" is a factorial, not an exclamation."""
    trailing = _TRAILING_PUNCT_RE.search(text)
    if trailing is None:
        return text
    start = trailing.start()
    factorial = text[start] == "!" and start > 0 and (text[start - 1].isdigit() or text[start - 1] == ")")
    return text[:start] + ("!" if factorial else "")


def _feet_inches(match: re.Match[str]) -> str:
    feet, inches = match.group(1), match.group(2)
    return f"{feet} ft {inches} in" if inches else f"{feet} ft"


def _unglue(match: re.Match[str]) -> str:
    number, word, tail = match.group(1), match.group(2), match.group(3)
    return " ".join(part for part in (number, word, tail) if part)
