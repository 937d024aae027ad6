"""The one benchmark entry point: prints the README's performance table.

Run: python benchmarks/run.py   (from the repository root, with queryrouter installed)

Every figure is a ratio against a baseline measured in the same run on the same machine, so the table
means the same on a fast laptop and a slow CI box. Nothing here is asserted; the targets are printed
beside the figures.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_conversion import TEMPLATES, fresh_mix, median_over
from bench_lexicon import MISSPELLINGS, median_seconds, medians_in_rounds
from bench_mixed import measure_mixed, mixed_corpus

CONVERSIONS = fresh_mix(len(TEMPLATES), seed=1)
MIXED = [q for q, _, _ in CONVERSIONS] + [
    "behemoth definition", "luscious meaning", "synonyms for happy", "who owns antarctica",
    "physical features of kenya", "15% of 80", "60000 / 10", "60000 10", "plitelighet synonym", "khrushchev"]
PATTERNS = ["9", "9**", "9^", "(", "lbs ", "to in ", "in ", "1 ", "1/2 ", "kg to ", "a ", "x", "what is ",
            "5 ft ", "- ", "how many ", "define ", "%", "1 + ", "9" * 40 + " ", "10^", "√", "the ", "of ",
            "meaning ", "who owns ", "kenya ", "½", "19,2 ", "-", "e9 ", "° ", "and ", "cups of "]
"""Adversarial inputs: each pattern repeated up to the length cap, the longest text route() will parse."""


def row(name: str, ours: float, baseline: float, unit: str, target: str) -> None:
    print(f"| {name} | {ours:.3g} {unit} | {baseline:.3g} {unit} | {ours / baseline:.3g}x | {target} |")


def python_startup(code: str) -> float:
    """Median wall time of a fresh interpreter running `code`, as installed software runs: with bytecode
    cached (in a temporary PYTHONPYCACHEPREFIX, even where PYTHONDONTWRITEBYTECODE is set) and warmed once."""
    with tempfile.TemporaryDirectory() as bytecode:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = bytecode
        runs = []
        for _ in range(8):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            runs.append(time.perf_counter() - start)
    return statistics.median(runs[1:])


def main() -> None:
    import pint

    from queryrouter import Router

    router = Router(cache_size=0, shipped_plans=False)  # every call does the whole work: parse, resolve, answer
    cached = Router()
    for query in MIXED:  # pint, lark and the glossary built once, as in a long-running app
        router.route(query)
        cached.route(query)
    ureg = pint.UnitRegistry()

    print("| measure | queryrouter | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    mix = fresh_mix(10000)
    theirs = median_over(lambda item: ureg.parse_expression(item[1]).to(item[2]), mix)
    ours = median_over(lambda item: cached.route(item[0]), mix)
    row("route() median, conversion mix, new amounts in every query (shape plans) vs pint parse_expression+to "
        "on the same amounts", ours, theirs, "µs", "≤ 0.25x")
    cold = median_over(lambda item: router.route(item[0]), mix[:2000])
    row("route() median, conversion mix, no caches (the first query of a shape)", cold, theirs, "µs", "-")
    repeat = statistics.median(median_seconds(lambda q=q: cached.route(q), 50) for q, _, _ in CONVERSIONS) * 1e6
    row("route() median, conversion mix, repeated query (result cache)", repeat, theirs, "µs", "-")
    mixed = measure_mixed(router, mixed_corpus(), 5, ureg)
    once = mixed.baseline * 1e6
    row("route() median, mixed corpus of real-style queries (bench_mixed.py), no caches, no shipped plans, vs "
        "pint parse_expression('19.2 lb').to('kg')", mixed.median * 1e6, once, "µs", "≤ 1.5x")
    row("route() p99, the same", mixed.p99 * 1e3, once / 1e3, "ms", "≤ 1.5 ms")
    row("route() slowest query, the same", mixed.slowest[0] * 1e3, once / 1e3, "ms", "≤ 5 ms")

    units = router.units
    pound, kilogram = units.lookup("lb"), units.lookup("kg")
    from fractions import Fraction

    value = Fraction(96, 5)
    pair = median_seconds(lambda: units.convert(value, pound, kilogram), 5000)
    direct = median_seconds(lambda: ureg.Quantity(19.2, "lb").to("kg"), 5000)
    row("repeated unit pair lb→kg vs pint Quantity.to", pair * 1e6, direct * 1e6, "µs", "a few µs")

    lexicon = router.glossary.lexicon
    if lexicon is not None:
        from rapidfuzz import fuzz, process

        keys = [key for (key,) in lexicon._query("SELECT key FROM headword")]
        typo = statistics.median(medians_in_rounds(lexicon.lookup_word, MISSPELLINGS, 20))
        scan = statistics.median(median_seconds(lambda w=w: process.extractOne(w, keys, scorer=fuzz.ratio), 3)
                                 for w in MISSPELLINGS)
        row(f"misspelled lookup vs full rapidfuzz scan of {len(keys):,} headwords", typo * 1e3, scan * 1e3,
            "ms", "≤ 0.15x, ≤ 1 ms")

    bare = python_startup("pass")
    imported = python_startup("import queryrouter")
    row("`import queryrouter` wall time vs bare `python -c pass`", imported * 1e3, bare * 1e3, "ms", "cheap")
    baseline_rss = float(subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'benchmarks');"
                                         "from bench_lexicon import rss_mb; print(rss_mb())"],
                                        capture_output=True, text=True, check=True,
                                        cwd=Path(__file__).resolve().parents[1]).stdout)
    routed_rss = float(subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, 'benchmarks'); import queryrouter, run;"
         "from bench_lexicon import rss_mb; [queryrouter.route(q) for q in run.MIXED]; print(rss_mb())"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1]).stdout)
    row("process RSS after routing the mix vs bare Python", routed_rss, baseline_rss, "MB", "≤ 80 MB")

    from queryrouter.router import MAX_QUERY_LENGTH

    adversarial = [(p * MAX_QUERY_LENGTH)[:MAX_QUERY_LENGTH] for p in PATTERNS]
    adversarial += ["(" * 140 + "1" + ")" * 140, "5 ft " * 58 + "to cm", "1e99999 kg to g"]
    worst = max(zip(medians_in_rounds(router.route, adversarial, 5), adversarial))
    row("worst adversarial route() vs typical route()", worst[0] * 1e3, mixed.median * 1e3, "ms", "≤ 5 ms")
    print(f"\nworst adversarial input: {worst[1][:40]!r}… ({len(worst[1])} chars)")


if __name__ == "__main__":
    main()
