"""Speed and memory of queryrouter.lexicon, printed (not asserted) against targets.

Run: python benchmarks/bench_lexicon.py   (from the repository root, with the package importable)

The typo lookup is reported as a ratio against a full rapidfuzz scan over every headword measured in
the same run, so the figure means the same on a fast laptop and a slow CI box.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

MISSPELLINGS = [
    "behemth", "recieve", "definately", "accomodate", "seperate", "neumonia", "xylophome", "ebhemoth",
    "occured", "goverment", "enviroment", "tommorow", "begining", "beleive", "calender", "embarass",
    "existance", "harrass", "independant", "libary", "mischievious", "noticable", "pharoah", "rythm",
    "supercede", "threshhold", "untill", "wierd", "plitelighet", "behemths",
]


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def database_is_open(path: Path) -> bool:
    """Whether this process holds a file descriptor on the data file (Linux /proc)."""
    fds = Path("/proc/self/fd")
    return any(fd.resolve() == path.resolve() for fd in fds.iterdir() if fd.is_symlink())


def median_seconds(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def medians_in_rounds(call: Callable[[str], object], items: list[str], rounds: int) -> list[float]:
    """Each item's median time over `rounds` rounds, each item once per round: the lexicon remembers its
    last 16 typo searches (one query asks about its word up to three times), and a timing it served is
    not a search."""
    times: list[list[float]] = [[] for _ in items]
    for _ in range(rounds):
        for index, item in enumerate(items):
            start = time.perf_counter()
            call(item)
            times[index].append(time.perf_counter() - start)
    return [statistics.median(each) for each in times]


def report(name: str, value: float, unit: str, target: str) -> None:
    print(f"{name:<46} {value:>10.3f} {unit:<3} (target {target})")


def main() -> None:
    rss_before = rss_mb()
    start = time.perf_counter()
    from queryrouter import lexicon

    report("import queryrouter.lexicon", (time.perf_counter() - start) * 1e3, "ms", "cheap")
    print(f"{'import opened the database':<46} {database_is_open(lexicon.DEFAULT_PATH)!s:>10}     (target False)")
    print(f"{'import loaded rapidfuzz':<46} {'rapidfuzz' in sys.modules!s:>10}     (target False unless "
          "the package imports it elsewhere)")

    start = time.perf_counter()
    lex = lexicon.Lexicon()
    lex.lookup_word("behemoth")
    elapsed = time.perf_counter() - start
    print(f"{'database open after first lookup':<46} {database_is_open(lexicon.DEFAULT_PATH)!s:>10}     (sanity: True)")
    report("open + first exact lookup", elapsed * 1e3, "ms", "<= 10 ms")

    import random

    keys = [k for (k,) in lex._query("SELECT key FROM headword")]
    sample = random.Random(1).sample(keys, 2000)  # distinct words: a repeated one would only measure caches
    exact = statistics.median(median_seconds(lambda k=k: lex.lookup_word(k), 3) for k in sample)
    report("exact lookup, median over 2,000 headwords", exact * 1e6, "us", "<= 20 us")
    report("exact lookup ('happy': 4 senses, 13 synonyms)", median_seconds(lambda: lex.lookup_word("happy"), 2000)
           * 1e6, "us", "-")
    report("exact lookup ('run': 57 senses)", median_seconds(lambda: lex.lookup_word("run"), 200) * 1e6, "us", "-")
    inflection = median_seconds(lambda: lex.lookup_word("mitochondria"), 2000)
    report("inflection lookup ('mitochondria', median)", inflection * 1e6, "us", "-")

    start = time.perf_counter()
    lex.lookup_word("behemth")
    report("first typo lookup (builds the typo index)", (time.perf_counter() - start) * 1e3, "ms", "one-off")
    ours = statistics.median(medians_in_rounds(lex.lookup_word, MISSPELLINGS, 20))

    from rapidfuzz import fuzz, process

    scan = statistics.median(
        median_seconds(lambda w=w: process.extractOne(w, keys, scorer=fuzz.ratio), 3) for w in MISSPELLINGS
    )
    report("typo lookup, median over misspellings", ours * 1e3, "ms", "<= 1 ms")
    report(f"full extractOne scan over {len(keys):,} headwords", scan * 1e3, "ms", "baseline")
    report("typo lookup / full scan", ours / scan, "x", "<= 0.15x")
    report("topics('who owns antarctica', government)", median_seconds(
        lambda: lex.topics("who owns antarctica", facet="government"), 200) * 1e3, "ms", "-")
    report("topics full-text fallback", median_seconds(
        lambda: lex.topics("largest desert in the world"), 50) * 1e3, "ms", "-")
    report("process RSS with the database open", rss_mb(), "MB", "<= 80 MB")
    report("  of which since before import", rss_mb() - rss_before, "MB", "-")


if __name__ == "__main__":
    main()
