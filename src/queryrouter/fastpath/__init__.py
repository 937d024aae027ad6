"""The fast path: a layer around the core that answers a query of a known shape from a plan.

"19.2 lbs to kg" and "3.5 lbs to kg" are one shape ("#.# lbs to kg": shapes.py). When the core answers a
query, it says what it decided (a Decision: the Result, and the Prepared conversion or calculation that
produced it when one intent alone read the query). The layer turns that into a plan for the shape, checks
it by answering the shape with other amounts both ways, and answers the next query of the shape by
arithmetic alone: no normalizing, parsing or unit lookup (plans.py). Plans are kept in memory, in a
folder shared with other processes (plan_store.py), and shipped with the package for common shapes.

The core knows nothing of this layer: it only returns Decisions. The layer never imports the router.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading.Lock, without importing threading (3 ms)

from .shapes import Shape, shape

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..decision import Decision
    from ..result import Result
    from .plan_store import PlanStore
    from .plans import Plan


_UNSEEN: Plan | None = object()  # type: ignore[assignment]


class FastPath:
    """Answers queries of known shapes from their plans, and learns plans from the core's decisions."""

    def __init__(self, decide: Callable[[str], Decision], size: int, max_length: int,
                 store: PlanStore | None = None, shipped: bool = False) -> None:
        self._decide = decide
        self._size = size
        self._max_length = max_length
        self._store = store
        self._shipped = shipped
        self._plans: dict[str, Plan | None] = {}  # shape key -> its plan, None if it has none
        self._lock = allocate_lock()

    def route(self, query: str) -> Result:
        """The Result for `query`: from its shape's plan, or from the core (learning the shape's plan)."""
        seen, plan = self._lookup(query)
        if plan is not None:
            return plan.answer(query, seen)  # type: ignore[arg-type]
        decision = self._decide(query)
        if seen is not None:
            learned = self._learn(seen, decision)
            self._remember(seen, learned)
            if learned is not None and self._store is not None:
                self._store.put(seen.key, learned)
        return decision.result

    def record(self, query: str) -> tuple[bool, str] | None:
        """What a batch writes for `query` when its shape has a plan (whether it answers, and the Result's
        JSON), written from the plan; None when it has none."""
        seen, plan = self._lookup(query)
        if seen is None or plan is None:
            return None
        return plan.record(query, seen)

    def _lookup(self, query: str) -> tuple[Shape | None, Plan | None]:
        """`query`'s shape and its plan, if one answers it; (shape, None) for a shape never seen, which the
        core then teaches; (None, None) for no shape, or one with no plan or too long normalized."""
        seen = shape(query) if len(query) <= self._max_length else None
        if seen is None:
            return None, None
        plan = self._plans.get(seen.key, _UNSEEN)  # the usual case, without a call
        if plan is _UNSEEN:
            plan = self._known(seen)
        if plan is _UNSEEN:
            return seen, None
        if plan is not None and len(query) + plan.growth <= self._max_length:
            return seen, plan
        return None, None

    def _known(self, seen: Shape) -> Plan | None:
        """The plan kept for `seen`, None if its shape has none, _UNSEEN if it was never learned."""
        plan = self._plans.get(seen.key, _UNSEEN)
        if plan is _UNSEEN and (self._store is not None or self._shipped):
            stored = self._store.get(seen.key) if self._store is not None else None
            if stored is None and self._shipped:
                from .plan_store import shipped_plans

                shipped = shipped_plans()
                stored = shipped.get(seen.key) if shipped is not None else None
            if stored is not None and (stored.decision.amounts == len(seen.numbers) or not seen.numbers):
                self._remember(seen, plan := stored)
        return plan

    def _learn(self, seen: Shape, decision: Decision) -> Plan | None:
        """A plan for the whole of `seen` from the core's decision on one query of it, if it holds: the
        decision's amounts are the query's plain numbers, and a probe with other amounts is lengthened
        alike by normalizing and gets the same answer from the plan as from the core."""
        from .plans import plan as plan_of

        prepared, normalized = decision.prepared, decision.normalized
        if prepared is None or normalized is None:
            return None
        plan = plan_of(prepared, len(normalized) - len(decision.result.query))
        if prepared.values != plan.amounts(seen):
            return None
        if not seen.numbers:  # the shape is this one query: nothing else to check
            return plan
        probe = seen.probe()
        probe_text = probe.text()
        expected = self._decide(probe_text)
        if (expected.normalized is None or len(expected.normalized) - len(probe_text) != plan.growth
                or plan.answer(probe_text, probe) != expected.result):
            return None
        return plan

    def _remember(self, seen: Shape, plan: Plan | None) -> None:
        with self._lock:
            if seen.key not in self._plans and len(self._plans) >= self._size:
                del self._plans[next(iter(self._plans))]  # the oldest shape makes room
            self._plans[seen.key] = plan
