"""The calculation intent's bounds: hostile input gets a clear status, never a hang, a crash or a guess.

The example corpus (grammars/calculation.examples.toml) covers what people type; this file covers what
an attacker or a fuzzer types. Timings are not asserted (they were measured by hand: well under a
millisecond each), only that every input ends with the right status.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from queryrouter import Router, Status
from queryrouter.arithmetic import MAX_DEPTH, MAX_DIGITS, _integer_root, _power


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(strict=True)


@pytest.fixture(scope="module")
def calculation_only() -> Router:
    """Declined queries stop here instead of reaching the glossary: only the calculation verdict matters."""
    return Router(strict=True, answerers={"definition": lambda *_: None, "topic": lambda *_: None})


@pytest.mark.parametrize(("query", "status"), [
    ("9^9^9^9", Status.OUT_OF_RANGE),
    ("10^10^10", Status.OUT_OF_RANGE),
    ("2^2^2^2^2^2", Status.OUT_OF_RANGE),
    ("10^999 * 10^999", Status.OUT_OF_RANGE),
    ("(1/3)^5000", Status.OUT_OF_RANGE),
    ("0.5^100000", Status.OUT_OF_RANGE),
    ("2^1024", Status.OUT_OF_RANGE),
    ("2^-1100", Status.OUT_OF_RANGE),
    ("10^(10^-50)", Status.OK),
    ("2^(1/1000001)", Status.OK),
    ("factorial of 99 factorial", Status.OUT_OF_RANGE),
    ("factorial of factorial of factorial of 9", Status.OUT_OF_RANGE),
    ("factorial of -1", Status.OUT_OF_RANGE),
    ("(-8)^(1/2)", Status.OUT_OF_RANGE),
    ("1 / (1 - 1)", Status.DIVISION_BY_ZERO),
    ("(2 - 2)^-3", Status.DIVISION_BY_ZERO),
    ("7 / 0%", Status.DIVISION_BY_ZERO),
    ("1 1/0 + 2", Status.INVALID_NUMBER),
    ("9" * 290, Status.INVALID_NUMBER),
    ("9" * 250 + " * 2", Status.INVALID_NUMBER),
    ("1e999999999 + 1", Status.INVALID_NUMBER),
])
def test_hostile_arithmetic_gets_a_clear_status(router: Router, query: str, status: Status) -> None:
    result = router.route(query)
    assert (result.intent, result.status) == ("calculation", status), result.to_dict()


@pytest.mark.parametrize("query", [
    "(" * 140 + "1 + 1" + ")" * 140,
    "(" * (MAX_DEPTH + 1) + "2" + ")" * (MAX_DEPTH + 1),
    "2^" * 140 + "1",
    "-(" * 90 + "1" + ")" * 90,
    "√(" * 90 + "2" + ")" * 90,
    "1 + (" * 45 + "1" + ")" * 45,
])
def test_deep_nesting_is_refused_before_recursing(router: Router, query: str) -> None:
    result = router.route(query)
    assert (result.intent, result.status) == ("calculation", Status.OUT_OF_RANGE), result.to_dict()
    assert "nested" in result.text


@pytest.mark.parametrize("query", ["(" * 2000 + "1" + ")" * 2000, "2^" * 3000 + "1", "-(" * 1500 + "1" + ")" * 1500])
def test_nesting_deeper_than_pythons_recursion_limit_is_refused_too(query: str) -> None:
    """With the length cap lifted, the tree is read by a loop (Transformer_NonRecursive), so the depth
    check answers instead of a RecursionError."""
    result = Router(strict=True, max_length=20_000).route(query)
    assert (result.intent, result.status) == ("calculation", Status.OUT_OF_RANGE), result.to_dict()


@pytest.mark.parametrize(("query", "value"), [
    ("+".join(["1"] * 140), 140.0),               # long chains are flat, not deep
    ("2 * " * 70 + "1", 2.0**70),
    ("√" * 280 + "65536", 1.0000000000000000),      # 280 square roots of 2^16 approach 1
    ("-" * 3 + "2 + 2", 0.0),
    ("1" + "%" * 3 + " * 10^6", 1.0),
])
def test_long_flat_chains_still_compute(router: Router, query: str, value: float) -> None:
    result = router.route(query)
    assert result.status is Status.OK, result.to_dict()
    assert result.to_dict()["answer"]["value"] == pytest.approx(value)


def test_results_a_float_cannot_hold_are_out_of_range(router: Router) -> None:
    assert router.route("(10^-100)^4").status is Status.OUT_OF_RANGE
    assert router.route("1% of " * 45 + "1").to_dict()["answer"]["exact"] == "1/1" + "0" * 90


@pytest.mark.parametrize("query", ["5-3", "1-800-555-1234", "2020-2021", "8/2/2", "1.2.3", "-5", "(((7)))",
                                   "$150", "half", "sixty", "10 10 10"])
def test_numbers_that_are_not_sums_are_declined(calculation_only: Router, query: str) -> None:
    assert calculation_only.route(query).intent != "calculation"


def test_a_lost_operator_offers_readings_and_picks_none(router: Router) -> None:
    data = router.route("19 2").to_dict()
    assert data["status"] == "ambiguous" and data["answer"] is None
    assert [a["interpreted_as"] for a in data["alternatives"]] == ["19 / 2", "19 × 2", "2% × 19"]


def test_irrational_results_say_they_are_approximate(router: Router) -> None:
    data = router.route("sqrt 2 * sqrt 2").to_dict()
    assert data["status"] == "ok" and "≈" in data["text"]
    assert data["answer"]["value"] == pytest.approx(2.0)
    assert "/" not in data["answer"]["exact"]  # a decimal string, not a fraction pretending to be exact


def test_exact_results_keep_the_fraction(router: Router) -> None:
    data = router.route("1/3 + 1/3 + 1/3").to_dict()
    assert (data["text"], data["answer"]["exact"]) == ("1/3 + 1/3 + 1/3 = 1", "1")


@pytest.mark.parametrize("root", [2, 3, 10**300 + 7, 2**1000 - 1])
@pytest.mark.parametrize("order", [2, 3, 7])
def test_integer_root_is_exact_for_any_size(root: int, order: int) -> None:
    assert _integer_root(root**order, order) == root
    assert _integer_root(root**order - 1, order) == root - 1


def test_power_refuses_before_computing() -> None:
    with pytest.raises(ValueError, match=str(MAX_DIGITS)):
        _power(Fraction(10), Fraction(10**12))
