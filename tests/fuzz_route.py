"""Mutation fuzzer for route(): seeds from the example corpora, mutated, routed with strict=True.

    python tests/fuzz_route.py --seed 20261126 --inputs 20000   # what CI runs (bounded, reproducible)
    python tests/fuzz_route.py --inputs 1000000      # the long run

Any exception is a bug: the input is appended to tests/crashers.txt (as a JSON string per line), which
tests/test_crashers.py replays forever after. Exits 1 if it found a new crasher.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tomllib
import traceback
from pathlib import Path

from queryrouter import Router

HERE = Path(__file__).resolve().parent
CRASHERS = HERE / "crashers.txt"
PIECES = [" to ", " in ", " of ", "%", "/", "^", "(", ")", "-", ",", ".", "'", '"', "½", "°", "²", " and ",
          " how many ", " define ", " meaning", " synonym", "e9", "0", "9" * 30, "\u200b", "\x00", "ǅ", " a ",
          " please", "=", "?", " x ", "km/h", " sq ", " fl oz", "—", "\t", "\n"]


def seeds() -> list[str]:
    found = []
    for corpus in sorted((HERE.parent / "grammars").glob("*.examples.toml")):
        found += [example["query"] for example in tomllib.loads(corpus.read_text())["example"]]
    return found


def mutate(text: str, rng: random.Random, pool: list[str]) -> str:
    for _ in range(rng.randint(1, 4)):
        where = rng.randint(0, len(text))
        choice = rng.random()
        if choice < 0.3:
            text = text[:where] + rng.choice(PIECES) + text[where:]
        elif choice < 0.5 and text:
            text = text[:where] + text[where + rng.randint(1, 5):]
        elif choice < 0.65:
            text = text[:where] + chr(rng.randint(0, 0x2FFF)) + text[where:]
        elif choice < 0.8:
            other = rng.choice(pool)
            text = text[:where] + other[rng.randint(0, len(other)):]
        else:
            text = text[:where] + text[where:where + 8] * rng.randint(2, 6) + text[where:]
    return text


def run(seconds: float, inputs: int, seed: int) -> int:
    rng = random.Random(seed)
    pool = seeds()
    router = Router(strict=True)
    known = set(CRASHERS.read_text().splitlines()) if CRASHERS.exists() else set()
    found = 0
    deadline = time.monotonic() + seconds
    count = 0
    while count < inputs and time.monotonic() < deadline:
        query = mutate(rng.choice(pool), rng, pool)
        count += 1
        try:
            json.dumps(router.route(query).to_dict(), allow_nan=False)
        except Exception:
            line = json.dumps(query)
            if line not in known:
                known.add(line)
                found += 1
                with CRASHERS.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
                print(f"crasher: {line}\n{traceback.format_exc()}", file=sys.stderr)
    print(f"fuzzed {count} inputs, {found} new crashers")
    return 1 if found else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None, help="stop after this long (default 60 s, "
                        "or no time limit when --inputs is given)")
    parser.add_argument("--inputs", type=int, default=None, help="stop after this many inputs")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seconds = args.seconds if args.seconds is not None else (float("inf") if args.inputs else 60.0)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed}")
    return run(seconds, args.inputs or 10**12, seed)


if __name__ == "__main__":
    sys.exit(main())
