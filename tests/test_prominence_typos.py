"""Issue 18: typos corrected only by a slip, and named senses in the order people mean them."""

from __future__ import annotations

import pytest

from queryrouter import Router
from queryrouter.typos import plausible


@pytest.mark.parametrize(("typed", "word", "expected"), [
    ("recieve", "receive", True), ("accomodate", "accommodate", True), ("behemuth", "behemoth", True),
    ("behemths", "behemoth", True), ("wrold", "world", True), ("sonder", "solder", False),
    ("gmail", "grail", False), ("ghandi", "chandi", False),
])
def test_a_correction_is_a_slip(typed: str, word: str, expected: bool) -> None:
    assert plausible(typed, word) is expected


@pytest.mark.parametrize("query", ["sonder", "gmail meaning", "who was ghandi"])
def test_no_rarer_word_for_an_unknown_one(query: str) -> None:
    assert not Router(min_confidence=0).route(query).ok


@pytest.mark.parametrize(("query", "holds"), [
    ("gandhi", "spiritual leader"), ("who was gandhi", "spiritual leader"), ("what is the amazon", "river"),
    ("who was churchill", "World War II"),
])
def test_the_prominent_sense_first(query: str, holds: str) -> None:
    result = Router(min_confidence=0).route(query)
    assert result.ok and holds in result.text
