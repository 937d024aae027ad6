"""How many typos a word may carry and still be found, and the one spelling a typo stands for: one
allowance for the dictionary, user glossaries and unit names, so "behemuth" and "farenheit" are forgiven
alike."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence


def max_edits(word: str) -> int:
    """Typos tolerated for a word of this length: none for short words (too many neighbours), nor for one
    with a digit (see may_be_misspelt)."""
    return 0 if len(word) <= 3 or not may_be_misspelt(word) else 1 if len(word) <= 7 else 2


def may_be_misspelt(word: str) -> bool:
    """A word with a digit is not taken for a misspelling: "22/7" is not "24/7", nor "12/5" "125"."""
    return not any(character.isdigit() for character in word)


def correction(word: str, spellings: Sequence[str], meaning: Callable[[str], Hashable | None],
               allowed: int) -> str | None:
    """The closest of `spellings` within `allowed` edits (OSA) when all the closest mean one thing ("suger":
    sugar); None when none is that close, or when they mean different things ("tonns": tons or tonnes), since
    a guess would be a confident wrong answer."""
    if not allowed:
        return None
    from rapidfuzz import process  # loaded only for a word that is not known as typed
    from rapidfuzz.distance import OSA

    found = process.extract(word, spellings, scorer=OSA.distance, score_cutoff=allowed, limit=8)
    closest = [name for name, distance, _index in found if distance == found[0][1]] if found else []
    meanings = {meaning(name) for name in closest} - {None}
    return closest[0] if len(meanings) == 1 else None
