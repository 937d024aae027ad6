"""A batch line of a planned one-unit conversion, written without building its Result.

A batch writes Result.to_json() for each line; for a conversion plan most of that text is the same on
every line. So the Result is laid out once with markers where the amounts go (by Prepared.result and
Result.to_json themselves, so the layout is defined in one place), split at the markers, and each line
fills the slots: the arithmetic, two formatted numbers and a join, a third of the cost of the Result.
"""

from __future__ import annotations

import math
import re
from json.encoder import encode_basestring as _quote  # a str as JSON, not escaped to ASCII
from operator import itemgetter

from ..formatting import format_number
from ..prepared import Prepared, Refusal, shown_typed

# A marker is NUL, a name, NUL: JSON writes NUL as \u0000, which no other text of a Result holds. A name
# starting "v" is a whole JSON value, quotes and all (the query, a float); "t", text inside a string.
_MARKERS = re.compile(r'"\\u0000(v\w+)\\u0000"|\\u0000(t\w+)\\u0000')


def _mark(name: str) -> str:
    return f"\x00{name}\x00"


class RecordTemplate:
    """The JSON of a one-unit, one-goal conversion plan's Result, with slots for what changes per line."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        others = [_mark(f"t{index}") for index in range(len(prepared.alternatives))]
        marked = prepared.result(_mark("vquery"), [_mark("tshown")], [_mark("vnumber")], _mark("vtotal"),
                                 _mark("ttotal"), (), others)
        pieces = _MARKERS.split(marked.to_json())  # text, value name or None, text name or None, text, ...
        order = ["vquery", "vnumber", "vtotal", "tshown", "ttotal", *[f"t{i}" for i in range(len(others))]]
        self.layout = "%s".join(text.replace("%", "%%") for text in pieces[0::3])
        """The record as a %-format template: one C call fills every slot."""
        self.pick = itemgetter(*[order.index(value or name) for value, name in zip(pieces[1::3], pieces[2::3])])
        """The values in the order of the slots, from (query, number, total, shown, total shown, others)."""

    @staticmethod
    def fits(prepared: Prepared) -> bool:
        """Whether a plan's records can be written this way: one amount, one goal, in every reading."""
        return prepared.parts is None and all(len(reading.legs) == 1
                                              for reading in (prepared.reading, *prepared.alternatives))

    def record(self, original: str, typed: str) -> str | None:
        """The record for the amount `typed`; None when a reading refuses it or the total is not finite
        (below absolute zero, too large), which the plan's answer then says."""
        number, prepared = float(typed), self.prepared
        try:
            total = prepared.reading.total((number,), (typed,))
        except Refusal:
            return None
        if not math.isfinite(total):
            return None
        others = []
        for other in prepared.alternatives:
            found = other.total_or_none((number,), (typed,))
            if found is None or not math.isfinite(found):
                return None
            others.append(format_number(found))
        filled: tuple[str, ...] = self.pick((_quote(original), repr(number), repr(total), shown_typed(typed),
                                             format_number(total), *others))
        return self.layout % filled
