"""Build src/queryrouter/data/plans.txt: the plans of common query shapes, learned the long way.

    python scripts/build_plans.py

Every query that scripts/common_shapes.toml describes is routed by a Router that learns shape plans as
usual (each one checked against a probe with other amounts) and reads none from the shipped file; the
plans it kept are written with the fingerprint of the code, grammars, data and pint definitions they
came from. Until it is run again after a change to any of those, the router ignores the file (answers
stay right, first queries get slow) and tests/test_shipped_plans.py fails. The output depends only on
those inputs, so an unchanged build rewrites the same bytes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from queryrouter import Router
from queryrouter.fastpath.plan_store import SHIPPED_PLANS
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


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--output", default=SHIPPED_PLANS, help="where to write (default: %(default)s)")
    output = options.parse_args().output
    started = time.perf_counter()
    with SHAPES.open("rb") as handle:
        every = queries(tomllib.load(handle))
    router = Router(strict=True, shipped_plans=False, cache_size=2 * len(every))
    for query in every:
        router.route(query)
    plans: dict[tuple[str, str], int] = {}
    shapes = []
    for key, plan in sorted(router._plans.items()):  # noqa: SLF001 - what the router learned
        if plan is not None:
            number = plans.setdefault((plan.prepared.KIND, plan.prepared.to_json()), len(plans))
            shapes.append(f"{json.dumps(key)}\t{plan.growth}\t{number}\n")
    # Sorted by their bytes (UTF-8 keeps code point order), so plan_store.ShippedPlans finds a line by bisection.
    lines = [f"# Plans of common query shapes, written by scripts/build_plans.py from scripts/common_shapes.toml; "
             f"do not edit. Built from {content_fingerprint()}\n",
             *sorted([*shapes, *[f"={number}\t{kind}\t{plan}\n" for (kind, plan), number in plans.items()]])]
    Path(output).write_text("".join(lines), encoding="utf-8")
    print(f"{len(every):,} queries -> {len(shapes):,} shapes, {len(plans):,} plans in {output} "
          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
