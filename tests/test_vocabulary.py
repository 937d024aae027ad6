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


# --- typos in the vocabulary's long words (issue 17) ------------------------------------------------------

class knows:  # noqa: N801 - used as a function: knows("good")
    """A word test that knows `words` only, and records what it was asked."""

    def __init__(self, *words: str) -> None:
        self.words = words
        self.asked: list[str] = []

    def __call__(self, word: str) -> bool:
        self.asked.append(word)
        return word.lower() in self.words


def test_a_misspelt_cue_or_facet_word_is_read_as_the_phrase_and_keeps_its_spelling() -> None:
    from queryrouter.tagger import repaired

    text = "thesarus good"
    first, second = tag(text, known=knows("good"))
    assert (first.text, first.corrected, first.word, text[first.start:first.end]) == (
        "thesarus", "thesaurus", "thesaurus", "thesarus")
    assert second.corrected is None and second.word == "good"
    assert repaired(text, tag(text, known=knows())) == ("thesaurus good", ("read 'thesarus' as 'thesaurus'",))
    assert repaired("captial of hungary", tag("captial of hungary", known=knows("hungary")))[0] == "capital of hungary"
    # eight letters and more forgive two edits
    assert [t.corrected for t in tag("defnition of acommodate", known=knows())] == ["definition", None, None]


def test_a_corrected_word_takes_the_class_the_tagger_gives_the_phrase() -> None:
    convert, *_ = tag("convet 5 kg to lb", known=knows())
    assert (convert.kind, convert.corrected) == ("courtesy", "convert")


def test_a_word_of_the_language_is_not_corrected() -> None:
    # 'boarder' is a word (one letter from the facet 'border'); the test is asked, and says so
    known = knows("boarder")
    boarder = tag("boarder of spain", known=known)[0]
    assert boarder.corrected is None and known.asked == ["boarder"]


def test_words_near_no_phrase_never_ask_the_dictionary() -> None:
    known = knows()
    assert all(t.corrected is None for t in tag("5 kilograms to pounds", known=known))
    assert known.asked == []


def test_no_correction_without_a_word_test() -> None:
    assert tag("thesarus good")[0].corrected is None


def test_short_words_and_words_with_digits_are_never_corrected() -> None:
    vocabulary = Vocabulary.default()
    assert vocabulary.correction("meen") is None  # four letters: 'mean' is not read through it
    assert vocabulary.correction("captia1") is None
    assert [t.corrected for t in tag("flg of peru", known=knows())] == [None, None, None]


def test_a_phrase_is_not_corrected_to_another() -> None:
    # 'capitol' is a phrase of the capital facet, not a misspelling of 'capital'
    assert Vocabulary.default().correction("capitol") is None


def test_no_correction_when_two_phrases_of_different_classes_are_equally_near() -> None:
    tables = {"tagger": {"classes": [], "typo_tolerant": ["near"]},
              "near": {"north": {"phrases": ["border"]}, "south": {"phrases": ["burden"]}}}
    vocabulary = Vocabulary(tables, "test.toml")
    assert vocabulary.correction("borden") is None  # one edit from 'border' and from 'burden'
    assert vocabulary.correction("bordr") == "border"
    alike = Vocabulary({"tagger": {"classes": [], "typo_tolerant": ["capital"]},
                        "capital": {"phrases": ["capital", "capitol"]}}, "test.toml")
    assert alike.correction("capitl") == "capital"  # both as near, both the capital: the first listed


def test_a_typo_tolerant_class_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(VocabularyError, match=r"\[missing\]"):
        Vocabulary({"tagger": {"classes": [], "typo_tolerant": ["missing"]}}, "test.toml")


def test_every_grammar_reads_the_repaired_words_and_the_result_says_so() -> None:
    from queryrouter import Router

    router = Router(cache_size=0)
    topic = router.route("populaton of peru")
    assert (topic.query, topic.intent, topic.ok) == ("populaton of peru", "topic", True)
    assert "read 'populaton' as 'population'" in topic.interpreted_as
    converted = router.route("convet 5 kg to lb")  # the conversion writes the note with its own
    assert converted.ok and converted.interpreted_as.count("read 'convet' as 'convert'") == 1
    assert router.explain("thesarus good").normalized == "thesaurus good"


def test_a_repaired_query_teaches_the_fast_path_no_plan() -> None:
    from queryrouter import Router

    router = Router(shipped_plans=False)
    assert router._decide("convet 5 kg to lb").prepared is None  # a plan would answer 'convet # kg to lb'
    assert router._decide("convert 5 kg to lb").prepared is not None
