"""The conversion grammar over the tag stream: the lexer's tokens, the terminal it picks where a word has two
readings, the words a reading leaves unexplained, and number words read from the vocabulary."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from queryrouter import grammar, vocabulary
from queryrouter.grammar import conversion_tokens, parse
from queryrouter.intents import reader
from queryrouter.numbers import parse_number_words
from queryrouter.vocabulary import FILE, Vocabulary


def terminals(text: str) -> list[tuple[str, str]]:
    """Each token's most likely terminal and its text."""
    return [(candidates[0], text) for candidates, text in conversion_tokens(text)]


def request(text: str) -> Any:
    tree = parse(text, "conversion")
    assert tree is not None, text
    return reader().transform(tree)


def test_free_words_and_punctuation_are_dropped() -> None:
    assert terminals("can you please convert: (3 cups) to ml") == [
        ("CONVERT", "convert"), ("NUMBER", "3"), ("WORD", "cups"), ("CONNECTOR", "to"), ("WORD", "ml")]
    assert terminals("how tall is 182 cm in feet")[0] == ("NUMBER", "182")


def test_number_words_are_one_token() -> None:
    assert terminals("nineteen point two pounds")[0] == ("NUMBER_WORDS", "nineteen point two")
    assert terminals("an eighth of an ounce")[:2] == [("NUMBER_WORDS", "an eighth"), ("OF", "of")]
    assert terminals("1 and a half cups")[:2] == [("NUMBER", "1"), ("NUMBER_WORDS", "and a half")]
    # after a unit, "and" joins amounts: "a half" is an amount of its own, added by the grammar
    assert terminals("a pound and a half")[2:] == [("AND", "and"), ("NUMBER_WORDS", "a half")]


def test_words_before_the_amount_are_context_unless_they_are_its_unit() -> None:
    assert terminals("body weight 80 kg in stone")[:2] == [("CONTEXT", "body"), ("CONTEXT", "weight")]
    assert terminals("pounds 200 in kg")[0] == ("WORD", "pounds")


@pytest.mark.parametrize(("query", "sources", "target"), [
    ("5 in to cm", [("in",)], ("cm",)),                   # after a number "in" is the inch...
    ("5 ft 3 in to cm", [("ft",), ("in",)], ("cm",)),     # ...also inside the connector "in to"
    ("1 sq in to sq cm", [("sq", "in")], ("sq", "cm")),   # and after a power word
])
def test_in_after_an_amount_is_the_inch(query: str, sources: list[tuple[str, ...]], target: tuple[str, ...]) -> None:
    read = request(query)
    assert ([piece.words for piece in read.source], read.target) == (sources, (target,))


def test_the_lexer_gives_the_terminal_the_parser_can_take() -> None:
    tree = parse("5 kg in lb", "conversion")
    assert tree is not None and tree.data == "conversion__forward"
    assert request("how many cups in a gallon").source[0].value == 1  # "a" counts one where an amount stands
    assert request("a cup of flour to grams").source[0].words == ("cup", "of", "flour")  # "of" in a phrase


def test_context_is_unexplained_unless_it_names_the_ingredient() -> None:
    assert request("body weight 80 kg in stone").unexplained == ("body", "weight")
    assert request("if a box weighs 20 kg what is that in pounds").unexplained == ("a", "box")
    assert request("honey 1 tbsp in grams").unexplained == ()
    assert request("80 kg in stone").unexplained == ()


def test_a_chain_asks_for_its_last_unit() -> None:
    chained = request("170 cm to inches to feet")
    assert (chained.target, chained.chain) == ((("feet",),), (("inches",),))
    assert request("5 kg to lb in a suitcase").target == (("lb", "in", "a", "suitcase"),)


def test_a_new_connector_is_one_vocabulary_line(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse("5 kg en lb", "conversion").data == "conversion__bare"  # type: ignore[union-attr]
    with open(FILE, "rb") as handle:
        tables = tomllib.load(handle)
    tables["connector"]["phrases"].append("en")
    monkeypatch.setattr(vocabulary, "_default", lambda: Vocabulary(tables))
    assert parse("5 kg en lb", "conversion").data == "conversion__forward"  # type: ignore[union-attr]


def test_number_words_come_from_the_vocabulary() -> None:
    assert parse_number_words("nineteen point two") == Fraction(192, 10)
    assert parse_number_words("three eighths") == Fraction(3, 8)
    assert parse_number_words("one hundred and five") == 105
    ones = Vocabulary.default().values("number.ones")
    assert all(parse_number_words(word) == value for word, value in ones.items())


def test_reading_numbers_loads_no_vocabulary_until_a_number_is_in_words() -> None:
    code = ("import sys, queryrouter.numbers as n; n.parse_decimal('19.2'); "
            "assert 'queryrouter.vocabulary' not in sys.modules; n.parse_number_words('two'); "
            "assert 'queryrouter.vocabulary' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_conversion_parser_is_built_once() -> None:
    assert grammar.conversion_parser() is grammar.conversion_parser()


def test_words_decide_ignores_are_unexplained_once_it_has_read_the_units() -> None:
    from queryrouter import Router
    from queryrouter.intents.conversion import decide
    from queryrouter.normalize import normalize

    read = request("5 kg to lb in a suitcase")
    assert read.unexplained == ()
    decide(read, normalize("5 kg to lb in a suitcase"), Router())
    assert read.unexplained == ("in", "suitcase")


def test_the_conversion_word_lists_moved_to_the_vocabulary() -> None:
    from queryrouter import normalize, numbers, units
    from queryrouter.intents import conversion

    moved = {conversion: ["_FILLER_WORDS", "_THOUSAND", "_RACES", "_DIFFERENCE_WORDS"],
             numbers: ["_ONES", "_TENS", "ADDITIVE", "MULTIPLIER", "SCALE", "ARTICLES"],
             normalize: ["_SUBUNITS", "_SUBUNIT_RE"],
             units: ["_IMPERIAL", "_POWER_WORDS", "_POSTFIX_POWERS", "_QUALIFIERS", "_SHORT_WORDS"]}
    assert [(m.__name__, name) for m, names in moved.items() for name in names if hasattr(m, name)] == []
    assert "NUMBER_WORD.2: /(?i:(?:@{number.and}" in (Path(grammar.grammar_dir()) / "common.lark").read_text()


def test_a_query_is_tagged_once_for_every_intent(monkeypatch: pytest.MonkeyPatch) -> None:
    """The router tags the query once; the conversion parser and an answerer's Request use those tags."""
    from queryrouter import Router, tagger

    calls: list[str] = []
    real = tagger.tag

    def counting(text: str, *args: object, **kwargs: object) -> list[tagger.Tag]:
        calls.append(text)
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tagger, "tag", counting)
    router = Router(cache_size=0, answerers={"topic": lambda request: None})
    assert router.route("how tall is 182 cm in feet").ok
    router.route("who owns antarctica")
    assert calls == ["how tall is 182 cm in feet", "who owns antarctica"]
