"""Word forms (issue 19): the spelling rules, the irregular table, WordNet's derivation links and the answer's
shape. Queries here are this file's own; the grammar's examples are in grammars/definition.examples.toml."""

from __future__ import annotations

import pytest

from queryrouter import Router
from queryrouter.lexicon import Lexicon
from queryrouter.vocabulary import Vocabulary
from queryrouter.word_forms import relation_of, word_forms


@pytest.fixture(scope="module")
def router() -> Router:
    return Router()


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon()


def forms(lexicon: Lexicon, word: str, relation: str, poses: tuple[str, ...]) -> list[str]:
    found = word_forms(lexicon, word, poses, relation)
    assert found is not None
    return [f.form for f in found.forms]


@pytest.mark.parametrize(("word", "relation", "expected"), [
    ("church", "plural", ["churches"]), ("lady", "plural", ["ladies"]), ("day", "plural", ["days"]),
    ("foot", "plural", ["feet"]), ("deer", "plural", ["deer"]), ("person", "plural", ["people", "persons"]),
    ("bake", "past_tense", ["baked"]), ("cry", "past_tense", ["cried"]), ("plan", "past_tense", ["planned"]),
    ("visit", "past_tense", ["visited"]), ("eat", "past_tense", ["ate"]), ("eat", "past_participle", ["eaten"]),
    ("undertake", "past_tense", ["undertook"]), ("undertake", "past_participle", ["undertaken"]),
    ("work", "past_tense", ["worked"]),  # WordNet's verb.exc also has the old "wrought"
    ("die", "present_participle", ["dying"]), ("see", "present_participle", ["seeing"]),
    ("hop", "present_participle", ["hopping"]), ("be", "present_participle", ["being"]),
    ("fix", "third_person", ["fixes"]), ("try", "third_person", ["tries"]), ("be", "third_person", ["is"]),
])
def test_inflections(lexicon: Lexicon, word: str, relation: str, expected: list[str]) -> None:
    poses = ("noun",) if relation == "plural" else ("verb",)
    assert forms(lexicon, word, relation, poses) == expected


@pytest.mark.parametrize(("word", "relation", "expected"), [
    ("tall", "comparative", ["taller"]), ("large", "superlative", ["largest"]), ("hot", "comparative", ["hotter"]),
    ("easy", "superlative", ["easiest"]), ("careful", "comparative", ["more careful"]),
    ("far", "comparative", ["farther", "further"]),
])
def test_comparison(lexicon: Lexicon, word: str, relation: str, expected: list[str]) -> None:
    assert forms(lexicon, word, relation, ("adjective",)) == expected


def test_forms_that_differ_by_sense_name_the_sense(lexicon: Lexicon) -> None:
    found = word_forms(lexicon, "lie", ("noun", "verb"), "past_participle")
    assert found is not None
    assert [(f.form, bool(f.sense)) for f in found.forms] == [("lain", True), ("lied", True)]


def test_derived_words_come_from_wordnet_links(lexicon: Lexicon) -> None:
    assert forms(lexicon, "generosity", "adjective", ("noun",)) == ["generous"]
    assert forms(lexicon, "decision", "verb", ("noun",)) == ["decide"]
    assert word_forms(lexicon, "quick", ("adjective",), "adverb").forms[0].form == "quickly"  # type: ignore[union-attr]


def test_a_form_the_word_cannot_have_is_none(lexicon: Lexicon) -> None:
    assert word_forms(lexicon, "happy", ("adjective",), "past_tense") is None
    assert word_forms(lexicon, "run", ("verb",), "comparative") is None


@pytest.mark.parametrize(("cue", "relation"), [
    ("plural of", "plural"), ("whats the plural of", "plural"), ("what is the past tense of", "past_tense"),
    ("past participle", "past_participle"), ("can you tell me the superlative of", "superlative"),
    ("noun form of", "noun"),
])
def test_the_cue_says_the_form(cue: str, relation: str) -> None:
    assert relation_of(cue, Vocabulary.default()) == relation


def test_the_answer_names_the_form_and_lists_the_forms(router: Router) -> None:
    result = router.route("whats the past tense of lie")
    assert result.ok and result.intent == "definition"
    data = result.to_dict()["answer"]
    assert data["term"] == "lie" and data["relation"] == "past_tense"
    assert [f["form"] for f in data["forms"]] == ["lay", "lied"]
    assert all(f["sense"] for f in data["forms"])
    assert result.text.startswith("The past tense of 'lie' is 'lay'")


def test_a_definition_lists_no_forms(router: Router) -> None:
    assert router.route("define cactus").to_dict()["answer"]["forms"] == []


def test_not_a_verb_is_not_found_and_says_why(router: Router) -> None:
    result = router.route("present participle of happiness")
    assert not result.ok
    assert "not a verb" in result.text or result.intent != "definition"


def test_a_typed_inflection_is_read_as_its_word(router: Router) -> None:
    result = router.route("past tense of went")
    assert result.ok and result.to_dict()["answer"]["term"] == "go"
    assert "went" in result.text
