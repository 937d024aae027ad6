"""How many typos a word may carry and still be found: one allowance for the dictionary, user glossaries
and unit names, so "behemuth" and "farenheit" are forgiven alike."""

from __future__ import annotations


def max_edits(word: str) -> int:
    """Typos tolerated for a word of this length: none for short words (too many neighbours)."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2
