"""Measure queryrouter on the blind corpora (benchmarks/corpora/*.toml, or the files given): how many queries
it answers rightly, and how many of its ok answers are wrong.

The blind corpora were written by people who had not read the grammar or the code, from the kinds of
query the project's issues name; they measure how well it reads what people type instead of mirroring its
rules. An example is right when the Result holds everything it expects (tests/corpus.py), or, when it
names no status, when the query is not answered; an ok answer that is not right is confidently wrong,
the worst outcome.

    python benchmarks/score_corpora.py                  # every blind corpus, one line each
    python benchmarks/score_corpora.py --wrong FILE...  # and each miss, with what was answered
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from corpus import load, mismatches  # noqa: E402 - found through the path above
from queryrouter import Router  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="corpus files (default: benchmarks/corpora/*.toml)")
    parser.add_argument("--wrong", action="store_true", help="list every miss")
    args = parser.parse_args()
    files = args.files or sorted((REPO / "benchmarks" / "corpora").glob("*.toml"))
    router = Router()
    print(f"{'corpus':28} {'queries':>7} {'right':>7} {'ok':>5} {'ok wrong':>8}  right by expected intent")
    totals: Counter[str] = Counter()
    for path in files:
        counts: Counter[str] = Counter()
        by_intent: Counter[str] = Counter()
        of_intent: Counter[str] = Counter()
        misses = []
        for example in load(path):
            data = router.route(example["query"]).to_dict()
            wrong = mismatches(example, data)
            if wrong and not data["ok"] and "status" not in example and "ok" not in example.get("expect", {}):
                wrong = []  # no status named: a right answer or none (a word the dictionary may lack)
            intent = example.get("intent", "refuse" if example.get("expect", {}).get("ok") is False else "other")
            of_intent[intent] += 1
            counts["queries"] += 1
            counts["ok"] += data["ok"]
            if wrong:
                counts["ok wrong"] += data["ok"]
                misses.append((example["query"], data, wrong))
            else:
                counts["right"] += 1
                by_intent[intent] += 1
        totals.update(counts)
        share = "  ".join(f"{name} {by_intent[name]}/{n}" for name, n in sorted(of_intent.items()))
        print(f"{path.name:28} {counts['queries']:7} {_pct(counts['right'], counts['queries']):>7} "
              f"{counts['ok']:5} {counts['ok wrong']:8}  {share}")
        if args.wrong:
            for query, data, wrong in misses:
                mark = "OK-WRONG" if data["ok"] else "miss"
                print(f"  {mark:8} {query!r}: {data['intent']}/{data['status']} {data['text'][:90]!r}  ({wrong[0]})")
    print(f"{'all':28} {totals['queries']:7} {_pct(totals['right'], totals['queries']):>7} {totals['ok']:5} "
          f"{totals['ok wrong']:8}  ok answers wrong: {_pct(totals['ok wrong'], totals['ok'])}")
    return 0


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
