"""Speed on a mixed corpus of real-style queries (issue 17, part 6), as ratios against pint in the same run.

Run: python benchmarks/bench_mixed.py [--passes N]   (from the repository root, with queryrouter installed)

- baseline: pint's `ureg.parse_expression("19.2 lb").to("kg")` on a warm registry, median of many calls,
  measured between the passes below so that it shares their machine's load;
- the whole pipeline: Router(cache_size=0, shipped_plans=False) on every query of the mixed corpus
  (grammars/phrasing.examples.toml and benchmarks/corpora/labelled_*.toml: every intent and the queries
  that must not be answered, as people type them), warmed by one pass, then each query timed once per
  pass; a query's time is its median over the passes (a GC pause or a busy neighbour is not the query's
  cost), and the figures are the median, p99 and slowest of those over the queries;
- the fast path: Router() as shipped, on conversions of repeated shapes with new amounts in every query
  (bench_conversion.fresh_mix), warmed by one query of each shape.

Nothing is asserted (performance is measured, not asserted): the targets are printed with pass or fail.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_conversion import TEMPLATES, fresh_mix, median_over
from bench_lexicon import median_seconds, medians_in_rounds

REPO = Path(__file__).resolve().parents[1]
CORPORA = [REPO / "grammars" / "phrasing.examples.toml",
           *sorted((REPO / "benchmarks" / "corpora").glob("labelled_*.toml"))]


def mixed_corpus() -> list[str]:
    """The queries of the phrasing corpus and the labelled corpora, in file order."""
    return [example["query"] for path in CORPORA
            for example in tomllib.loads(path.read_text(encoding="utf-8"))["example"]]


def pint_baseline(ureg: Any, calls: int = 5000) -> float:
    """Median seconds of pint's parse_expression("19.2 lb").to("kg"), the registry warmed first."""
    for _ in range(100):
        ureg.parse_expression("19.2 lb").to("kg")
    return median_seconds(lambda: ureg.parse_expression("19.2 lb").to("kg"), calls)


@dataclass
class Mixed:
    """Per-query seconds of the whole pipeline over the mixed corpus (each the median over the passes), and
    the pint baseline timed between the passes, so both share the machine's load."""

    queries: list[str]
    times: list[float]
    baseline: float

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.times, n=100, method="inclusive")[98]

    @property
    def slowest(self) -> tuple[float, str]:
        return max(zip(self.times, self.queries))


def measure_mixed(router: Any, queries: list[str], passes: int, ureg: Any) -> Mixed:
    """Each query routed once to warm (lark, pint, the glossary), then timed once in each of `passes`, with
    pint's baseline measured after each pass."""
    for query in queries:
        router.route(query)
    rounds, baselines = [], []
    for _ in range(passes):
        rounds.append(medians_in_rounds(router.route, queries, 1))
        baselines.append(pint_baseline(ureg, 1000))
    return Mixed(queries, [statistics.median(times) for times in zip(*rounds)], statistics.median(baselines))


def measure_fast_path(router: Any, count: int) -> float:
    """Median seconds of route() on `count` conversions of repeated shapes, each with new amounts."""
    for query, _, _ in fresh_mix(len(TEMPLATES), seed=1):
        router.route(query)
    return median_over(lambda item: router.route(item[0]), fresh_mix(count)) / 1e6


def main() -> None:
    import pint

    from queryrouter import Router

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=7, help="timed passes over the mixed corpus")
    parser.add_argument("--conversions", type=int, default=20000, help="queries of the fast-path mix")
    args = parser.parse_args()

    ureg = pint.UnitRegistry()
    queries = mixed_corpus()
    mixed = measure_mixed(Router(cache_size=0, shipped_plans=False), queries, args.passes, ureg)
    pint_s = mixed.baseline
    fast = measure_fast_path(Router(), args.conversions)
    pint_after = pint_baseline(ureg)  # again: a machine that slowed down since shows here

    slowest, slowest_query = mixed.slowest
    print(f"mixed corpus: {len(queries)} queries ({', '.join(path.name for path in CORPORA)}), "
          f"{args.passes} timed passes; pint baseline {pint_s * 1e6:.1f} µs (median of its medians between the "
          f"passes; again after the fast path: {pint_after * 1e6:.1f} µs)\n")
    print("| measure | µs | × pint | target | |")
    print("|---|---|---|---|---|")
    rows = [("mixed corpus, no caches, no shipped plans: median", mixed.median, "≤ 1.5× pint",
             mixed.median <= 1.5 * pint_s),
            ("mixed corpus, no caches, no shipped plans: p99", mixed.p99, "≤ 1.5 ms", mixed.p99 <= 1.5e-3),
            ("mixed corpus, no caches, no shipped plans: slowest", slowest, "≤ 5 ms", slowest <= 5e-3),
            ("fast path, repeated shapes with new amounts: median", fast, "≤ 0.25× pint", fast <= 0.25 * pint_s)]
    for name, seconds, target, met in rows:
        print(f"| {name} | {seconds * 1e6:.0f} | {seconds / pint_s:.2f} | {target} | {'pass' if met else 'FAIL'} |")
    print(f"\nslowest query: {slowest_query!r}")
    ranked = sorted(zip(mixed.times, queries), reverse=True)[:5]
    print("five slowest: " + ", ".join(f"{query!r} {seconds * 1e3:.2f} ms" for seconds, query in ranked))


if __name__ == "__main__":
    main()
