"""The public surface: what `import queryrouter` offers, the result contract, and programmer errors."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import queryrouter
from queryrouter import ConfigError, GlossaryFormatError, QueryRouterError, Result, Router, Status, route

CONTRACT_KEYS = ["query", "intent", "status", "ok", "text", "interpreted_as", "confidence", "suggestions",
                 "alternatives", "answer"]


def test_public_api_is_pinned() -> None:
    assert sorted(queryrouter.__all__) == sorted([
        "ConfigError", "Glossary", "GlossaryFormatError", "QueryRouterError", "Request", "Result", "Router", "Status",
        "__version__", "route"])
    for name in queryrouter.__all__:
        assert getattr(queryrouter, name) is not None


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    assert queryrouter.__version__ == version("queryrouter")


def test_import_is_cheap_and_lazy() -> None:
    code = ("import sys, queryrouter; heavy = {'pint', 'lark', 'rapidfuzz', 'sqlite3'} & set(sys.modules); "
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("query", ["19.2 lbs to kg", "behemoth definition", "who owns antarctica",
                                   "15% of 80", "60000 10", "5 florbs to kg", ""])
def test_to_dict_has_exactly_the_contract_shape(query: str) -> None:
    data = route(query).to_dict()
    assert list(data) == CONTRACT_KEYS
    assert data["intent"] in ("conversion", "calculation", "definition", "topic", "none")
    assert data["status"] in {s.value for s in Status}
    assert data["ok"] is (data["status"] == "ok")
    assert (data["answer"] is None) is (not data["ok"])
    assert 0.0 <= data["confidence"] <= 1.0
    json.dumps(data)


def test_conversion_answer_shape() -> None:
    answer = route("180 cm to feet and inches").to_dict()["answer"]
    assert set(answer) == {"from", "to", "parts"}
    assert answer["from"] == [{"value": 180.0, "unit": "centimeter"}]
    assert answer["to"]["unit"] == "foot"
    assert [part["unit"] for part in answer["parts"]] == ["foot", "inch"]


def test_result_is_frozen() -> None:
    result = route("19.2 lbs to kg")
    assert isinstance(result, Result)
    with pytest.raises(AttributeError):
        result.text = "changed"  # type: ignore[misc]


def test_non_string_query_is_a_programmer_error() -> None:
    with pytest.raises(TypeError):
        route(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Router().record(b"5 kg to lb")  # type: ignore[arg-type]


def test_a_failing_plan_is_an_internal_error_record_unless_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug on the batch's fast path is reported on its line, like route()'s, not raised."""
    router, strict = Router(), Router(strict=True)
    for each in (router, strict):
        each.route("5 kg to lb")  # learns the shape

    def broken(*_: object) -> tuple[bool, str]:
        raise ZeroDivisionError

    monkeypatch.setattr("queryrouter.fastpath.plans.ConversionPlan.record", broken)
    ok, text = router.record("7 kg to lb")
    assert not ok and json.loads(text)["status"] == "internal" and json.loads(text)["query"] == "7 kg to lb"
    with pytest.raises(ZeroDivisionError):
        strict.record("7 kg to lb")


def test_over_long_query_is_too_long_not_parsed() -> None:
    assert route("5 kg to lb " * 100).status is Status.TOO_LONG


def test_the_length_cap_also_holds_after_normalization() -> None:
    """250 '½' pass the raw cap but spell out to 1,250 characters (' 1/2 ' each)."""
    router = Router()
    assert len("½" * 250) <= router.max_length
    result = router.route("½" * 250)
    assert result.status is Status.TOO_LONG and "normalized" in result.text


@pytest.mark.parametrize("kwargs", [{"volume_system": "metric-ish"}, {"answerers": {"weather": print}},
                                    {"max_length": 0}, {"glossary": 42}, {"cache_size": "big"}])
def test_bad_options_raise_config_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as raised:
        Router(**kwargs)  # type: ignore[arg-type]
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, QueryRouterError)


def test_answerers_hand_an_intent_to_the_host_app() -> None:
    def my_search(request: queryrouter.Request) -> Result:
        return Result(request.query, "topic", Status.OK, "from my search engine")

    assert Router(answerers={"topic": my_search}).route("who owns antarctica").text == "from my search engine"


def test_unit_definitions_extend_the_registry() -> None:
    router = Router(unit_definitions=["smoot = 67 * inch"])
    assert router.route("1 smoot to inches").to_dict()["answer"]["to"]["value"] == pytest.approx(67)


def test_router_pickles_and_still_routes() -> None:
    router = Router()
    router.route("1 kg to lb")
    clone = pickle.loads(pickle.dumps(router))
    assert clone.route("19.2 lbs to kg").text == router.route("19.2 lbs to kg").text


def test_user_glossary_is_searched_first(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[entry]]\nterm = "behemoth"\ndefinition = "our own word for a big server"\n'
                    '[[entry]]\nterm = "quokka"\nsummary = "a small wallaby of Rottnest Island"\n')
    router = Router(glossary=path)
    assert "big server" in router.route("behemoth definition").text
    assert router.route("define luscious").ok  # the default glossary is still there underneath
    assert router.route("tell me about quokka").to_dict()["answer"]["matches"][0]["term"] == "quokka"


def test_malformed_glossary_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[entry]]\nterm = "ok"\ndefinition = "fine"\n[[entry]]\nterm = \n')
    with pytest.raises(GlossaryFormatError) as raised:
        Router(glossary=path)
    assert str(path) in str(raised.value) and raised.value.line == 5


def test_sample_user_glossary_answers_before_the_embedded_one() -> None:
    router = Router(glossary=Path(__file__).with_name("sample_glossary.toml"))
    speech = router.route("khrushchev secret speech").to_dict()
    assert speech["answer"]["matches"][0]["term"] == "Khrushchev's secret speech"
    assert "tuberculosis" in router.route("how did st therese die").text  # the user entry's "death" fact
    assert router.route("behemoth definition").to_dict()["answer"]["source"] == "glossary"
    assert router.route("define ubiquitous").ok
    assert router.route("population of france").to_dict()["answer"]["matches"][0]["source"] == "factbook"


def test_an_unwritable_cache_folder_still_builds_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    import pint

    def no_cache(*args: object, cache_folder: object = None, **kwargs: object) -> pint.UnitRegistry:
        if cache_folder is not None:
            raise PermissionError("read-only home")
        return real(*args, **kwargs)

    real = pint.UnitRegistry
    monkeypatch.setattr(pint, "UnitRegistry", no_cache)
    assert Router().route("19.2 lbs to kg").text == "19.2 lb = 8.709 kg"


def test_repeated_queries_come_from_the_result_cache() -> None:
    router = Router(cache_size=2)
    first = router.route("19.2 lbs to kg")
    assert router.route("19.2 lbs to kg") is first
    router.route("1 kg to lb")
    router.route("15% of 80")  # evicts the oldest entry
    assert router.route("19.2 lbs to kg") is not first
    assert router.route("19.2 lbs to kg") == first


def test_cache_size_zero_turns_the_cache_off_and_negative_is_an_error() -> None:
    router = Router(cache_size=0)
    assert router.route("19.2 lbs to kg") is not router.route("19.2 lbs to kg")
    with pytest.raises(ConfigError):
        Router(cache_size=-1)


def test_the_public_names_are_the_lazily_loaded_ones() -> None:
    """__all__ is written out for tools that read it; it must name exactly what the package hands out."""
    assert set(queryrouter.__all__) == {*queryrouter._HOMES, "__version__"}
    assert all(getattr(queryrouter, name) is not None for name in queryrouter.__all__)
