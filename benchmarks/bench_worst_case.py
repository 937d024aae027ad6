"""The slowest route() calls, printed (not asserted) against the 5 ms target and against pint.

Run: python benchmarks/bench_worst_case.py [--inputs N] [--seed S] [--slowest K] [--repeat R]

1. The fuzzer's generator (tests/fuzz_route.py, fixed seed) makes N inputs; each is routed once on a Router
   with no caches (cache_size=0: no Result cache, no shape plans), and timed.
2. The K slowest are re-timed R times each, in rounds (every input once per round), so a slow first call
   that was only a one-time load is not counted, and no input is timed twice in a row. An input's figure is
   the median of its R times; the slowest, p99 and median over the K inputs are printed, in ms and as a
   ratio to pint's `ureg.parse_expression('19.2 lb').to('kg')` measured in the same run.
3. The reproductions of issue 22 are timed the same way, and the first unknown unit on a new Router (after
   one conversion has loaded pint, as any conversion does), which is not a repeat.

One-time setup is done before timing, as a long-running program does it: pint's registry, the LALR parsers
and the glossary's typo index load on the first query that needs them (the command line's REPL and
server run such queries at start: cli._warm).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 5.0
REPRODUCTIONS = ["naturamen meaning", "uaredededed", "cancerererer"]
WARM_UP = ["1 furlong to m", "15 * 3", "define word", "who owns antarctica", "behemuth meaning", "5 blorfs to kg",
           "uaredededed"]


def seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def percentile(ordered: Sequence[float], share: float) -> float:
    """The value below which `share` of the sorted values lie (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def retimed(route: Callable[[str], object], queries: Sequence[str], repeat: int) -> list[float]:
    """Each query's median time over `repeat` rounds, in seconds, in the order of `queries`."""
    times: list[list[float]] = [[] for _ in queries]
    for _ in range(repeat):
        for index, query in enumerate(queries):
            times[index].append(seconds(lambda q=query: route(q)))
    return [statistics.median(each) for each in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--slowest", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import random

    import pint

    sys.path.insert(0, str(ROOT / "tests"))
    from fuzz_route import mutate, seeds

    from queryrouter import Router

    ureg = pint.UnitRegistry()
    pint_s = statistics.median(seconds(lambda: ureg.parse_expression("19.2 lb").to("kg")) for _ in range(2000))

    def ms(value: float) -> str:
        return f"{value * 1e3:.2f} ms ({value / pint_s:.0f}x pint)"

    router = Router(cache_size=0)
    for query in WARM_UP:
        router.route(query)

    rng = random.Random(args.seed)
    pool = seeds()
    inputs = [mutate(rng.choice(pool), rng, pool) for _ in range(args.inputs)]
    first = [(seconds(lambda q=q: router.route(q)), q) for q in inputs]
    first.sort(reverse=True)
    slow = [q for _, q in first[: args.slowest]]
    figures = sorted(zip(retimed(router.route, slow, args.repeat), slow), reverse=True)
    ordered = sorted(t for t, _ in figures)

    print(f"pint parse_expression('19.2 lb').to('kg'): {pint_s * 1e6:.1f} µs (median of 2000)")
    print(f"fuzzer seed {args.seed}: {len(inputs)} inputs routed once on Router(cache_size=0); "
          f"the slowest {len(slow)} re-timed {args.repeat} times each (median per input)")
    print(f"  slowest {ms(ordered[-1])}   p99 {ms(percentile(ordered, 0.99))}   median {ms(percentile(ordered, 0.5))}")
    over = sum(t > TARGET_MS / 1e3 for t in ordered)
    print(f"  {over} of {len(ordered)} above {TARGET_MS:g} ms; the slowest five:")
    for value, query in figures[:5]:
        print(f"    {value * 1e3:7.2f} ms  {query[:70]!r}{'…' if len(query) > 70 else ''} ({len(query)} chars)")

    print("issue 22's reproductions (median of 9, caches off):")
    for query, value in zip(REPRODUCTIONS, retimed(router.route, REPRODUCTIONS, 9)):
        print(f"  {query!r}: {ms(value)}")
    fresh = []
    for _ in range(5):
        new = Router(cache_size=0)
        new.route("1 furlong to m")  # pint's registry loads with the first conversion, whatever its units
        fresh.append(seconds(lambda: new.route("5 blorfs to kg")))
    print(f"  first unknown unit on a new Router ('5 blorfs to kg', median of 5 Routers): "
          f"{ms(statistics.median(fresh))}")


if __name__ == "__main__":
    main()
