"""The `queryrouter` command against the tools people would otherwise reach for, measured in the same run.

    python benchmarks/bench_cli.py [--lines N] [--runs N] [--million]

- one query: median wall time of `queryrouter QUERY` against `qalc -t QUERY` (target: at most 0.7x). A
  conversion and a calculation are each timed three ways: a shape whose plan ships with queryrouter
  ("19.2 lb to kg", "15% of 80": what any first query of a common shape costs), a shape whose plan an
  earlier run kept on disk ("19.2 lb into kg", "15 percent off 80": the usual case for a launcher that
  runs one process per query), and --no-cache, which answers the long way (what the first query of any
  other shape costs); then three more shipped shapes from the mission's examples;
- one query with `queryrouter --serve` running, against qalc -t again: conversions of each kind, a
  definition and a topic;
- batch: conversions per second on stdin against GNU `units -t` fed the same conversions (target: at
  least 1x), single process and with --jobs, for --lines and ten times as many (queryrouter's start-up,
  about 30 ms against 5 ms for units, is part of the shorter run);
- --million: a 1,000,000-line stdin run, its wall time and peak memory (max RSS, from wait4).

The command runs as installed software would: with bytecode cached (in a temporary PYTHONPYCACHEPREFIX,
so the checkout is untouched) and warmed once. `units` and `qalc` (Debian packages `units`, `qalc`) are
installed with apt-get when missing; CI does not run this.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SCRIPT = Path(sys.executable).with_name("queryrouter")
QUERYROUTER = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "queryrouter"]
"""The installed command, as people run it; `python -m` (when it is not installed) adds runpy's imports."""
# Conversions both tools understand, as (amount unit, target unit); units -t reads them as two lines.
PAIRS = [("lb", "kg"), ("ft", "cm"), ("cup", "ml"), ("km", "mile"), ("gallon", "liter"), ("ounce", "gram"),
         ("inch", "mm"), ("mph", "km/hr")]
# (a shape whose plan ships, a shape that does not ship: see scripts/common_shapes.toml)
ONE_QUERIES = {"conversion": ("19.2 lb to kg", "19.2 lb into kg"),
               "calculation": ("15% of 80", "15 percent off 80")}
# More first queries of shipped shapes: the mission's examples without an amount, below zero, with a word
SHIPPED_EXAMPLES = ["how many cups in a liter", "-40 c to f", "4 oz chocolate in grams"]
OTHER_QUERIES = ["behemoth definition", "who owns antarctica", "--version", "--help"]
# With `queryrouter --serve` running: shapes of every kind, and the queries that load the glossary
PINT = "import pint; pint.UnitRegistry(cache_folder=':auto:')"  # as units.py builds it, from pint's cache
SERVED_QUERIES = ["19.2 lb to kg", "17.3 furlongs to fathoms", "15 percent off 80", "behemoth definition",
                  "who owns antarctica"]


def ensure_tools() -> bool:
    """Install units and qalc with apt-get when missing; False when they cannot be had."""
    if shutil.which("units") and shutil.which("qalc"):
        return True
    if shutil.which("apt-get") is None:
        return False
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False, capture_output=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "units", "qalc"], check=False, capture_output=True)
    return bool(shutil.which("units") and shutil.which("qalc"))


def wall(command: list[str], env: dict[str, str], runs: int, stdin: bytes | None = None) -> float:
    """Median wall time in seconds; the first run warms caches and is not counted."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, input=stdin, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def one_query(env: dict[str, str], runs: int) -> None:
    print("one query: median wall time (target: queryrouter <= 0.7x qalc -t)")
    for intent, (shipped, kept) in ONE_QUERIES.items():
        timed = {"shipped shape": (shipped, []), "kept shape": (kept, []), "--no-cache": (shipped, ["--no-cache"])}
        for how, (query, options) in timed.items():
            qalc = wall(["qalc", "-t", query], env, runs)
            # wall() does not count its first run: for the kept shape, the one that learns it
            ours = wall([*QUERYROUTER, *options, *query.split()], env, runs)
            print(f"  {intent:12} {query!r:18} {how:14} queryrouter {ours * 1000:6.1f} ms  qalc {qalc * 1000:6.1f} ms"
                  f"  ratio {ours / qalc:.2f}x")
    for query in SHIPPED_EXAMPLES:
        qalc = wall(["qalc", "-t", query], env, runs)
        ours = wall([*QUERYROUTER, *query.split()], env, runs)
        print(f"  {'conversion':12} {query!r:26} {'shipped shape':14} queryrouter {ours * 1000:6.1f} ms  "
              f"qalc {qalc * 1000:6.1f} ms  ratio {ours / qalc:.2f}x")
    for query in OTHER_QUERIES:
        ours = wall([*QUERYROUTER, *query.split()], env, runs)
        print(f"  {'':12} {query!r:18} queryrouter {ours * 1000:6.1f} ms")
    # What a run that answers the long way cannot avoid: Python, and pint or lark loaded as queryrouter does
    for name, code in (("python -c pass", "pass"), ("pint and its registry", PINT),
                       ("lark's import", "import lark")):
        floor = wall([sys.executable, "-c", code], env, runs)
        print(f"  {'':12} {'(' + name + ')':30} {floor * 1000:6.1f} ms")


def served(env: dict[str, str], runs: int) -> None:
    """The same kind of runs while a `queryrouter --serve` answers them: each run still starts Python, but
    hands its query to the server instead of loading pint, lark or the glossary. (The server has answered
    each query before; a new one costs it well under a millisecond to a few, see benchmarks/run.py.)"""
    print("one query with `queryrouter --serve` running: median wall time (target: <= 0.7x qalc -t)")
    with tempfile.TemporaryDirectory(prefix="qr-") as runtime:  # short: a socket's path has ~100 bytes
        env = {**env, "XDG_RUNTIME_DIR": runtime}
        server = subprocess.Popen([*QUERYROUTER, "--serve"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        assert server.stderr is not None
        try:
            assert "answering" in server.stderr.readline(), "queryrouter --serve did not start"
            for query in SERVED_QUERIES:
                qalc = wall(["qalc", "-t", query], env, runs)
                ours = wall([*QUERYROUTER, *query.split()], env, runs)
                print(f"  {query!r:28} queryrouter {ours * 1000:6.1f} ms  qalc {qalc * 1000:6.1f} ms"
                      f"  ratio {ours / qalc:.2f}x")
        finally:
            server.terminate()
            print(f"  ({server.communicate(timeout=30)[1].strip().removeprefix('queryrouter: ')}: "
                  f"{len(SERVED_QUERIES) * (runs + 1)} runs were timed)")


def conversions(count: int) -> tuple[bytes, bytes]:
    """The same `count` conversions, distinct amounts, for queryrouter and for units -t."""
    rng = random.Random(7)
    ours, theirs = [], []
    for n in range(count):
        source, target = PAIRS[n % len(PAIRS)]
        amount = rng.randint(1, 99_999) / 10
        ours.append(f"{amount} {source} to {target}\n")
        theirs.append(f"{amount} {source}\n{target}\n")
    return "".join(ours).encode(), "".join(theirs).encode()


def batch(env: dict[str, str], lines: int, runs: int) -> None:
    print(f"batch: {lines:,} conversions on stdin, lines per second (target: queryrouter >= units -t)")
    ours_in, theirs_in = conversions(lines)
    checked = subprocess.run(["units", "-t"], input=theirs_in, capture_output=True, check=False)
    assert len(checked.stdout.splitlines()) == lines, "units -t should answer every conversion"
    units_rate = lines / wall(["units", "-t"], env, runs, theirs_in)
    print(f"  units -t                 {units_rate:10,.0f} lines/s")
    for jobs in sorted({1, os.cpu_count() or 1}):
        rate = lines / wall([*QUERYROUTER, "--jobs", str(jobs)], env, runs, ours_in)
        print(f"  queryrouter --jobs {jobs:<4}  {rate:10,.0f} lines/s  ratio {rate / units_rate:.2f}x")


def million(env: dict[str, str]) -> None:
    """Peak memory of a 1M-line run: the input is streamed, so it should not grow with the line count."""
    with tempfile.TemporaryFile() as source:
        for _ in range(100):  # written in pieces: a forked child counts its parent's memory in its max RSS
            source.write(conversions(10_000)[0])
        source.seek(0)
        start = time.perf_counter()
        child = subprocess.Popen(QUERYROUTER, stdin=source, stdout=subprocess.DEVNULL, env=env)
        _pid, _status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    print(f"1M lines on stdin: {seconds:.0f} s ({1_000_000 / seconds:,.0f} lines/s), "
          f"max RSS {usage.ru_maxrss / 1024:.0f} MB")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--lines", type=int, default=20_000, help="conversions per batch run")
    options.add_argument("--runs", type=int, default=15, help="timed runs per one-query figure")
    options.add_argument("--million", action="store_true", help="also measure a 1M-line run's memory")
    args = options.parse_args()
    if not ensure_tools():
        sys.exit("bench_cli: needs `units` and `qalc` (apt-get install units qalc)")
    with tempfile.TemporaryDirectory() as bytecode:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"PYTHONPYCACHEPREFIX": bytecode, "PYTHONPATH": str(Path(__file__).parents[1] / "src"),
                "XDG_CACHE_HOME": bytecode}  # the conversion plans, too, start empty and are thrown away
        subprocess.run([*QUERYROUTER, "1 m to cm"], capture_output=True, env=env, check=True)  # compile
        # the long way once: pint's cache of its definitions (in XDG_CACHE_HOME) is made before any timing
        subprocess.run([*QUERYROUTER, "--no-cache", "1 m to cm"], capture_output=True, env=env, check=True)
        if args.million:  # first, while this process is small: a child's max RSS can count its parent's
            million(env)
        one_query(env, args.runs)
        served(env, args.runs)
        for lines in (args.lines, 10 * args.lines):  # the longer run shows the rate once start-up is paid
            batch(env, lines, max(1, args.runs // 5))


if __name__ == "__main__":
    main()
