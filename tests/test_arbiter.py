"""The arbiter (arbiter.py): readings from every intent, coverage of the query's content words, one winner,
and the confidence; explain() showing it; the Context intents get; the public answerer hook."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import pytest

import queryrouter
from queryrouter import ConfigError, Request, Result, Router, Status
from queryrouter.arbiter import STRONG, arbitrate, read
from queryrouter.context import Context
from queryrouter.result import Amount, ConversionAnswer, TopicAnswer, TopicMatch
from queryrouter.tagger import tag
from queryrouter.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(strict=True)


# --- partial matches are suggestions, whole ones answers ---------------------------------------------

@pytest.mark.parametrize(("query", "found"), [
    ("who painted the mona lisa", "Mona"),  # an island off Wales explains one word of three
    ("how to tie a tie", "tie"),  # one entry word explains one token: the second "tie" is left over
    ("restaurants in paris", "Paris"),
    ("cheap hotels in lisbon", "Lisbon"),
])
def test_a_match_for_part_of_the_query_is_a_suggestion(router: Router, query: str, found: str) -> None:
    result = router.route(query)
    assert result.status is Status.NOT_FOUND and not result.ok
    assert result.suggestions[0] == found
    assert result.text.startswith(f"Nothing found about {query!r}") and found in result.text
    assert result.to_dict()["answer"] is None


def test_courtesy_words_alone_explain_nothing(router: Router) -> None:
    """The topic 'pls' (Please) explains no content word of the query: it is neither an answer nor a
    suggestion (the query is a conversion; whether it is read as one is the conversion grammar's part)."""
    result = router.route("pls convert 3 hours to seconds")
    assert result.intent == "conversion" or (not result.ok and "pls" not in result.suggestions)
    assert "Please" not in result.text


@pytest.mark.parametrize(("query", "intent"), [
    ("who owns antarctica", "topic"), ("physical features of kenya", "topic"), ("behemoth definition", "definition"),
    ("capital of uk", "topic"), ("who owns antartica", "topic"), ("tell me about the eiffel tower", "topic"),
    ("synonyms for happy", "definition"), ("15% of 80", "calculation"), ("5 kg to lb", "conversion"),
])
def test_a_reading_that_explains_every_content_word_answers(router: Router, query: str, intent: str) -> None:
    result = router.route(query)
    assert result.ok and result.intent == intent, result


def test_a_facet_asked_but_not_answered_leaves_its_words_unexplained(router: Router) -> None:
    result = router.route("how did khrushchev die")
    assert result.status is Status.NOT_FOUND and result.suggestions[0] == "Khrushchev"
    assert "no death listed" in result.interpreted_as


def test_what_was_found_is_said_before_no_entry(router: Router) -> None:
    """The definition finds no entry; the topic finds 'global warming' for part of it: that is the text."""
    result = router.route("define global warming causes")
    assert result.status is Status.NOT_FOUND and "global warming" in result.suggestions
    assert "'global warming' matches only part of it" in result.text


# --- ranking and confidence --------------------------------------------------------------------------

VOCABULARY = Vocabulary.default()


def _topic(query: str, term: str, score: float = 100.0) -> Result:
    return Result(query, "topic", Status.OK, f"{term}: a summary", f"about {query!r}", round(0.9 * score / 100, 3),
                  answer=TopicAnswer((TopicMatch(term, "a summary", score, "wordnet"),)))


@dataclass(frozen=True)
class _Subject:
    subject: str
    facet: str | None = None
    whole: str | None = None


@dataclass(frozen=True)
class _Conversion:
    unexplained: tuple[str, ...] = ()


def _conversion(query: str, confidence: float = 0.95) -> Result:
    answer = ConversionAnswer((Amount(23.0, "kilogram"),), Amount(50.7, "pound"))
    return Result(query, "conversion", Status.OK, "23 kg = 50.71 lb", "23 kilogram -> pound", confidence,
                  answer=answer)


def test_the_reading_that_explains_more_wins_whatever_the_order() -> None:
    query = "mona lisa painting"
    tags = tag(query, VOCABULARY)
    partial = read("topic", _topic(query, "Mona"), _Subject(query), tags, VOCABULARY, order=0)
    whole = read("topic", _topic(query, "Mona Lisa painting", 80.0), _Subject(query), tags, VOCABULARY, order=3)
    assert partial.coverage == pytest.approx(1 / 3, abs=1e-3) and whole.coverage == 1.0
    verdict = arbitrate([partial, whole], query, query)
    assert verdict.reading is whole and verdict.result.ok and verdict.result.answer == whole.result.answer
    assert "ahead of topic" in verdict.why


def test_a_strong_conversion_with_context_words_answers_with_less_confidence() -> None:
    query = "if a suitcase weighs 23 kg what is that in pounds"
    reading = read("conversion", _conversion(query), _Conversion(("suitcase",)), tag(query, VOCABULARY),
                   VOCABULARY)
    assert reading.evidence == STRONG and reading.unexplained == ("suitcase",) and reading.accepted
    assert reading.coverage == pytest.approx(3 / 4)  # suitcase, 23, kg, pounds: "weighs" and "that" are free
    verdict = arbitrate([reading], query, query)
    assert verdict.result.ok and verdict.result.confidence == pytest.approx(0.95 * (0.8 + 0.2 * 0.75), abs=1e-3)


def test_a_conversion_without_a_connector_and_with_context_words_is_a_suggestion() -> None:
    query = "suitcase 23 kg pounds"
    reading = read("conversion", _conversion(query), _Conversion(("suitcase",)), tag(query, VOCABULARY),
                   VOCABULARY)
    assert not reading.accepted
    result = arbitrate([reading], query, query).result
    assert result.status is Status.NOT_FOUND and result.suggestions == ("23 kg pounds",)
    assert "'suitcase'" in result.text


def test_below_min_confidence_an_answer_is_a_suggestion() -> None:
    assert Router(min_confidence=0.5).route("5 kg to lb").ok
    doubtful = Router(min_confidence=0.99).route("5 kg to lb")
    assert doubtful.status is Status.NOT_FOUND and "Not sure enough" in doubtful.text
    for wrong in (-0.1, 1.5, "high"):
        with pytest.raises(ConfigError):
            Router(min_confidence=wrong)  # type: ignore[arg-type]


def test_an_early_stop_keeps_one_parse_for_a_plain_conversion(router: Router) -> None:
    explanation = router.explain("5 kg to lb")
    assert [r.intent for r in explanation.readings] == ["conversion"]
    assert explanation.readings[0].conclusive


# --- explain() -----------------------------------------------------------------------------------------

def test_explain_lists_every_reading_its_coverage_and_why(router: Router) -> None:
    explanation = router.explain("define global warming causes")
    assert [r.intent for r in explanation.readings] == ["definition", "topic"]
    topic = explanation.readings[1]
    assert topic.coverage == 0.5 and topic.unexplained == ("define", "causes")  # "define" is the definition's cue
    text = "\n".join(explanation.lines())
    assert "reading:    topic: ok, coverage 0.50" in text and "not 'define', 'causes'" in text
    assert "why:        no reading explains every content word" in text
    data = explanation.to_dict()
    assert data["readings"][1]["unexplained"] == ["define", "causes"] and data["why"]
    assert [s["intent"] for s in data["steps"]] == ["calculation", "conversion", "definition", "topic"]


def test_explain_says_why_the_winner_won(router: Router) -> None:
    explanation = router.explain("who owns antarctica")
    assert explanation.why.startswith("topic explains 2 of 2 content words")
    assert explanation.result == router.route("who owns antarctica")


# --- the Context and the answerer hook ------------------------------------------------------------------

def test_intents_get_a_context_not_the_router() -> None:
    router = Router()
    context = router._context
    assert isinstance(context, Context) and not isinstance(context, Router)
    assert context.vocabulary is Vocabulary.default() and router.units is context.units
    clone = pickle.loads(pickle.dumps(context))
    assert clone._units is None and clone.glossary.lookup("behemoth") is not None


def test_an_answerer_gets_a_public_request_and_may_return_a_str() -> None:
    seen: list[Request] = []

    def search(request: Request) -> str:
        seen.append(request)
        return "from my search engine"

    result = Router(answerers={"topic": search}).route("who owns antarctica")
    assert result.ok and result.intent == "topic" and result.text == "from my search engine"
    request = seen[0]
    assert isinstance(request, queryrouter.Request)
    assert (request.query, request.text, request.intent) == ("who owns antarctica", "who owns antarctica", "topic")
    assert [t.kind for t in request.tags] == ["word", "word", "word"] and request.words[-1] == "antarctica"


def test_an_answerer_may_return_a_result_or_fall_through() -> None:
    def own(request: Request) -> Result:
        return Result(request.query, "topic", Status.OK, "mine", confidence=0.4)

    assert Router(answerers={"topic": own}).route("weather in paris").text == "mine"
    declined = Router(answerers={"topic": lambda request: None}).route("weather in paris")
    assert not declined.ok and declined.status is Status.NOT_UNDERSTOOD
    # None falls through to the next reading: the built-in topic still answers a definition's term
    assert Router(answerers={"definition": lambda request: None}).route("behemoth definition").ok


def test_an_answerer_that_returns_something_else_is_a_programmer_error() -> None:
    router = Router(strict=True, answerers={"topic": lambda request: 42})  # type: ignore[dict-item,return-value]
    with pytest.raises(TypeError, match="must return a Result, a str or None"):
        router.route("weather in paris")
    assert Router(answerers={"topic": lambda request: 42}).route("x y z").status is Status.INTERNAL  # type: ignore[dict-item,return-value]
    with pytest.raises(ConfigError):
        Router(answerers={"topic": "not a function"})  # type: ignore[dict-item]


def test_typed_words_are_remembered_in_bounded_caches() -> None:
    """A resident server reads endless new words: no cache keyed by typed text may grow without bound."""
    from queryrouter import arbiter

    assert arbiter._forms.cache_info().maxsize is not None
