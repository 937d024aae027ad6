"""The slowest route() calls, printed (not asserted) against the 5 ms target and against pint.

Run: python benchmarks/bench_worst_case.py [--inputs N] [--seed S] [--slowest K] [--repeat R] [--clock cpu]

1. The fuzzer's generator (tests/fuzz_route.py, fixed seed) makes N inputs; each is routed once on a Router
   with no caches (cache_size=0: no Result cache, no shape plans), and timed.
2. The K slowest, issue 22's reproductions and run.py's adversarial inputs (patterns repeated up to the
   length cap) are re-timed R times each, in rounds (every input once per round), so a slow first call
   that was only a one-time load is not counted, and between two timings of
   an input come K others: what the lexicon remembers of its last few typo searches (for the two or three
   times one query asks about its word) never serves a repeat. An input's figure is the median of its R
   times; the slowest, p99 and median over the K inputs are printed, in ms and as a ratio to pint's
   `ureg.parse_expression('19.2 lb').to('kg')` measured in the same run.
3. The first unknown unit on a new Router (after one conversion has loaded pint, as any conversion does),
   which is not a repeat: on a Router of a process that has met one before, and on the first in a
   process, which builds the unit spellings every Router with the same units then shares.

One-time setup is done before timing, by the warm-up the command line's REPL and server run at start
(cli._warm: pint's registry, the LALR parsers, the glossary, and the indexes of their spellings that typos
are matched against), then a few queries with typos.

On a machine other programs keep busy, `--clock cpu` times with this thread's CPU clock instead of the
wall clock (pint's baseline too), so that waiting for a core is not counted.
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
WARM_UP = ["behemuth meaning", "5 blorfs to kg", "uaredededed", "capital of franse"]
CALCULATOR = ["sin ", "2pi", "2(", "log base 5 of ", "sqrt ", "9! ", "7.5% more than ", "1_000 + ", "tan 45° + ",
              "3 dozen x ", "17 % 5 % ", "4th root of "]
"""The calculator's own worst shapes (issue 24): functions, implicit products, towers, long chains."""
CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}
clock = time.perf_counter


def seconds(call: Callable[[], object]) -> float:
    start = clock()
    call()
    return clock() - start


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
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]

    import random

    import pint

    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import PATTERNS

    from fuzz_route import mutate, seeds
    from queryrouter import Router
    from queryrouter.cli import _warm
    from queryrouter.router import MAX_QUERY_LENGTH

    adversarial = [(pattern * MAX_QUERY_LENGTH)[:MAX_QUERY_LENGTH] for pattern in PATTERNS]
    adversarial += ["(" * 140 + "1" + ")" * 140, "5 ft " * 58 + "to cm", "1e99999 kg to g"]
    adversarial += [(pattern * MAX_QUERY_LENGTH)[:MAX_QUERY_LENGTH] for pattern in CALCULATOR]
    adversarial += ["sin(" * 30 + "1" + ")" * 30, "2(" * 30 + "1" + ")" * 30, "9^9^9", "factorial of a million",
                    "(" + "9^" * 140 + "9)!", "average of " + ", ".join(["99999"] * 48)]

    ureg = pint.UnitRegistry()
    pint_s = statistics.median(seconds(lambda: ureg.parse_expression("19.2 lb").to("kg")) for _ in range(2000))

    def ms(value: float) -> str:
        return f"{value * 1e3:.2f} ms ({value / pint_s:.0f}x pint)"

    router = Router(cache_size=0)
    _warm(router)
    for query in WARM_UP:
        router.route(query)

    rng = random.Random(args.seed)
    pool = seeds()
    inputs = [mutate(rng.choice(pool), rng, pool) for _ in range(args.inputs)]
    first = [(seconds(lambda q=q: router.route(q)), q) for q in inputs]
    first.sort(reverse=True)
    slow = [q for _, q in first[: args.slowest]]
    for query in adversarial:  # not timed: their first route may load a part of a parser
        router.route(query)
    times = retimed(router.route, slow + REPRODUCTIONS + adversarial, args.repeat)
    figures = sorted(zip(times, slow), reverse=True)
    ordered = sorted(t for t, _ in figures)

    print(f"pint parse_expression('19.2 lb').to('kg'): {pint_s * 1e6:.1f} µs (median of 2000, {args.clock} clock)")
    print(f"fuzzer seed {args.seed}: {len(inputs)} inputs routed once on Router(cache_size=0); "
          f"the slowest {len(slow)} re-timed {args.repeat} times each (median per input)")
    print(f"  slowest {ms(ordered[-1])}   p99 {ms(percentile(ordered, 0.99))}   median {ms(percentile(ordered, 0.5))}")
    over = sum(t > TARGET_MS / 1e3 for t in ordered)
    print(f"  {over} of {len(ordered)} above {TARGET_MS:g} ms; the slowest five:")
    for value, query in figures[:5]:
        print(f"    {value * 1e3:7.2f} ms  {query[:70]!r}{'…' if len(query) > 70 else ''} ({len(query)} chars)")

    print(f"issue 22's reproductions (median of {args.repeat}, re-timed among the slowest):")
    for query, value in zip(REPRODUCTIONS, times[len(slow):]):
        print(f"  {query!r}: {ms(value)}")
    worst, query = max(zip(times[len(slow) + len(REPRODUCTIONS):], adversarial))
    print(f"inputs filled to the {MAX_QUERY_LENGTH}-character cap (run.py's {len(adversarial)} adversarial ones), "
          f"the slowest: {ms(worst)} {query[:30]!r}…")
    from queryrouter import units

    shared = getattr(units, "_spelling_table", None)  # None in versions before the table was shared
    for first_in_process in (False, True) if shared else (False,):
        fresh = []
        for _ in range(5):
            new = Router(cache_size=0)
            new.route("1 furlong to m")  # pint's registry loads with the first conversion, whatever its units
            if first_in_process:
                shared.cache_clear()
            fresh.append(seconds(lambda router=new: router.route("5 blorfs to kg")))
        where = "in a process (its unit spellings built)" if first_in_process else "on a new Router"
        print(f"  first unknown unit {where} ('5 blorfs to kg', median of 5): {ms(statistics.median(fresh))}")


if __name__ == "__main__":
    main()
