"""Measure queryrouter on the blind corpora (benchmarks/corpora/*.toml and grammars/phrasing.examples.toml, or
the files given): how many queries it answers rightly, and how many of its ok answers are wrong.

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
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from corpus import load, mismatches  # noqa: E402 - found through the path above
from queryrouter import Router  # noqa: E402

PHRASING = REPO / "grammars" / "phrasing.examples.toml"
HEADER = f"{'corpus':28} {'queries':>7} {'right':>7} {'ok':>5} {'ok wrong':>8}  right by expected intent"


class Tally:
    """The figures of one corpus: queries, right, ok, ok wrong, right by expected intent, and the misses."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: Counter[str] = Counter()
        self.by_intent: Counter[str] = Counter()
        self.of_intent: Counter[str] = Counter()
        self.misses: list[tuple[str, dict[str, Any], list[str]]] = []

    def add(self, example: dict[str, Any], data: dict[str, Any], wrong: list[str]) -> None:
        """Count one example, given its Result's to_dict() and what it got wrong ([] when right)."""
        intent = example.get("intent", "refuse" if example.get("expect", {}).get("ok") is False else "other")
        self.of_intent[intent] += 1
        self.counts["queries"] += 1
        self.counts["ok"] += data["ok"]
        if wrong:
            self.counts["ok wrong"] += data["ok"]
            self.misses.append((example["query"], data, wrong))
        else:
            self.counts["right"] += 1
            self.by_intent[intent] += 1

    def line(self) -> str:
        share = "  ".join(f"{name} {self.by_intent[name]}/{n}" for name, n in sorted(self.of_intent.items()))
        return (f"{self.name:28} {self.counts['queries']:7} {_pct(self.counts['right'], self.counts['queries']):>7} "
                f"{self.counts['ok']:5} {self.counts['ok wrong']:8}  {share}")

    def miss_lines(self) -> list[str]:
        return [f"  {'OK-WRONG' if data['ok'] else 'miss':8} {query!r}: {data['intent']}/{data['status']} "
                f"{data['text'][:90]!r}  ({wrong[0]})" for query, data, wrong in self.misses]


def judge(example: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """What the Result got wrong; an example that names no status is also right when nothing is answered
    (a word the dictionary may lack)."""
    wrong = mismatches(example, data)
    if wrong and not data["ok"] and "status" not in example and "ok" not in example.get("expect", {}):
        return []
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path,
                        help="corpus files (default: benchmarks/corpora/*.toml and grammars/phrasing.examples.toml)")
    parser.add_argument("--wrong", action="store_true", help="list every miss")
    args = parser.parse_args()
    files = args.files or [*sorted((REPO / "benchmarks" / "corpora").glob("*.toml")), PHRASING]
    router = Router()
    print(HEADER)
    totals: Counter[str] = Counter()
    for path in files:
        tally = Tally(path.name)
        for example in load(path):
            data = router.route(example["query"]).to_dict()
            tally.add(example, data, judge(example, data))
        totals.update(tally.counts)
        print(tally.line())
        if args.wrong:
            print("\n".join(tally.miss_lines()))
    print(f"{'all':28} {totals['queries']:7} {_pct(totals['right'], totals['queries']):>7} {totals['ok']:5} "
          f"{totals['ok wrong']:8}  ok answers wrong: {_pct(totals['ok wrong'], totals['ok'])}")
    return 0


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
