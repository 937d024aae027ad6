"""Does confidence mean something? The reliability table of queryrouter's ok answers on the labelled corpora
(benchmarks/corpora/labelled_*.toml: 840 queries of a day of a search box, written blind), and the floor
that `Router(min_confidence=...)` defaults to.

For each confidence band: how many ok answers fall in it and what share of them is right, judged as
benchmarks/score_corpora.py judges (tests/corpus.py). The floor is fitted on one file and reported on the
other, both ways: the lowest floor at which the ok answers left are at least TARGET right while no more than
MAX_LOST of the right ok answers fall below it. Answers are taken with no floor (min_confidence=0), so each
keeps the confidence the arbiter gave it.

    python benchmarks/reliability.py              # the table (markdown), the fits, the default's figures
    python benchmarks/reliability.py FILE...      # the same on other corpora
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_corpora import judge  # noqa: E402

from corpus import load  # noqa: E402 - found through the path above
from queryrouter import Router  # noqa: E402
from queryrouter.router import MIN_CONFIDENCE  # noqa: E402

LABELLED = sorted((REPO / "benchmarks" / "corpora").glob("labelled_*.toml"))
BANDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0001)
TARGET = 0.98
"""Share of the ok answers left above the floor that must be right."""
MAX_LOST = 0.05
"""Share of the right ok answers that the floor may turn into suggestions."""


@dataclass(frozen=True)
class Answer:
    """One ok answer: its confidence and whether it is right."""

    confidence: float
    right: bool


def answers(path: Path, router: Router) -> list[Answer]:
    """The ok answers to a corpus, with no floor."""
    found = []
    for example in load(path):
        data = router.route(example["query"]).to_dict()
        if data["ok"]:
            found.append(Answer(data["confidence"], not judge(example, data)))
    return found


def table(found: list[Answer]) -> list[str]:
    """The reliability table in markdown: per band, ok answers and the share right."""
    lines = ["| confidence | ok answers | right | share right |", "|---|---:|---:|---:|"]
    for low, high in pairwise(BANDS):
        band = [a for a in found if low <= a.confidence < high]
        if not band:
            continue
        right = sum(a.right for a in band)
        label = f"{low:.2f}–{min(high, 1.0):.2f}" if high <= 1.0 else f"{low:.2f}–1.00"
        lines.append(f"| {label} | {len(band)} | {right} | {_pct(right, len(band))} |")
    right = sum(a.right for a in found)
    lines.append(f"| all | {len(found)} | {right} | {_pct(right, len(found))} |")
    return lines


def at_floor(found: list[Answer], floor: float) -> tuple[float, float, int, int]:
    """(share right of the ok answers kept, share of right answers lost, kept, lost right)."""
    kept = [a for a in found if a.confidence >= floor]
    right = sum(a.right for a in found)
    lost = sum(a.right for a in found if a.confidence < floor)
    share = sum(a.right for a in kept) / len(kept) if kept else 1.0
    return share, (lost / right if right else 0.0), len(kept), lost


def fit(found: list[Answer]) -> float | None:
    """The lowest floor (among the answers' own confidences) meeting TARGET without losing over MAX_LOST."""
    for floor in sorted({0.0, *(a.confidence for a in found)}):
        share, lost, _kept, _lost = at_floor(found, floor)
        if lost > MAX_LOST:
            return None
        if share >= TARGET:
            return floor
    return None


def summary(name: str, found: list[Answer], floor: float) -> str:
    share, lost, kept, lost_right = at_floor(found, floor)
    return (f"{name}: floor {floor:.3f}: {kept} ok answers kept, {share:.1%} right; "
            f"{lost_right} right answers lost ({lost:.1%})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="corpus files (default: the labelled corpora)")
    args = parser.parse_args()
    files = args.files or LABELLED
    router = Router(min_confidence=0.0)
    by_file = {path.name: answers(path, router) for path in files}
    every = [a for found in by_file.values() for a in found]
    print(f"Reliability of ok answers on {', '.join(by_file)} (no floor):\n")
    print("\n".join(table(every)))
    print()
    for name, found in by_file.items():
        floor = fit(found)
        if floor is None:
            print(f"fitted on {name}: no floor meets {TARGET:.0%} right losing at most {MAX_LOST:.0%}")
            continue
        print(f"fitted on {name}: {summary(name, found, floor)}")
        for other, held_out in by_file.items():
            if other != name:
                print(f"  held out {summary(other, held_out, floor)}")
    print(f"\nthe default, min_confidence={MIN_CONFIDENCE}:")
    for name, found in [*by_file.items(), ("all", every)]:
        print(f"  {summary(name, found, MIN_CONFIDENCE)}")
    return 0


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
