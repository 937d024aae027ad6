"""What Router.explain() returns: each intent tried while routing a query, the reading each offered (its
coverage and evidence, arbiter.py), and why the winner won.

Kept apart from router.py: only explanations and the first query of a shape need it, so a one-shot run
answered from a stored plan never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .result import Result

if TYPE_CHECKING:
    from typing import Any

    from .arbiter import Reading
    from .arithmetic import PreparedCalculation
    from .normalize import Normalized
    from .prepared import Prepared


@dataclass(frozen=True)
class Step:
    """One intent tried while routing: its outcome ("not parsed", "declined" or a status), its request and
    the reading it offered the arbiter. The last step is the arbiter's ("arbiter", why the winner won)."""

    intent: str
    outcome: str
    request: Any = None
    result: Result | None = None
    query: Normalized | None = None  # the query as the grammar read it
    prepared: Prepared | PreparedCalculation | None = None  # what the answer applied, when the intent decides first
    reading: Reading | None = None  # what the intent's answer explains of the query


@dataclass(frozen=True)
class Explanation:
    """How a query was read, from Router.explain(): normalization, the intents tried, and the details."""

    query: str
    normalized: str
    repairs: tuple[str, ...]
    steps: tuple[Step, ...]
    details: tuple[str, ...]
    result: Result

    @property
    def readings(self) -> tuple[Reading, ...]:
        """Every reading offered to the arbiter, in the order the intents were read."""
        return tuple(step.reading for step in self.steps if step.reading is not None)

    @property
    def why(self) -> str:
        """Why the answer is the one it is: the arbiter's verdict."""
        return next((step.outcome for step in self.steps if step.intent == "arbiter"), "")

    def lines(self) -> list[str]:
        """The explanation for people, one fact a line."""
        lines = [f"query:      {self.query!r}", f"normalized: {self.normalized!r}"]
        lines += [f"repair:     {note}" for note in self.repairs]
        for step in self.steps:
            if step.intent == "arbiter":
                continue
            reading = f" ({step.result.interpreted_as})" if step.result and step.result.interpreted_as else ""
            lines.append(f"intent:     {step.intent}: {step.outcome}{reading}")
        lines += [f"reading:    {reading.describe()}" for reading in self.readings]
        if self.why:
            lines.append(f"why:        {self.why}")
        lines += [f"detail:     {detail}" for detail in self.details]
        lines.append(f"answer:     [{self.result.intent}, {self.result.status.value}] {self.result.text}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        from .arbiter import EVIDENCE

        return {"query": self.query, "normalized": self.normalized, "repairs": list(self.repairs),
                "steps": [{"intent": s.intent, "outcome": s.outcome,
                           "interpreted_as": s.result.interpreted_as if s.result else ""}
                          for s in self.steps if s.intent != "arbiter"],
                "readings": [{"intent": r.intent, "status": r.result.status.value, "coverage": r.coverage,
                              "evidence": EVIDENCE[r.evidence], "explained": list(r.explained),
                              "unexplained": list(r.unexplained), "confidence": r.confidence}
                             for r in self.readings],
                "why": self.why, "details": list(self.details), "result": self.result.to_dict()}
