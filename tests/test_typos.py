"""typos.correction: the one spelling a typo stands for, or none when a guess would be wrong."""

from __future__ import annotations

from queryrouter.typos import correction


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
