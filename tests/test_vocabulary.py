"""The Vocabulary (every word list, as data) and the tagger that classes tokens from it."""

from __future__ import annotations

import pytest

from queryrouter.tagger import tag
from queryrouter.vocabulary import Vocabulary, VocabularyError


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tag(text)]


def test_the_longest_phrase_wins() -> None:
    assert kinds("35 cm is equal to what in m") == [
        ("number", "35"), ("word", "cm"), ("connector", "is equal to"), ("what", "what"),
        ("connector", "in"), ("word", "m")]


def test_a_token_keeps_its_spelling_and_place() -> None:
    text = "How Tall is 165 CM in Feet"
    frame, *_ = tag(text)
    assert (frame.kind, frame.text, text[frame.start:frame.end]) == ("frame", "How Tall is", "How Tall is")
    assert [t.text for t in tag(text)][2] == "CM"


def test_numbers_fractions_and_unit_spellings_are_single_tokens() -> None:
    assert kinds("1/4 cup to l/100km") == [("number", "1/4"), ("word", "cup"), ("connector", "to"),
                                           ("word", "l/100km")]


def test_a_grammar_terminal_is_made_from_a_class() -> None:
    from lark import Lark

    from queryrouter.grammar import _from_vocabulary

    grammar = 'start: WORD CONNECTOR WORD\nCONNECTOR.2: /@{connector}(?!\\w)/\nWORD: /[a-z]+/\n%ignore " "'
    parser = Lark(grammar, parser="lalr", edit_terminals=_from_vocabulary)
    assert parser.parse("kg is equal to lb").children[1] == "is equal to"


@pytest.mark.parametrize("tables", [
    {"connector": {"phrases": ["to"], "values": {"to": 1}}},
    {"connector": {"doc": "no phrases"}},
    {"connector": {"phrases": [""]}},
    {"tagger": {"classes": ["missing"]}},
])
def test_a_bad_vocabulary_names_the_class(tables: dict[str, object]) -> None:
    with pytest.raises(VocabularyError, match=r"\[(connector|missing)\]"):
        Vocabulary(tables, "test.toml")
