"""How many typos a word may carry and still be found, and the one spelling a typo stands for: one
allowance for the dictionary, user glossaries and unit names, so "behemuth" and "farenheit" are forgiven
alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import groupby


def max_edits(word: str) -> int:
    """Typos tolerated for a word of this length: none for short words (too many neighbours), nor for one
    with a digit (see may_be_misspelt)."""
    return 0 if len(word) <= 3 or not may_be_misspelt(word) else 1 if len(word) <= 7 else 2


def may_be_misspelt(word: str) -> bool:
    """A word with a digit is not taken for a misspelling: "22/7" is not "24/7", nor "12/5" "125"."""
    return not any(character.isdigit() for character in word)


VOWELS = frozenset("aeiouy")
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
"""QWERTY rows: a key's neighbours are beside it, or in the row above or below at the same or next place."""


def plausible(typed: str, word: str) -> bool:
    """Whether `word` is clearly what `typed` meant, by the kind of slip: a letter left out, doubled, added
    or two swapped ("recieve", "accomodate"), a vowel for a vowel ("behemuth") or a key for its neighbour
    are; a consonant for an unrelated consonant is another word, not a slip ("sonder" is not solder, "gmail"
    not grail, "ghandi" not Chandi)."""
    if len(typed) != len(word):
        return True
    differ = [i for i, (a, b) in enumerate(zip(typed, word)) if a != b]
    from rapidfuzz.distance import OSA

    swaps = sum(1 for i in differ if i + 1 in differ and typed[i] == word[i + 1] and typed[i + 1] == word[i])
    if OSA.distance(typed, word) < len(differ) - swaps:
        return True  # a letter left out and another added ("behemths": behemoth), not letters replaced
    index = 0
    while index < len(differ):
        i = differ[index]
        swapped = index + 1 < len(differ) and differ[index + 1] == i + 1
        if swapped and typed[i] == word[i + 1] and typed[i + 1] == word[i]:
            index += 2  # two letters swapped
            continue
        a, b = typed[i], word[i]
        if not ((a in VOWELS and b in VOWELS) or _neighbours(a, b)):
            return False
        index += 1
    return True


def _neighbours(a: str, b: str) -> bool:
    places = {key: (row, column) for row, keys in enumerate(KEYBOARD_ROWS) for column, key in enumerate(keys)}
    if a not in places or b not in places:
        return False
    (row_a, col_a), (row_b, col_b) = places[a], places[b]
    return abs(row_a - row_b) <= 1 and abs(col_a - col_b) <= 1


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


class TypoIndex:
    """Words by length, with bitsets of how many times each holds each character and of those starting with
    it or having it second, so that a typo search compares a word only with the few words of similar length
    whose letters it could reach within its edits: of WordNet's 148,492 headwords, 20,000 are within two of
    the length of "uaredededed" and share its first or second letter, and six of those hold enough of its
    letters.

    Each edit adds or removes at most one letter of the multiset of letters, so a word within `edits` of the
    typed one lacks at most `edits` of its letters, and at most `edits` minus its extra length; counting a
    letter's first seven copies only, and every non-ASCII character as "?", keeps that a bound. The bitsets
    only narrow the search: which words are candidates, and how far they are, is decided on the words."""

    def __init__(self, words: Iterable[str]) -> None:
        self._groups = {length: _Group(length, list(group))
                        for length, group in groupby(sorted(words, key=len), key=len) if length}

    def close(self, word: str, edits: int) -> dict[int, int]:
        """For each length within `edits` of `word`'s, the bitset of the words whose letters allow that many
        edits; computed once per word and edits, for both kinds of `candidates`."""
        counts = Counter(_ascii(word))
        found = {}
        for length in range(max(len(word) - edits, 1), len(word) + edits + 1):
            group = self._groups.get(length)
            if group is not None and (bits := group.close(counts, edits - max(0, length - len(word)))):
                found[length] = bits
        return found

    def candidates(self, word: str, close: dict[int, int], same_first: bool) -> list[str]:
        """The words among `close` (see TypoIndex.close) that share `word`'s first character (`same_first`),
        or else differ from it there and start with its second character or have its first or second
        character second (a typo at the start: an insertion, substitution, deletion or swap)."""
        if len(word) < 2:
            return []
        found = []
        for length, bits in close.items():
            group = self._groups[length]
            found += group.words(group.starting(word, same_first) & bits)
        first, second = word[0], word[1]
        if same_first:
            return [other for other in found if other[0] == first]
        return [other for other in found if other[0] != first and (other[0] == second or other[1:2] in (second, first))]


class _Group:
    """The words of one length as one string, and bitsets over them: bit i stands for the i-th word."""

    def __init__(self, length: int, words: list[str]) -> None:
        self.length, self.text = length, "".join(words)
        self.every = (1 << len(words)) - 1
        # character -> how many times each word holds it, as three bitsets (1s, 2s, 4s), 7 meaning 7 or more
        self.counts: dict[int, tuple[int, int, int]] = {}
        self.first: dict[int, int] = {}  # character -> the words starting with it
        self.second: dict[int, int] = {}  # ... having it second
        backwards = _ascii(self.text)[::-1]  # the last word first: int(…, 2) reads the first digit as the top bit
        characters = set(backwards)
        for position in range(length):
            column = backwards[length - 1 - position::length]  # each word's character at `position`
            for character in characters:
                if (occurrences := column.count(character)) == 0:
                    continue
                bits = _bits(column, character, occurrences)
                if position < 2:
                    (self.first if position == 0 else self.second)[character] = bits
                ones, twos, fours = self.counts.get(character, (0, 0, 0))
                carry, ones = ones & bits, ones ^ bits
                carry, twos = twos & carry, twos ^ carry
                full = fours & carry  # 7 and one more: stays 7
                self.counts[character] = ones | full, twos | full, fours | carry

    def starting(self, word: str, same_first: bool) -> int:
        """At least the words that TypoIndex.candidates takes for `word`'s first two characters (more when
        they are not ASCII: all non-ASCII characters are "?" here)."""
        first, second = _ascii(word[:2])
        if same_first:
            return self.first.get(first, 0)
        near = self.first.get(second, 0) | self.second.get(second, 0) | self.second.get(first, 0)
        return near if _ascii(word[0]) == b"?" else near & ~self.first.get(first, 0)

    def close(self, counts: Counter[int], allowed: int) -> int:
        """The words that lack at most `allowed` of the counted characters (a character's first seven copies)."""
        lacking = [0] * (allowed + 1)  # lacking[m]: the words that lack more than m
        for character, count in counts.items():
            ones, twos, fours = self.counts.get(character, (0, 0, 0))
            at_least = (ones | twos | fours, twos | fours, fours | (twos & ones), fours, fours & (twos | ones),
                        fours & twos, fours & twos & ones)
            for held in at_least[:count]:
                lack = self.every ^ held
                for more in range(allowed, 0, -1):
                    lacking[more] |= lacking[more - 1] & lack
                lacking[0] |= lack
            if lacking[allowed] == self.every:
                return 0  # every word lacks too much already
        return self.every & ~lacking[allowed]

    def words(self, bits: int) -> list[str]:
        digits = bin(bits)[:1:-1]  # bit i is digit i
        found, index = [], digits.find("1")
        while index >= 0:
            found.append(self.text[index * self.length:(index + 1) * self.length])
            index = digits.find("1", index + 1)
        return found


def _ascii(text: str) -> bytes:
    """One byte per character, "?" for a non-ASCII one: the bitsets take them all and "?" for one."""
    return text.encode("ascii", "replace")


_DENSE = 256  # a character in at least 1/256 of a column is found by translate, rarer ones one by one
_ZEROS = b"0" * 256


def _bits(column: bytes, character: int, occurrences: int) -> int:
    """The bitset of the positions of `character` in `column`, read backwards (position 0 is the top bit)."""
    if occurrences * _DENSE >= len(column):
        return int(column.translate(_ZEROS[:character] + b"1" + _ZEROS[character + 1:]), 2)
    top, raw = len(column) - 1, bytearray((len(column) + 7) // 8)
    index = column.find(character)
    while index >= 0:
        bit = top - index
        raw[bit >> 3] |= 1 << (bit & 7)
        index = column.find(character, index + 1)
    return int.from_bytes(raw, "little")
