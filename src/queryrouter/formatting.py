"""Numbers for people: rounded to sensible significant figures, without float noise."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

SIGNIFICANT = 4


def format_number(value: float | Fraction, significant: int = SIGNIFICANT) -> str:
    """4 significant figures, whole numbers kept whole: 8.709, 1, 0.0003, 1234568, 1000000000, 3.974e13."""
    if type(value) is float and 1e-6 <= abs(value) < 1e9:  # most answers, first: a batch runs this per line
        return _plain_float(value, significant)
    if isinstance(value, Fraction) and value.denominator == 1:
        return _plain(Decimal(value.numerator))
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    if number == 0:
        return "0"
    if abs(number) >= 1e15 or abs(number) < 1e-6 or (abs(number) >= 1e9 and _too_precise(number, significant)):
        written = Decimal(repr(number))  # rounded as written, half up, like the plain form below
        exponent = written.adjusted()
        mantissa = _half_up(written.scaleb(-exponent), significant - 1)
        if abs(mantissa) >= 10:  # 9.9995e-7 -> 10.00e-7 -> 1e-6
            mantissa, exponent = _half_up(mantissa.scaleb(-1), significant - 1), exponent + 1
        return f"{_plain(mantissa)}e{exponent}"
    return _plain_float(number, significant)


def _plain_float(number: float, significant: int) -> str:
    """`number` (from 1e-6 up, not 0) rounded to `significant` figures but whole numbers kept whole,
    without an exponent."""
    digits = max(significant - 1 - math.floor(math.log10(abs(number))), 0)
    shortest = repr(number)
    if "e" in shortest or shortest.partition(".")[2][digits:] == "5":
        # A tie as written (2.675 to 2 places) rounds up; the float itself (2.67499999...) would round down.
        return _plain(_half_up(Decimal(shortest), digits))
    # Otherwise rounding the float and rounding its shortest repr agree, and formatting is 5x faster.
    return _plain_text(f"{number:.{digits}f}")


def clean_float(value: float, significant: int = 12) -> float:
    """Drop binary float noise (13.999999999999936 -> 14.0) while keeping far more digits than shown."""
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{significant}g}")


def round_to(value: float, places: int) -> float:
    """Round for display parts (e.g. 10.87 in) without float noise in the result."""
    return float(_half_up(Decimal(repr(value)), places))


def _half_up(number: Decimal, places: int) -> Decimal:
    """Round halves away from zero, as people do (365.25 days -> 365.3), not to even as round() does."""
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + places + 2)  # a 30-digit value needs more than 28
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _too_precise(number: float, significant: int) -> bool:
    """A large number with more digits than are meaningful (3.974e13, not 39735067984839) is shown short."""
    return len(f"{abs(number):.0f}".rstrip("0")) > significant


def _plain(number: Decimal) -> str:
    return _plain_text(f"{number:f}")


def _plain_text(text: str) -> str:
    """Without trailing zeros or a negative zero: "8.7090" -> "8.709", "-0.000" -> "0"."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
