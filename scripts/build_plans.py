"""Build data/plans.txt: the plans of common query shapes, learned the long way. The wheel's build hook
(hatch_build.py) runs it for every wheel and editable install; the file is never committed.

    python scripts/build_plans.py [--output FILE] [--spec common_shapes.toml] [--jobs N]

Every query that scripts/common_shapes.toml describes is routed by a Router that learns shape plans as
usual (each one checked against a probe with other amounts) and reads none from the shipped file; the
plans it kept are written with the fingerprint of what decides answers (fingerprints.content_fingerprint:
the deciding code, grammars, data and pint's definitions). After a change to any of those the router
ignores the file (answers stay right, first queries get slow) until it is built again. The output depends
only on those inputs, so an unchanged build writes the same bytes. Shapes are shared out among worker
processes, each learning whole shapes, so the result does not depend on how many there are.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
import tomllib
import zlib
from pathlib import Path
from typing import Any

from queryrouter import Router
from queryrouter.fastpath.plan_store import SHIPPED_PLANS
from queryrouter.fastpath.shapes import shape
from queryrouter.fingerprints import content_fingerprint

SHAPES = Path(__file__).resolve().parent / "common_shapes.toml"


def queries(spec: dict[str, Any]) -> list[str]:
    """One query per shape to ship: conversions within each quantity (with a decimal comma, with the first
    letter capitalized, and below zero where the quantity has that), kitchen conversions, then the other
    templates, each slot with every amount."""
    amounts = spec["amounts"]
    found = [template.format(amount=amount, source=source, target=target)
             for spellings in spec["units"].values() for source, target in itertools.permutations(spellings, 2)
             for template in spec["conversion_templates"] for amount in amounts]
    found += [capitalized[:1].upper() + capitalized[1:]
              for spellings in spec["units"].values() for source, target in itertools.permutations(spellings, 2)
              for template in spec["sentence_case_templates"] for amount in amounts
              if (capitalized := template.format(amount=amount, source=source, target=target))]
    found += [template.format(amount=spec["comma_amount"], source=source, target=target)
              for spellings in spec["units"].values() for source, target in itertools.permutations(spellings, 2)
              for template in spec["comma_templates"]]
    found += [template.format(amount=amount, source=source, target=target)
              for quantity in spec["signed_quantities"]
              for source, target in itertools.permutations(spec["units"][quantity], 2)
              for template in spec["signed_templates"] for amount in amounts]
    kitchen = spec["ingredients"]
    found += [template.format(amount=amount, volume=volume, ingredient=ingredient, mass=mass)
              for template in kitchen["templates"] for ingredient in kitchen["names"]
              for volume in kitchen["volumes"] for mass in kitchen["masses"] for amount in amounts]
    found += [template.format(amount=amount, source=source, ingredient=ingredient, target=target)
              for template in kitchen["between_masses"] for ingredient in kitchen["names"]
              for source, target in itertools.permutations(kitchen["masses"], 2) for amount in amounts]
    for template in spec["templates"]:
        for chosen in itertools.product(amounts, repeat=template.count("{amount}")):
            query = template
            for amount in chosen:
                query = query.replace("{amount}", amount, 1)
            found.append(query)
    return list(dict.fromkeys(found))  # a template without an amount gives one query, not one per amount


def learn(batch: list[str]) -> list[tuple[str, int, str, str]]:
    """(shape key, growth, kind, plan JSON) of every shape the queries of `batch` teach a fresh Router."""
    router = Router(strict=True, shipped_plans=False, cache_size=2 * len(batch) + 1)
    for query in batch:
        router.route(query)
    learned = router._fast._plans.items()
    return [(key, plan.growth, plan.kind, plan.to_json()) for key, plan in learned if plan is not None]


def build(output: str, spec: Path = SHAPES, jobs: int = 0) -> str:
    """Write the plans of `spec`'s queries to `output`; returns a line saying what was written."""
    started = time.perf_counter()
    with spec.open("rb") as handle:
        every = queries(tomllib.load(handle))
    jobs = jobs or min(4, os.cpu_count() or 1)
    batches: list[list[str]] = [[] for _ in range(jobs)]
    for query in every:  # a shape's queries go to one worker: each learns whole shapes
        found = shape(query)
        batches[zlib.crc32((found.key if found else query).encode()) % jobs].append(query)
    if jobs == 1:
        learned = learn(every)
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            learned = [row for rows in pool.map(learn, batches) for row in rows]
    plans: dict[tuple[str, str], int] = {}
    shapes = []
    for key, growth, kind, plan in sorted(learned):
        number = plans.setdefault((kind, plan), len(plans))
        shapes.append(f"{json.dumps(key)}\t{growth}\t{number}\n")
    # Sorted by their bytes (UTF-8 keeps code point order), so plan_store.ShippedPlans finds a line by bisection.
    lines = [f"# Plans of common query shapes, written by scripts/build_plans.py from {spec.name}; "
             f"do not edit. Built from {content_fingerprint()}\n",
             *sorted([*shapes, *[f"={number}\t{kind}\t{plan}\n" for (kind, plan), number in plans.items()]])]
    Path(output).write_text("".join(lines), encoding="utf-8")
    return (f"{len(every):,} queries -> {len(shapes):,} shapes, {len(plans):,} plans in {output} "
            f"({time.perf_counter() - started:.0f} s, {jobs} processes)")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--output", default=SHIPPED_PLANS, help="where to write (default: %(default)s)")
    options.add_argument("--spec", type=Path, default=SHAPES, help="the shapes to learn (default: %(default)s)")
    options.add_argument("--jobs", type=int, default=0, help="worker processes (default: up to 4, one per core)")
    args = options.parse_args()
    print(build(args.output, args.spec, args.jobs), file=sys.stderr)


if __name__ == "__main__":
    main()
