"""Facets of a place (issue 18): the [lexicon.facet.*] data, the Factbook fields the build embeds for them,
and how a question asking one is read and answered."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from queryrouter import Router, lexicon
from queryrouter.lexicon import FACETS, Lexicon
from queryrouter.vocabulary import Vocabulary, VocabularyError

ROOT = Path(__file__).resolve().parent.parent

needs_glossary = pytest.mark.skipif(
    not lexicon.DEFAULT_PATH.is_file(),
    reason="glossary.sqlite not expanded: install the package or run scripts/build_glossary.py",
)


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(strict=True)


def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_glossary_facets", ROOT / "scripts" / "build_glossary.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look the module up while it executes
    spec.loader.exec_module(module)
    return module


# --- the data ------------------------------------------------------------------------------------


def test_every_facet_has_a_label_fields_and_phrases() -> None:
    assert len(FACETS) >= 40
    for name, facet in FACETS.items():
        assert facet.label and facet.parts and facet.phrases, name
        assert all(section and field for part in facet.parts for section, field in part), name


def test_no_phrase_asks_two_facets() -> None:
    counts = Counter(phrase for facet in FACETS.values() for phrase in facet.phrases)
    assert [phrase for phrase, n in counts.items() if n > 1] == []


@needs_glossary
def test_no_phrase_is_part_of_a_place_name() -> None:
    """A phrase inside a name ("coast" in "ivory coast") would cut the name in two."""
    with sqlite3.connect(lexicon.DEFAULT_PATH) as db:
        names = [key for (key,) in db.execute("SELECT DISTINCT key FROM entity_name") if len(key.split()) <= 3]
    phrases = {phrase for facet in FACETS.values() for phrase in facet.phrases}
    assert [(name, p) for name in names for p in phrases if f" {p} " in f" {name} "] == []


@needs_glossary
def test_every_field_a_facet_names_is_embedded() -> None:
    """The data table and the Factbook agree: each field answers for some place (a misspelt field would
    answer for none)."""
    count = "SELECT count(*) FROM fact WHERE section = ? AND (field = ? OR field LIKE ? || ' > %')"
    with sqlite3.connect(lexicon.DEFAULT_PATH) as db:
        for name, facet in FACETS.items():
            for part in facet.parts:
                found = [db.execute(count, (section, field, field)).fetchone()[0] for section, field in part]
                assert sum(found) >= 5, (name, part)


def test_a_group_of_classes_reads_as_one_and_keeps_its_settings() -> None:
    tables = {"facet": {"doc": "facets", "a": {"label": "A", "phrases": ["x", "y z"]}, "b": {"phrases": ["w"]}}}
    vocabulary = Vocabulary(tables)
    assert vocabulary.members("facet") == ("facet.a", "facet.b")
    assert vocabulary.phrases("facet") == {"x", "y z", "w"}
    assert vocabulary.settings("facet.a") == {"label": "A"}
    with pytest.raises(VocabularyError):
        vocabulary.phrases("nothing")


# --- the build -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("rates", "name"), [
    ({"Currency": {"text": "yen (JPY) per US dollar -"}}, "yen (JPY)"),
    ({"Currency": {"text": "North Korean won (KPW) per US dollar (average market rate)"}}, "North Korean won (KPW)"),
    ({"text": "Moroccan dirhams (MAD) per US dollar - / 9.639 (2017 est.)"}, "Moroccan dirhams (MAD)"),
    ({"text": "<p>the US dollar is used</p>"}, "the US dollar is used"),
    ({"text": "<p><strong>note:</strong> uses the euro</p>"}, "uses the euro"),
    ({"text": "<strong>British pounds per US dollar:</strong> 0.78<br><strong>euros per US dollar:</strong> 0.92"},
     "US dollar"),
    ({"text": "<p>see entry for the West Bank</p>"}, None),
])
def test_the_currency_is_read_from_the_exchange_rates(rates: dict[str, object], name: str | None) -> None:
    assert builder().currency({"Exchange rates": rates}) == name


def test_the_flag_description_leaves_out_its_history() -> None:
    flag = {"text": "<strong>description:</strong> white with a red disk<br><br><strong>history:</strong> 1854"}
    assert builder().flag_description({"Flag": flag}) == "white with a red disk"


def test_only_the_fields_facets_name_are_kept_from_other_sections() -> None:
    build = builder()
    fields = frozenset({("Economy", "Exports - commodities"), ("Economy", "Real GDP growth rate")})
    assert build.kept("Geography", ("Climate",), fields)
    assert build.kept("Economy", ("Exports - commodities",), fields)
    assert build.kept("Economy", ("Real GDP growth rate", "Real GDP growth rate 2024"), fields)
    assert not build.kept("Economy", ("Exports - commodities", "note"), fields)
    assert not build.kept("Economy", ("Budget", "revenues"), fields)


# --- reading and answering -----------------------------------------------------------------------


@needs_glossary
@pytest.mark.parametrize(("query", "subject", "facet"), [
    ("currency of japan", "japan", "currency"),
    ("what currency does japan use", "japan", "currency"),
    ("japan currency", "japan", "currency"),
    ("what is the currency of the isle of man", "isle of man", "currency"),
    ("highest point in nepal", "nepal", "highest_point"),
    ("when did india gain independence", "india", "independence"),
    ("countries bordering germany", "germany", "borders"),
    ("what type of government does saudi arabia have", "saudi arabia", "government"),
    ("japan's national anthem", "japan", "anthem"),
    ("currency of the us", "us", "currency"),
])
def test_the_facet_phrase_is_read_wherever_it_stands(router: Router, query: str, subject: str, facet: str) -> None:
    steps = {step.intent: step for step in router.explain(query).steps}
    request = steps["topic"].request
    assert (request.subject, request.facet) == (subject, facet)


@needs_glossary
def test_a_facet_answer_names_the_facet_and_its_fact(router: Router) -> None:
    result = router.route("currency of japan")
    assert result.ok and result.text == "Japan: currency: yen (JPY)"
    assert result.to_dict()["answer"]["matches"][0]["facet"] == "currency"


@needs_glossary
def test_a_facet_the_place_lacks_is_said_so_never_its_history(router: Router) -> None:
    result = router.route("currency of antarctica")
    assert (result.status.value, result.text) == ("not_found", "No currency listed for Antarctica.")
    assert result.suggestions == ("Antarctica",)
    assert result.alternatives and result.alternatives[0].text.startswith("Antarctica: ")


@needs_glossary
@pytest.mark.parametrize("query", ["natural history", "climate change in germany"])
def test_a_facet_phrase_inside_a_name_is_no_facet(router: Router, query: str) -> None:
    result = router.route(query)
    assert not result.ok or result.to_dict()["answer"]["matches"][0]["facet"] is None


@needs_glossary
def test_the_lexicon_answers_every_facet_for_a_country() -> None:
    lex = Lexicon()
    answered = {name for name in FACETS if lex.topics("france", facet=name)[0].facet == name}
    assert answered >= set(FACETS) - {"history", "literacy", "lakes", "rivers"}
