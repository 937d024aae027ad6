"""What Router.explain() returns: each intent tried while routing a query, and how it was read.

Kept apart from router.py: only explanations and the first query of a shape need it, so a one-shot run
answered from a stored plan never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .result import Result

if TYPE_CHECKING:
    from typing import Any

    from .arithmetic import PreparedCalculation
    from .normalize import Normalized
    from .prepared import Prepared


@dataclass(frozen=True)
class Step:
    """One intent tried while routing: its outcome ("not parsed", "declined" or a status) and request."""

    intent: str
    outcome: str
    request: Any = None
    result: Result | None = None
    query: Normalized | None = None  # the query as the grammar read it
    prepared: Prepared | PreparedCalculation | None = None  # what the answer applied, when the intent decides first


@dataclass(frozen=True)
class Explanation:
    """How a query was read, from Router.explain(): normalization, the intents tried, and the details."""

    query: str
    normalized: str
    repairs: tuple[str, ...]
    steps: tuple[Step, ...]
    details: tuple[str, ...]
    result: Result

    def lines(self) -> list[str]:
        """The explanation for people, one fact a line."""
        lines = [f"query:      {self.query!r}", f"normalized: {self.normalized!r}"]
        lines += [f"repair:     {note}" for note in self.repairs]
        for step in self.steps:
            reading = f" ({step.result.interpreted_as})" if step.result and step.result.interpreted_as else ""
            lines.append(f"intent:     {step.intent}: {step.outcome}{reading}")
        lines += [f"detail:     {detail}" for detail in self.details]
        lines.append(f"answer:     [{self.result.intent}, {self.result.status.value}] {self.result.text}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "normalized": self.normalized, "repairs": list(self.repairs),
                "steps": [{"intent": s.intent, "outcome": s.outcome,
                           "interpreted_as": s.result.interpreted_as if s.result else ""} for s in self.steps],
                "details": list(self.details), "result": self.result.to_dict()}
