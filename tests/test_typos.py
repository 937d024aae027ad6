"""typos.correction: the one spelling a typo stands for, or none when a guess would be wrong."""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA

from queryrouter.typos import TypoIndex, correction
from queryrouter.units import Units


def test_the_one_close_spelling_is_the_correction() -> None:
    assert correction("suger", ["sugar", "salt", "flour"], str, 1) == "sugar"


def test_closest_spellings_with_different_meanings_are_no_correction() -> None:
    meaning = {"tons": "short ton", "tonnes": "metric ton", "tonne": "metric ton"}.get
    assert correction("tonns", ["tons", "tonnes", "tonne"], meaning, 1) is None


def test_spellings_of_one_meaning_are_one_correction() -> None:
    meaning = {"pound": "pound", "pounds": "pound", "points": "point"}.get
    assert correction("poundz", ["pound", "pounds", "points"], meaning, 1) in ("pound", "pounds")


def test_nothing_beyond_the_allowance() -> None:
    assert correction("milimeters", ["kilometers"], str, 1) is None  # two edits away
    assert correction("lbz", ["lbs"], str, 0) is None


# --- TypoIndex: a prefilter that narrows the search and never loses a word ----------------------

def _odd_words() -> list[str]:
    """Words that stress the bitsets: repeated letters past the counted seven, punctuation, digits, spaces,
    non-ASCII characters, one- and two-letter words."""
    return ["e" * 9, "ee" + "x" * 6 + "e", "mississippi", "ebbed", "café", "naïve", "rock 'n' roll", "1st", "a",
            "ox", "é", "éa", "aé", "ǅabc", "x-ray", "o'clock", "24/7", "?é", "é?", "why?"]


def _mutations(word: str, rng: random.Random) -> str:
    letters = list(word)
    for _ in range(rng.randint(1, 3)):
        where = rng.randrange(len(letters) + 1)
        kind = rng.random()
        if kind < 0.3:
            letters.insert(where, rng.choice("abcdeéilnorstuz '-"))
        elif kind < 0.55 and where < len(letters):
            del letters[where]
        elif kind < 0.8 and where < len(letters):
            letters[where] = rng.choice("abeiorsxé")
        elif where + 1 < len(letters):
            letters[where], letters[where + 1] = letters[where + 1], letters[where]
    return "".join(letters)


def _taken(word: str, other: str, same_first: bool) -> bool:
    """The rule TypoIndex.candidates states: the same first character, or a typo at the start."""
    if same_first:
        return other[0] == word[0]
    return other[0] != word[0] and (other[0] == word[1] or other[1:2] in (word[1], word[0]))


def test_the_index_loses_no_word_a_scan_finds() -> None:
    """The bitsets only narrow the search: every word the rule takes within the edits (OSA) is a candidate,
    for ordinary typos and for words with repeated letters, punctuation or non-ASCII characters."""
    rng = random.Random(22)
    words = [*{word for example in _example_words() for word in (example, _mutations(example, rng)) if word},
             *_odd_words()]
    index = TypoIndex(words)
    probes = [_mutations(rng.choice(words), rng) for _ in range(600)] + _odd_words() + ["e" * 12, "x" * 8]
    for probe in [probe for probe in probes if len(probe) >= 2]:
        for edits in (1, 2):
            close = index.close(probe, edits)
            for same_first in (True, False):
                found = index.candidates(probe, close, same_first)
                assert all(_taken(probe, other, same_first) for other in found)
                expected = {other for other in words if _taken(probe, other, same_first)
                            and OSA.distance(probe, other, score_cutoff=edits) <= edits}
                assert expected <= set(found), (probe, edits, same_first)


def test_the_index_narrows_the_search_to_words_holding_the_letters() -> None:
    words = ["behemoth", "behest", "bequest", "bemoan", "beheaded", "be" + "x" * 6]
    index = TypoIndex(words)
    assert index.candidates("behemuth", index.close("behemuth", 2), same_first=True) == ["behemoth"]


def _example_words() -> list[str]:
    """The words of the example corpora: real spellings of many lengths."""
    import tomllib
    from pathlib import Path

    found = set()
    for corpus in (Path(__file__).resolve().parent.parent / "grammars").glob("*.examples.toml"):
        for example in tomllib.loads(corpus.read_text(encoding="utf-8"))["example"]:
            found.update(word.lower() for word in example["query"].split() if len(word) >= 2)
    return sorted(found)


# --- the unit spellings a misspelt unit is matched against -------------------------------------

@pytest.fixture(scope="module")
def units() -> Units:
    return Units()


def test_the_unit_spellings_are_the_aliases_pint_names_their_plurals_and_prefixed_forms(units: Units) -> None:
    names = set(units._aliases) | units._pint_names
    prefixes = [prefix for prefix in units.registry._prefixes if len(prefix) > 2]
    prefixed = {prefix + name for name in units._pint_names for prefix in prefixes
                if units.registry.get_name(name) in units._prefixable}
    units._names = None
    assert list(units._spellings()) == sorted(names)
    plurals = {f"{word}s" for word in units._pint_names | prefixed}
    assert list(units._spellings(plurals=True)) == sorted(names | prefixed | plurals)


def test_the_first_unknown_unit_asks_pint_for_each_unit_name_once(units: Units,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: the first unknown unit on a Router took 11 ms, building these spellings with a pint lookup per
    unit and prefix (38,000); one per unit is enough."""
    asked: list[str] = []
    get_name = units.registry.get_name

    def counted(name: str, *args: object, **options: object) -> str:
        asked.append(name)
        return get_name(name, *args, **options)

    monkeypatch.setattr(units.registry, "get_name", counted)
    monkeypatch.setattr(units, "_names", None)
    units._spellings()
    assert len(asked) <= len(units._pint_names)
    assert units.correct("farenheit") == "fahrenheit"


def test_routers_with_the_same_units_share_one_spelling_table(units: Units) -> None:
    """Built once per process: a new Router's first unknown unit does not build it again."""
    Units()  # writes pint's disk cache (each test has its own), from which the next two load alike
    first, second = Units(), Units()
    assert first._pint_names == second._pint_names
    assert first._spellings(plurals=True) is second._spellings(plurals=True)
    assert Units(unit_definitions=["blorf = 3 m"])._spellings() is not first._spellings()


def test_the_command_line_warms_the_unit_spellings() -> None:
    """The REPL and the server build them at start, not on their first unknown unit."""
    from queryrouter import Router, cli

    router = Router()
    cli._warm(router)
    assert router.units._names is not None
