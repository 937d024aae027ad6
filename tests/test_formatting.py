"""Numbers for people: formatting.format_number rounds the number as written, half up, to 4 figures."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from queryrouter.formatting import format_number


def rounded_as_written(number: float, significant: int) -> str:
    """The definition: the shortest repr of the float, rounded half up at the significant figure."""
    places = max(significant - 1 - math.floor(math.log10(abs(number))), 0)
    text = f"{Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def test_a_tie_as_written_rounds_up_though_the_float_is_below_it() -> None:
    """1.0005 is stored as 1.000499999...; people rounding what they read get 1.001."""
    assert format_number(1.0005) == "1.001"
    assert format_number(12344.5) == "12345"
    assert format_number(-2.0685) == "-2.069"
    assert format_number(8.70897350) == "8.709"


def test_an_exponent_form_rounds_a_tie_up_too() -> None:
    """7.8125e-10 is shown 7.813e-10, as 0.00078125 would be 0.0007813: the float itself is just below."""
    assert format_number(7.8125e-10) == "7.813e-10"
    assert format_number(4.6875e-13) == "4.688e-13"
    assert format_number(-1.5625e-9) == "-1.563e-9"
    assert format_number(9.9995e-7) == "1e-6"
    assert format_number(2.5e20) == "2.5e20"


# Decimals written with a final 5 (2.675, 1.0005): where rounding the float and rounding its text differ.
ties = st.tuples(st.integers(0, 10**8), st.integers(1, 9)).map(lambda t: (t[0] * 10 + 5) / 10 ** t[1])


@given(st.one_of(st.floats(1e-4, 1e9), st.floats(-1e9, -1e-4), ties.filter(lambda t: 1e-4 <= t < 1e9)),
       st.integers(1, 12))
@example(2.675, 3)
def test_format_number_rounds_the_number_as_written(number: float, significant: int) -> None:
    """Between 1e-4 and 1e9 (outside, numbers are written with an exponent or their large-number rule)."""
    assert format_number(number, significant) == rounded_as_written(number, significant)
