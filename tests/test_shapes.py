"""Shape plans (shapes.py, Router._plan): a query answered from the plan of its shape must get exactly the
answer the whole pipeline gives, whatever its amounts, and Router.record must write exactly its JSON."""

from __future__ import annotations

import json
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queryrouter import Router
from queryrouter.fastpath.plans import Plan
from queryrouter.fastpath.shapes import Shape, shape
from queryrouter.prepared import shown_amount, shown_typed

GRAMMARS = Path(__file__).resolve().parents[1] / "grammars"
CORPUS = [example["query"] for path in sorted(GRAMMARS.glob("*.examples.toml"))
          for example in tomllib.loads(path.read_text(encoding="utf-8"))["example"]]
SHAPED = [found for query in CORPUS if (found := shape(query)) is not None]


@pytest.fixture(scope="module")
def planned() -> Router:
    """A Router that has seen the whole corpus, so it holds a plan for every shape that can have one."""
    router = Router(strict=True)
    for query in CORPUS:
        router.route(query)
    return router


FULL = Router(strict=True, cache_size=0)  # no Result cache, no plans: every query the long way


def test_most_corpus_conversions_have_a_plan(planned: Router) -> None:
    plans = [plan for plan in planned._fast._plans.values() if plan is not None]
    assert len(plans) > 150, len(plans)
    assert planned._fast._plans[shape("19.2 lbs to kg").key] is not None  # type: ignore[union-attr]


@pytest.mark.parametrize("query", ["5k m to miles", "1.5 million cm to km", "19 2 lbs to kg",
                                   "60,000 kg to lb", "5 florbs to kg", "3.5e3 g to kg", "1 1/2 cups to ml",
                                   "42", "10-2", "five percent of 80", "1/0 + 2", "1 million / 12"])
def test_shapes_that_read_their_numbers_otherwise_have_no_plan(planned: Router, query: str) -> None:
    found = shape(query)
    assert found is None or planned._fast._plans.get(found.key) is None
    assert planned.route(query) == FULL.route(query)


@pytest.mark.parametrize("query", ["1 " + "½" * 100, "2\x00", "3 " + "⅞" * 99 + " kg"])
def test_a_shape_refused_before_parsing_has_no_plan_and_no_error(query: str) -> None:
    router = Router(strict=True)
    assert router.route(query) == FULL.route(query)
    assert router.route(query.replace("1", "5", 1)).status is FULL.route(query).status


def test_a_plan_keeps_the_length_cap_on_the_normalized_query() -> None:
    capped, full = Router(strict=True, max_length=20), Router(strict=True, max_length=20, cache_size=0)
    capped.route("5kg 5kg to lb")  # normalized "5 kg 5 kg to lb": two characters longer
    for query in ("5555kg 5555kg to lb", "555kg 555kg to lb", "55kg 5kg to lb"):
        assert capped.route(query) == full.route(query)
    assert capped.route("5555kg 5555kg to lb").status.value == "too_long"


@pytest.mark.parametrize(("learned", "query"), [
    ("\uff105 kg to lb", "\uff10" + "9" * 60 + " kg to lb"),   # a fullwidth zero: NFKC makes one number
    ("\u06605 kg to lb", "\u0660" + "9" * 60 + " kg to lb"),   # an Arabic-Indic zero: the grammar's \\d
    ("5\u0660 kg to lb", "9" * 60 + "\u0660 kg to lb"),
    ("1 kg \ufdfa to lb", "1" * 30 + " kg " + "\ufdfa" * 15 + " to lb"),  # NFKC makes one character 18
])
def test_digits_of_other_scripts_and_rewritten_characters_give_no_shape(learned: str, query: str) -> None:
    router = Router(strict=True)
    router.route(learned)
    assert shape(learned) is None
    assert router.route(query) == FULL.route(query)


def test_a_planned_shape_is_answered_without_the_parser(planned: Router, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr("queryrouter.router.parse", no_parsing)
    result = planned.route("123.4 lbs to kg")
    assert result.ok and result.text == "123.4 lb = 55.97 kg"
    assert planned.route("12.50% of 80").text == "12.50% × 80 = 10"  # a calculation echoes what was typed
    assert planned.route("700 / 7").text == "700 / 7 = 100"
    assert planned.route("70000 11").status.value == "ambiguous"
    with pytest.raises(AssertionError):  # a shape it has not seen is parsed
        planned.route("123.4 lbs to stone and pounds and ounces")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SHAPED), st.data())
def test_planned_answers_equal_the_full_pipeline(planned: Router, query: Shape, data: st.DataObject) -> None:
    integers = st.integers(0, 10**9).map(str)
    decimals = st.tuples(st.integers(0, 10**6), st.integers(0, 10**4)).map(lambda pair: f"{pair[0]}.{pair[1]}")
    numbers = tuple(data.draw(decimals if "." in number else integers) for number in query.numbers)
    text = Shape(query.key, numbers).text()
    assert planned.route(text) == FULL.route(text), text


@pytest.mark.parametrize(("query", "key", "numbers"), [
    ("19.2 lbs to kg", "\0.\0 lbs to kg", ("19.2",)),
    ("155lb to kg", "\0lb to kg", ("155",)),
    ("5 ft 3 in to cm", "\0 ft \0 in to cm", ("5", "3")),
    ("8 l/100km to mpg", "\0 l/100km to mpg", ("8",)),        # digits inside a unit word are the unit's
    ("500 ft2 to m2", "\0 ft2 to m2", ("500",)),
    ("3.5e3 g to kg", "3.5e3 g to kg", ()),                    # an exponent, a fraction, a thousands
    ("1/2 cup to ml", "1/2 cup to ml", ()),                    # separator or a decimal comma stays as typed
    ("60,000 m to km", "60,000 m to km", ()),
    ("1,234,567 m to km", "1,234,567 m to km", ()),
    ("19,2 kg", "\0,\0 kg", ("19.2",)),                          # a decimal comma is read as a point
    ("1234,567 kg to lb", "\0,\0 kg to lb", ("1234.567",)),
    ("2,50 + 1,5", "\0,\0 + \0,\0", ("2.50", "1.5")),
    ("-40 c to f", "-\0 c to f", ("-40",)),                  # a minus that starts a word is the sign
    ("what is -2.5 c in f", "what is -\0.\0 c in f", ("-2.5",)),
    ("-0 c to f", "-\0 c to f", ("0",)),                      # but minus zero is zero
    ("10-2", "\0-\0", ("10", "2")),                           # and a minus after a number an operator
    ("5 - -3", "\0 - -\0", ("5", "-3")),
])
def test_shape_takes_out_only_plain_numbers(query: str, key: str, numbers: tuple[str, ...]) -> None:
    found = shape(query)
    if not numbers:
        assert found is None
        return
    assert found is not None
    assert (found.key, found.numbers) == (key, numbers)
    assert found.text() == query
    probe = found.probe()
    assert probe.key == found.key and all(a != b for a, b in zip(probe.values(), found.values()))


@pytest.mark.parametrize("query", ["kg to lbs", "how many cups in a liter", "c to f", "pi squared"])
def test_a_query_without_digits_is_a_shape_of_its_own(query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its plan asks for one of each unit ("kg to lbs" is 1 kg), and answers without the parser next time."""
    found = shape(query)
    assert found is not None and (found.key, found.numbers, found.text()) == (query, (), query)
    router = Router(strict=True, shipped_plans=False, plan_store=None)
    expected = FULL.route(query)
    assert router.route(query) == expected and expected.ok
    assert isinstance(router._fast._known(found), Plan)
    router._cached_route.cache_clear()
    monkeypatch.setattr("queryrouter.router.parse", lambda *_: pytest.fail("parsed"))
    assert router.route(query) == expected
    assert router.record(query) == (True, expected.to_json())


@pytest.mark.parametrize("query", ["how many cups in half a gallon", "a dozen eggs to kg", "behemoth definition"])
def test_a_query_without_digits_that_is_not_one_of_each_unit_has_no_plan(query: str) -> None:
    router = Router(strict=True, shipped_plans=False, plan_store=None)
    assert router.route(query) == FULL.route(query)
    assert router._fast._known(shape(query)) is None  # type: ignore[arg-type]


def test_a_query_with_a_nul_has_no_shape() -> None:
    assert shape("5 kg\0 to lb") is None


def test_remembering_a_shape_again_evicts_nothing() -> None:
    """Two threads may learn one shape at once; the second must not push another shape out."""
    router = Router(strict=True, cache_size=2)
    first, second = shape("1 kg to lb"), shape("1 m to ft")
    assert first is not None and second is not None
    router._fast._remember(first, None)
    router._fast._remember(second, None)
    router._fast._remember(second, None)
    assert set(router._fast._plans) == {first.key, second.key}


# Plain numbers as a shape holds them: leading and trailing zeros, up to MAX_DIGITS digits, tiny and huge.
TYPED_INTEGERS = st.from_regex(r"[0-9]{1,20}", fullmatch=True)
TYPED_DECIMALS = st.from_regex(r"[0-9]{1,16}\.[0-9]{1,12}", fullmatch=True)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SHAPED), st.data())
def test_a_planned_record_is_the_full_pipelines_json(planned: Router, query: Shape, data: st.DataObject) -> None:
    numbers = tuple(data.draw(TYPED_DECIMALS if "." in number else TYPED_INTEGERS) for number in query.numbers)
    text = Shape(query.key, numbers).text()
    expected = FULL.route(text)
    assert planned.record(text) == (expected.ok, json.dumps(expected.to_dict(), ensure_ascii=False)), text


def test_every_planned_corpus_query_records_as_the_full_pipeline(planned: Router) -> None:
    """Each plan once with the amounts people typed ("19.2", "32", "0.5"), written through its record
    template where it has one."""
    for query in CORPUS:
        expected = FULL.route(query)
        assert planned.record(query) == (expected.ok, json.dumps(expected.to_dict(), ensure_ascii=False)), query


@pytest.mark.parametrize("query", ["0 mpg to l/100km",           # a refusal that depends on the amount
                                   "-40 c to f", "-0 c to f", "-0.50 f to c", "-500 c to f",  # signed
                                   "-3 + 5", "5 - -3", "-30% of 80",  # where the minus is an operator
                                   "5 ft 11.999 in to cm",        # parts, carried
                                   "2 cups to ml", "3 tbsp to ml",  # alternatives
                                   "1000000000000000000 km to m", "0.0000001 m to nm",
                                   '5 ft 3" to cm', "5\tkg to lb\u2028", "5 °C to °F"])  # escaped in JSON
def test_records_of_planned_shapes_with_refusals_parts_and_alternatives(query: str) -> None:
    router = Router(strict=True)
    router.route(shape(query).probe().text())  # type: ignore[union-attr]  # learns the plan
    assert isinstance(router._fast._known(shape(query)), Plan)  # type: ignore[arg-type]
    expected = FULL.route(query)
    assert router.record(query) == (expected.ok, json.dumps(expected.to_dict(), ensure_ascii=False))


@given(st.one_of(TYPED_INTEGERS, TYPED_DECIMALS, st.from_regex(r"-0*[1-9][0-9]{0,10}(\.[0-9]{1,8})?", fullmatch=True)))
def test_shown_typed_reads_digits_as_shown_amount_reads_the_value(number: str) -> None:
    assert shown_typed(number) == shown_amount(Fraction(number))
