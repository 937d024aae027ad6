"""The conversion slice beyond the example corpus: Router options, alternatives, data files, hostile text."""

from __future__ import annotations

import json
import math
import tomllib
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queryrouter import Router
from queryrouter.numbers import InvalidNumber, parse_number_words

US = Router(strict=True)
UK = Router(strict=True, volume_system="imperial")


@pytest.mark.parametrize(("query", "millilitres"), [
    ("1 pint to ml", 568.26125),            # imperial pint = 1/8 of 4.54609 l
    ("1 gallon to ml", 4546.09),
    ("1 fl oz to ml", 28.4130625),           # 1/160 imperial gallon
    ("2 pints to ml", 1136.5225),
    ("1 cup to ml", 284.130625),             # half an imperial pint
])
def test_imperial_volume_system(query: str, millilitres: float) -> None:
    result = UK.route(query)
    assert result.ok, result
    assert math.isclose(result.to_dict()["answer"]["to"]["value"], millilitres, rel_tol=1e-9)
    assert result.to_dict()["answer"]["from"][0]["unit"].startswith("imperial_")


def test_imperial_leaves_us_spellings_and_other_units_alone() -> None:
    assert math.isclose(UK.route("1 us gallon to liters").to_dict()["answer"]["to"]["value"], 3.785411784)
    assert math.isclose(UK.route("5 kg to lb").to_dict()["answer"]["to"]["value"], 11.0231131092)
    mpg = UK.route("30 mpg to l/100km").to_dict()
    assert math.isclose(mpg["answer"]["to"]["value"], 282.480936 / 30, rel_tol=1e-6)  # UK gallon mpg


def test_ton_offers_the_metric_and_long_readings() -> None:
    result = US.route("1 ton to kg")
    assert result.to_dict()["answer"]["to"]["unit"] == "kilogram"
    texts = [alternative.text for alternative in result.alternatives]
    assert texts == ["1 t = 1000 kg", "1 long ton = 1016 kg"]


def test_us_volume_offers_the_uk_reading_on_both_sides() -> None:
    result = US.route("8 fl oz to cups")
    assert [a.interpreted_as for a in result.alternatives] == ["8 imperial_fluid_ounce -> imperial_cup"]


def test_a_volume_named_in_the_other_system_has_no_alternative_reading() -> None:
    """ "uk pint" in a US router, "us pint" in a UK one: the word says which is meant."""
    assert UK.route("1 us pint to ml").alternatives == ()
    assert [a.text for a in UK.route("1 pint to ml").alternatives] == ["1 pt = 473.2 ml"]
    assert US.route("1 uk pint to ml").alternatives == ()


def test_oz_of_an_ingredient_offers_the_weight_reading() -> None:
    result = US.route("8 oz flour to cups")
    assert result.to_dict()["answer"]["to"]["value"] == 1.0  # fluid, by policy
    assert result.alternatives[0].text == "8 oz all-purpose flour = 1.89 cup"


def test_every_density_names_its_source() -> None:
    text = resources.files("queryrouter").joinpath("data/densities.toml").read_text(encoding="utf-8")
    rows = tomllib.loads(text)["ingredient"]
    assert len(rows) >= 20
    lines = [line for line in text.splitlines() if line.startswith("grams_per_cup")]
    assert len(lines) == len(rows)
    assert all(any(f"# {source}:" in line for source in ("KA", "USDA", "DEF")) for line in lines)
    names = [name for row in rows for name in row["names"]]
    assert len(names) == len(set(names)), "an ingredient name is listed twice"


@pytest.mark.parametrize(("words", "value"), [
    ("twenty one", 21), ("two and a half", 2.5), ("half a", 0.5), ("a dozen", 12), ("a quarter", 0.25),
    ("one hundred and five", 105), ("three quarters", 0.75), ("half a dozen", 6), ("two thousand five hundred", 2500),
    ("one hundred five", 105), ("two hundred fifty", 250), ("one hundred twenty three", 123),
    ("one thousand two hundred thirty four", 1234),
])
def test_number_words(words: str, value: float) -> None:
    assert parse_number_words(words) == value


def test_number_words_after_digits() -> None:
    assert parse_number_words("million", start=parse_number_words("one") * 3 / 2) == 1_500_000
    with pytest.raises(InvalidNumber):
        parse_number_words("one one")
    assert parse_number_words("two thousand thousand") == 2_000_000  # a thousand thousand is a million
    assert parse_number_words("one million million five") == 1_000_000_000_005


def test_huge_number_words_are_invalid_not_a_crash() -> None:
    result = US.route("1e99 trillion kg to lb")
    assert result.status.value == "invalid_number"


def test_answers_carry_no_float_noise() -> None:
    for query in ("-40 c to f", "100 c to f", "5 ft 3 in to cm", "0.1 l to ml"):
        value = US.route(query).to_dict()["answer"]["to"]["value"]
        assert len(repr(value)) <= 14, (query, value)


UNITISH = ["5", "1/2", "½", "-3", "a", "half", "twenty", "k", "kg", "lb", "in", "ft", "'", '"', "c", "f", "°",
           "degrees", "to", "in", "and", "cups", "flour", "oz", "mpg", "l/100km", "sq", "cubic", "per", "of",
           "convert", "how", "many", "=", "?", "ton", "0", "1e99", "9" * 30, "st"]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(UNITISH), st.text(max_size=3)), max_size=9).map(" ".join))
def test_conversion_shaped_text_never_raises(query: str) -> None:
    for router in (US, UK):
        json.dumps(router.route(query).to_dict(), allow_nan=False)


@given(st.integers(-10**12, 10**12), st.integers(0, 9))
def test_a_typed_amount_is_shown_exactly_as_typed(digits: int, places: int) -> None:
    """"19.2 lbs" shows 19.2 and "0.125 cup" 0.125: every decimal of up to 12 digits comes back exactly."""
    from fractions import Fraction

    from queryrouter.prepared import shown_amount

    value = Fraction(digits, 10**places)
    shown = shown_amount(value)
    assert Fraction(shown) == value or abs(value) < Fraction(1, 10**6) or len(str(abs(digits))) > 12
    assert not shown.endswith(".") and ("." not in shown or not shown.endswith("0"))


def test_explain_names_the_units_the_answer_used() -> None:
    """'f' and 'c' beside each other are temperatures in the answer, so in the explanation too (it once
    said farad and the speed of light)."""
    explanation = US.explain("32 f to c")
    assert explanation.result.text == "32 °F = 0 °C"
    assert explanation.details == ("conversion: 'f' -> degree_Fahrenheit", "conversion: 'c' -> degree_Celsius")


def test_unit_caches_keep_the_recent_spellings_once_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Junk spellings fill the bounded caches, yet a unit asked for again is still remembered."""
    from queryrouter.units import Units

    monkeypatch.setattr("queryrouter.units.MAX_CACHED", 3)
    units = Units(US.units.registry)
    for junk in ("florb", "zorp", "quux", "blarg"):
        units.resolve((junk,))
    units.resolve(("kg",))
    units.resolve(("kg",))
    info = units._resolved.cache_info()
    assert (info.hits, info.currsize, info.maxsize) == (1, 3, 3)


def test_a_unit_without_a_number_is_not_read_as_a_typed_amount() -> None:
    """'how many m in k' implies one k; it is not '1k', which would be read as 1 km (the 5k race)."""
    result = US.route("how many m in k")
    assert "1k" not in result.interpreted_as and result.text != "1 km = 1000 m"
    assert US.route("how many grams in a cup of flour").text == "1 cup all-purpose flour = 120 g"


def test_a_misspelt_unit_is_read_alike_whatever_came_before() -> None:
    """'milimeters' is one typo from millimeters and two from kilometers: a fresh Router once read it as
    kilometers, because prefixed units joined the candidates only as queries parsed them."""
    query = "1 inch to milimeters"
    fresh = Router(cache_size=0).route(query)
    warmed = Router(cache_size=0)
    for other in ("5 mm to in", "3 kilometers to miles", "2 millilitres to tsp"):
        warmed.route(other)
    assert fresh.text == "1 in = 25.4 mm" and warmed.route(query) == fresh


def test_several_word_spellings_are_suggested_for_one_word_only_when_close() -> None:
    assert US.units.suggest("florbs")[0] == "lbs"  # not "ft lbs", "ft-lbs": torque spellings crowded it
    assert "fl oz" in US.units.suggest("floz")
