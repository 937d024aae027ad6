"""User text never raises: any string gets a Result whose to_dict() is JSON, and Router.record its JSON text,
even with strict=True."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queryrouter import Result, Router

ROUTER = Router(strict=True)
WORDS = ["to", "in", "into", "as", "=", "how", "many", "much", "of", "%", "percent", "x", "/", "^", "(", ")",
         "-", "lbs", "kg", "in", "ft", "c", "f", "degrees", "°", "cups", "a", "half", "define", "meaning",
         "synonyms", "for", "who", "owns", "what", "is", "1/2", "½", "19,2", "60,000", "3.5e3", "0", "1e999",
         "9" * 80, "...", "'", '"', "\u0000", "\u200b", "ǅ", "ﬁ", "١٢", "⁄"]


def _check(query: str) -> None:
    result = ROUTER.route(query)
    assert isinstance(result, Result)
    assert result.query == query
    json.dumps(result.to_dict(), allow_nan=False)
    assert ROUTER.record(query) == (result.ok, result.to_json())  # the batch's path, planned or not


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text(query: str) -> None:
    _check(query)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)),
                max_size=8).map(" ".join))
def test_lone_surrogates(query: str) -> None:
    """Undecodable bytes in a command line's arguments arrive as lone surrogates (st.text() never makes one)."""
    _check(query)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.integers(-10**6, 10**6).map(str),
                          st.floats(allow_nan=True).map(str), st.text(max_size=4)), max_size=12).map(" ".join))
def test_query_shaped_text(query: str) -> None:
    _check(query)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=500, max_size=10_000))
def test_long_text_with_the_cap_lifted(query: str) -> None:
    """Parsing itself, not only the length cap, must survive long input."""
    result = LONG_ROUTER.route(query)
    json.dumps(result.to_dict(), allow_nan=False)


LONG_ROUTER = Router(strict=True, max_length=10_000)


def test_long_and_odd_strings() -> None:
    for query in ["9" * 10_000, "(" * 400 + "1" + ")" * 400, "2^" * 200 + "2", "lbs " * 120,
                  "to in " * 80, "\x00\x01\x02", "\ud800", "1/0", "0^-1", "10^10^10^10"]:
        _check(query)
