"""The embedded glossary store: every lookup path and every way it declines to answer."""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from queryrouter import lexicon
from queryrouter.lexicon import Lexicon

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not lexicon.DEFAULT_PATH.is_file(),
    reason="glossary.sqlite not expanded: install the package or run scripts/build_glossary.py",
)


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon()


def load_builder():
    spec = importlib.util.spec_from_file_location("build_glossary", ROOT / "scripts" / "build_glossary.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look the module up while it executes
    spec.loader.exec_module(module)
    return module


# --- words -------------------------------------------------------------------------------------


def test_exact_lookup_gives_senses_in_wordnet_order(lex: Lexicon) -> None:
    match = lex.lookup_word("Behemoth")
    assert match is not None
    assert (match.how, match.score, match.entry.term, match.entry.source) == ("exact", 100.0, "behemoth", "wordnet")
    assert match.entry.senses[0].pos == "noun"
    assert "abnormally large" in match.entry.senses[0].definition
    assert "giant" in match.entry.synonyms


def test_senses_carry_pos_names_and_examples(lex: Lexicon) -> None:
    match = lex.lookup_word("run")
    assert match is not None
    poses = [s.pos for s in match.entry.senses]
    assert poses[0] == "noun" and "verb" in poses
    assert poses.index("verb") > max(i for i, p in enumerate(poses) if p == "noun")  # grouped, WordNet order
    assert any(s.examples for s in match.entry.senses)
    assert all('"' not in e for s in match.entry.senses for e in s.examples)


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("behemoths", "behemoth"), ("ran", "run"), ("mitochondria", "mitochondrion"), ("geese", "goose"),
     ("churches", "church"), ("blogged", "blog")],  # blogged: no exception entry, the doubled-consonant rule
)
def test_inflections_resolve_to_their_lemma(lex: Lexicon, word: str, lemma: str) -> None:
    match = lex.lookup_word(word)
    assert match is not None
    assert (match.how, match.entry.term, match.query) == ("inflection", lemma, word)


def test_an_inflection_needs_a_base_of_its_part_of_speech(lex: Lexicon) -> None:
    """A verb ending ("-ing") leads to a verb: "runing" is run, not the noun "rune"."""
    found = lex.lookup_word("runing")
    assert found is not None and found.entry.term == "run" and found.how == "inflection"


def test_a_headword_that_is_also_an_inflection_is_exact(lex: Lexicon) -> None:
    match = lex.lookup_word("running")  # WordNet has "running" itself (noun, adjective)
    assert match is not None and (match.how, match.entry.term) == ("exact", "running")


@pytest.mark.parametrize(
    ("typo", "word"),
    [("behemth", "behemoth"), ("behemths", "behemoth"), ("recieve", "receive"), ("accomodate", "accommodate"),
     ("neumonia", "pneumonia"), ("ebhemoth", "behemoth"),
     ("ubiquitus", "ubiquitous")],  # one edit from the word beats one edit from its stem ("ubiquity")
)
def test_typos_say_what_they_matched(lex: Lexicon, typo: str, word: str) -> None:
    match = lex.lookup_word(typo)
    assert match is not None
    assert (match.how, match.entry.term, match.query) == ("fuzzy", word, typo)
    assert 50 < match.score < 100


@pytest.mark.parametrize("word", ["uaredededed", "cancerererer", "naturamen", "eeeeeeeeeeee"])
def test_a_typo_search_compares_a_few_headwords_not_thousands(lex: Lexicon, word: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: 20 ms for "uaredededed", spent comparing it with 60,000 headwords. The search is bounded by
    what it compares (not timed here: benchmarks/bench_worst_case.py measures)."""
    from rapidfuzz import process

    compared: list[str] = []
    extract = process.extract

    def counted(query: str, choices: list[str], **options: object) -> object:
        compared.extend(choices)
        return extract(query, choices, **options)

    monkeypatch.setattr(process, "extract", counted)
    assert lex.lookup_word(word) is None and lex.suggest(word) == []
    assert len(compared) <= 500


def test_the_command_line_warms_the_typo_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The REPL and the server build the index at start, not on the first misspelt word."""
    from queryrouter import Router, cli

    router = Router()
    shared = router.glossary.lexicon  # one per process: other tests may have built its index already
    assert shared is not None
    monkeypatch.setattr(shared, "_typos", None)
    cli._warm(router)
    assert shared._typos is not None


def test_a_word_asked_about_again_is_not_searched_again(lex: Lexicon, monkeypatch: pytest.MonkeyPatch) -> None:
    """"naturamen meaning" asks about "naturamen" three times: a definition's lookup and suggestions, then a
    topic's suggestions. The third is the second's answer, remembered."""
    from rapidfuzz import process

    first = lex.suggest("naturamens")
    monkeypatch.setattr(process, "extract", lambda *args, **options: pytest.fail("searched again"))
    assert lex.suggest("naturamens") == first


def test_short_words_get_no_typo_tolerance(lex: Lexicon) -> None:
    assert lex.lookup_word("teh") is None
    assert lex.lookup_word("zqx") is None


def test_ambiguous_typo_declines_and_suggests(lex: Lexicon) -> None:
    assert lex.lookup_word("wierd") is None  # weird? wield? wired?
    assert {"weird", "wield", "wired"} <= set(lex.suggest("wierd"))


def test_unknown_foreign_word_is_none_without_misleading_suggestions(lex: Lexicon) -> None:
    assert lex.lookup_word("plitelighet") is None
    assert lex.suggest("plitelighet") == []


@pytest.mark.parametrize("word", ["", "   ", "!!!", "qx"])
def test_degenerate_input_is_none(lex: Lexicon, word: str) -> None:
    assert lex.lookup_word(word) is None
    assert lex.suggest(word) == []


def test_suggest_ranks_closest_first_and_respects_limit(lex: Lexicon) -> None:
    suggestions = lex.suggest("behemth", limit=2)
    assert suggestions[0] == "behemoth" and len(suggestions) <= 2


def test_synonyms_of_happy_are_synset_members_without_the_word(lex: Lexicon) -> None:
    match = lex.lookup_word("happy")
    assert match is not None
    assert {"felicitous", "glad", "well-chosen"} <= set(match.entry.synonyms)
    assert "happy" not in match.entry.synonyms


def test_antonyms_come_from_wordnet_pointers(lex: Lexicon) -> None:
    happy = lex.lookup_word("happy")
    assert happy is not None and "unhappy" in happy.entry.antonyms
    assert lex.lookup_word("behemoth").entry.antonyms == ()  # type: ignore[union-attr]


def test_multiword_synonyms_use_spaces(lex: Lexicon) -> None:
    match = lex.lookup_word("ice cream")
    assert match is not None and match.how == "exact"
    assert all("_" not in s for s in lex.lookup_word("run").entry.synonyms)  # type: ignore[union-attr]


# --- topics ------------------------------------------------------------------------------------


def test_khrushchev_is_a_wordnet_proper_noun(lex: Lexicon) -> None:
    top = lex.topics("khrushchev")[0]
    assert (top.term, top.source) == ("Khrushchev", "wordnet")
    assert "Soviet" in top.summary


@pytest.mark.parametrize("subject", ["antarctica", "who owns antarctica"])
def test_antarctica_government_answers_from_the_treaty_section(lex: Lexicon, subject: str) -> None:
    top = lex.topics(subject, facet="government")[0]
    assert (top.term, top.source, top.facet, top.score) == ("Antarctica", "factbook", "government", 100.0)
    assert "Antarctic Treaty" in top.summary


@pytest.mark.parametrize("subject", ["kenya", "physical features of kenya"])
def test_kenya_geography_gives_terrain_climate_elevation(lex: Lexicon, subject: str) -> None:
    top = lex.topics(subject, facet="geography")[0]
    assert (top.term, top.facet) == ("Kenya", "geography")
    assert "Terrain:" in top.summary and "Climate:" in top.summary and "Mount Kenya" in top.summary


def test_france_population_and_capital(lex: Lexicon) -> None:
    population = lex.topics("france", facet="population")[0]
    assert population.term == "France" and population.facet == "population"
    assert population.summary[0].isdigit() and "est." in population.summary
    capital = lex.topics("capital of france", facet="capital")[0]
    assert (capital.term, capital.summary, capital.facet) == ("France", "Paris", "capital")


def test_no_facet_gives_the_background(lex: Lexicon) -> None:
    top = lex.topics("kenya")[0]
    assert top.facet is None and top.source == "factbook"
    assert len(top.summary) <= 310


def test_facet_missing_for_a_wordnet_only_subject_is_not_claimed(lex: Lexicon) -> None:
    top = lex.topics("khrushchev", facet="population")[0]
    assert top.term == "Khrushchev" and top.facet is None


def test_a_name_inside_a_longer_name_is_not_a_separate_topic(lex: Lexicon) -> None:
    terms = [m.term for m in lex.topics("bouvet island", facet="government")]
    assert terms[0] == "Bouvet Island" and "Iceland" not in terms


@pytest.mark.parametrize("subject", ["xqzv blorf", "therese of lisieux", "st therese", "the of and", ""])
def test_nothing_relevant_gives_no_topics(lex: Lexicon, subject: str) -> None:
    assert lex.topics(subject) == []


def test_a_long_subject_costs_a_few_queries_not_one_per_span(lex: Lexicon, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: a subject of 24 words has 195 spans that might be names; looking each up as a Factbook name
    and as a headword took over 600 queries. Only the spans that are names are looked up."""
    subject = ("zeppelins ride quietly over tall purple mountains while seven jolly farmers count woolly sheep "
               "near old stone bridges and quiet rivers under cloudy skies")
    queries: list[str] = []
    query = Lexicon._query

    def counted(self: Lexicon, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        queries.append(sql)
        return query(self, sql, params)

    monkeypatch.setattr(Lexicon, "_query", counted)
    assert lex.topics(subject)[0].term == "Bridges"
    assert len(queries) <= 60


def test_words_many_definitions_share_pick_out_none(lex: Lexicon) -> None:
    """Issue 22: ranking the 2,671 definitions that hold "united" and "states" took 15-30 ms, to answer
    "states united" with Indiana."""
    assert lex.topics("states united") == []


@pytest.mark.parametrize("subject", ["ᮮthe quantum", "ofs quantum"])
def test_a_stop_word_inside_a_token_is_not_searched_for(lex: Lexicon, subject: str) -> None:
    """"ᮮthe" is no more a subject than "the", nor "ofs" (which the stemming index reads as "of"): not
    "quantum physics" for them (and ranking by "the", in 41,223 definitions, or "of" took 1.5-3 ms)."""
    assert lex.topics(subject) == []


def test_full_text_fallback_finds_a_definition(lex: Lexicon) -> None:
    top = lex.topics("largest desert in the world")[0]
    assert top.term == "Sahara" and top.score < 90


def test_one_unnamed_word_gets_no_full_text_guess(lex: Lexicon) -> None:
    """A single word that names nothing matches hundreds of definitions; none of them is its topic."""
    assert lex.topics("many many many") == []


@pytest.mark.parametrize("subject", ["can't stop loving", "1.2.3", "2020-2021 season", "rock'n'roll", "'\"'",
                                     "convert 5 mil\u19b3es mph", "smörgåsbord"])
def test_full_text_search_takes_punctuated_words(lex: Lexicon, subject: str) -> None:
    """The index keeps no positions, so words with inner punctuation must not become phrase queries."""
    assert isinstance(lex.topics(subject), list)


def test_unknown_facet_is_a_programmer_error(lex: Lexicon) -> None:
    with pytest.raises(ValueError, match="facet"):
        lex.topics("kenya", facet="weather")


# --- the file, the process ---------------------------------------------------------------------


def test_the_shipped_file_has_the_schema_this_module_reads(lex: Lexicon) -> None:
    assert lex.schema_version == lexicon.SCHEMA_VERSION


def test_schema_mismatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    db.close()
    with pytest.raises(RuntimeError, match="schema 0"):
        Lexicon(path).lookup_word("happy")


def test_missing_file_is_reported_on_first_use_not_construction(tmp_path: Path) -> None:
    missing = Lexicon(tmp_path / "nope.sqlite")
    with pytest.raises(FileNotFoundError, match="build_glossary"):
        missing.lookup_word("happy")


def test_the_file_is_opened_read_only_and_left_unchanged() -> None:
    before = hashlib.sha256(lexicon.DEFAULT_PATH.read_bytes()).hexdigest()
    fresh = Lexicon()
    fresh.lookup_word("behemth")
    fresh.topics("kenya", facet="area")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        fresh._connection().execute("CREATE TABLE scratch (x)")
    assert hashlib.sha256(lexicon.DEFAULT_PATH.read_bytes()).hexdigest() == before


def test_constructing_does_not_open_the_database() -> None:
    assert Lexicon()._db is None


def test_pickling_keeps_only_the_path(lex: Lexicon) -> None:
    lex.lookup_word("behemth")  # connection and typo index are live
    data = pickle.dumps(lex)
    assert len(data) < 500
    clone = pickle.loads(data)
    assert clone._db is None
    assert clone.lookup_word("happy") == lex.lookup_word("happy")


def test_threads_share_one_lexicon(lex: Lexicon) -> None:
    words = ["behemth", "happy", "ran", "plitelighet", "recieve", "kenia"] * 20
    expected = [lex.lookup_word(w) for w in words]
    fresh = Lexicon()  # lazily opened by whichever thread gets there first
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(fresh.lookup_word, words))
        topics = list(pool.map(lambda s: fresh.topics(s, facet="capital"), ["france", "kenya"] * 20))
    assert got == expected
    assert {t[0].summary for t in topics} == {"Paris", "Nairobi"}


def test_adjective_synonyms_include_similar_synsets(lex: Lexicon) -> None:
    found = lex.lookup_word("beautiful")
    assert found is not None
    assert {"gorgeous", "lovely", "pretty"} <= set(found.entry.synonyms)


@pytest.mark.parametrize("subject", ["one of us", "what does the bible tell us about love", "help us"])
def test_us_without_the_or_a_facet_is_the_pronoun(lex: Lexicon, subject: str) -> None:
    assert all(match.term != "United States" for match in lex.topics(subject))


@pytest.mark.parametrize(("subject", "facet"), [("the us", None), ("us", "capital"), ("us", "population")])
def test_the_us_or_us_with_a_facet_is_the_united_states(lex: Lexicon, subject: str, facet: str | None) -> None:
    assert lex.topics(subject, facet)[0].term == "United States"


@pytest.mark.parametrize("word", ["would", "their", "shall", "towards"])
def test_function_words_get_no_typo_guess_nor_suggestions(lex: Lexicon, word: str) -> None:
    assert lex.lookup_word(word) is None
    assert lex.suggest(word) == []
