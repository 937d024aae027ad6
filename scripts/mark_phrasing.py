"""Re-run grammars/phrasing.examples.toml and rewrite its `known_failure` marks to what the code does now.

A mark is a debt, not a pass: it says an example fails today, and tests/test_phrasing.py expects that
failure (a strict xfail) so that the fix which makes the example pass fails the test until its mark is
removed. Run this after merging work that changes answers: it adds a mark to each failing example (a short
reason: "wrong ok: topic answers 'Celsius'", the head of the answer, or "not answered: topic/not_found"),
removes the mark of each example that passes, keeps an existing mark as it is, and lowers
`ok_wrong_at_most` when fewer ok answers are wrong (never raises it: more wrong ok answers is a regression
to fix, not to record). Everything else of the file, notes and comments included, is kept byte for byte.
Read the marks it added: a new mark on an example that passed before is a regression.

    python scripts/mark_phrasing.py          # rewrite the marks, print the score
    python scripts/mark_phrasing.py --check  # print the score and the changes only; exit 1 if any
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PHRASING = REPO / "grammars" / "phrasing.examples.toml"
MARK = re.compile(r"known_failure\s*=")
CEILING = re.compile(r"(?m)^ok_wrong_at_most\s*=\s*(\d+)")


def reason(data: dict[str, Any] | Exception, wrong: list[str]) -> str | None:
    """Why an example fails, short; None when it passes."""
    if isinstance(data, Exception):
        return f"raises {type(data).__name__}"
    if not wrong:
        return None
    if data["ok"]:
        return f"wrong ok: {data['intent']} answers {data['text'].partition(': ')[0][:40]!r}"
    if any(part.startswith(("status: expected 'ok'", "ok: expected True")) for part in wrong):
        return f"not answered: {data['intent']}/{data['status']}"
    return f"wrong: {wrong[0][:60]}"


def rewrite(text: str, reasons: list[str | None], ok_wrong: int) -> str:
    """`text` with a known_failure line in each [[example]] whose reason is not None (an existing one is
    kept) and none in the others, and `ok_wrong_at_most` lowered to `ok_wrong` if that is less."""
    lines = text.splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line.strip() == "[[example]]"]
    if len(starts) != len(reasons):
        raise ValueError(f"{len(starts)} [[example]] tables, {len(reasons)} results")
    out = lines[: starts[0]] if starts else lines
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        block = lines[start:end]
        marked = any(MARK.match(line) for line in block)
        if reasons[number] is None:
            block = [line for line in block if not MARK.match(line)]
        elif not marked:
            last = max(i for i, line in enumerate(block) if line.strip() and not line.lstrip().startswith("#"))
            if not block[last].endswith("\n"):
                block[last] += "\n"
            block.insert(last + 1, f"known_failure = {json.dumps(reasons[number])}\n")
        out += block
    result = "".join(out)
    found = CEILING.search(result)
    if found and ok_wrong < int(found.group(1)):
        result = result[: found.start(1)] + str(ok_wrong) + result[found.end(1):]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a mark would change")
    parser.add_argument("--wrong", action="store_true", help="list every miss")
    args = parser.parse_args()
    sys.path[:0] = [str(REPO / "tests"), str(REPO / "benchmarks")]
    from score_corpora import HEADER, Tally

    from corpus import load, mismatches
    from queryrouter import Router

    text = PHRASING.read_bytes().decode("utf-8")  # as it is: no newline translation
    examples = load(PHRASING)
    router = Router(strict=True)
    tally = Tally(PHRASING.name)
    reasons: list[str | None] = []
    for example in examples:
        try:
            data: dict[str, Any] | Exception = router.route(example["query"]).to_dict()
        except Exception as error:
            data = error
        wrong = [f"raises {data!r}"] if isinstance(data, Exception) else mismatches(example, data)
        reasons.append(reason(data, wrong))
        if not isinstance(data, Exception):
            tally.add(example, data, wrong)
    ok_wrong = tally.counts["ok wrong"]
    print(HEADER)
    print(tally.line())
    if args.wrong:
        print("\n".join(tally.miss_lines()))

    added = [e["query"] for e, r in zip(examples, reasons) if r is not None and "known_failure" not in e]
    removed = [e["query"] for e, r in zip(examples, reasons) if r is None and "known_failure" in e]
    ceiling = CEILING.search(text)
    print(f"marks: {sum(r is not None for r in reasons)} (added {len(added)}, removed {len(removed)}); "
          f"ok answers wrong: {ok_wrong}, ok_wrong_at_most: {ceiling.group(1) if ceiling else '-'}")
    for query in added:
        print(f"  + {query!r}")
    for query in removed:
        print(f"  - {query!r}")
    if ceiling and ok_wrong > int(ceiling.group(1)):
        print("more ok answers are wrong than ok_wrong_at_most allows: fix them (the ceiling is raised by hand "
              "only)", file=sys.stderr)
    new = rewrite(text, reasons, ok_wrong)
    if args.check:
        return int(new != text)
    if new != text:
        PHRASING.write_bytes(new.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
