"""What the core decided for a query: the Result, and how it got there.

The fast path (fastpath/) learns plans from Decisions; the core returns them and knows nothing else of it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from .arithmetic import PreparedCalculation
    from .prepared import Prepared
    from .result import Result


class Decision:
    """What the core answered, and how: the Prepared (or PreparedCalculation) it applied when one intent
    alone read the query and decided before any arithmetic, and the query's normalized text."""

    __slots__ = ("normalized", "prepared", "result")

    def __init__(self, result: Result, prepared: Prepared | PreparedCalculation | None = None,
                 normalized: str | None = None) -> None:
        self.result, self.prepared, self.normalized = result, prepared, normalized
