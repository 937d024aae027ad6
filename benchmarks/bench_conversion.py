"""Conversion speed, as ratios against pint measured in the same process (not a timed test).

Run: python benchmarks/bench_conversion.py [--queries N]

Prints, each as a median per call:
- a repeated unit pair through Units.convert (the factor cache), against pint's Quantity(...).to(...);
- route() over a mix of conversions with new amounts in every query, as a search box sends them, against
  pint's `ureg.parse_expression(e).to(u)` on the same amounts. The Result cache never hits; the shape plans
  do ("19.2 lbs to kg" and "3 lbs to kg" share the shape "# lbs to kg");
- the same mix on a Router with no caches: every query read by the whole pipeline (normalize, the LALR
  parses, unit lookup, answer), which is what the first query of each shape costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from fractions import Fraction

# (query, the same conversion as pint's own expression, pint's target); {} is an amount.
TEMPLATES: list[tuple[str, str, str]] = [
    ("{} lbs to kg", "{} lb", "kg"), ("{} kelvin to celsius", "{} kelvin", "degC"),
    ("{} oz chocolate in grams", "{} oz", "g"), ("{} ft {} in to cm", "{} ft + {} inch", "cm"),
    ("{} km/h to mph", "{} km/h", "mph"), ("{} cups to ml", "{} cup", "ml"),
    ("{} miles to km", "{} mile", "km"), ("{} kg to stone", "{} kg", "stone"),
    ("{} gallon to liters", "{} gallon", "liter"), ("{} ml to fl oz", "{} ml", "floz"),
]


def fresh_mix(count: int, seed: int = 20261126) -> list[tuple[str, str, str]]:
    """`count` conversions cycling through TEMPLATES, each with new amounts (whole or decimal)."""
    rng = random.Random(seed)

    def amount() -> str:
        return str(rng.randint(1, 999)) if rng.random() < 0.5 else f"{rng.randint(0, 999)}.{rng.randint(1, 99)}"

    mix = []
    for index in range(count):
        query, expression, target = TEMPLATES[index % len(TEMPLATES)]
        amounts = [amount() for _ in range(query.count("{}"))]
        mix.append((query.format(*amounts), expression.format(*amounts), target))
    return mix


def median_over(call: Callable[[tuple[str, str, str]], object], mix: list[tuple[str, str, str]]) -> float:
    """Median wall time of `call` over the items of `mix`, one call each, in microseconds."""
    times = []
    for item in mix:
        start = time.perf_counter()
        call(item)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    import pint

    from queryrouter import Router

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=20000)
    count = parser.parse_args().queries

    warm, mix = fresh_mix(len(TEMPLATES), seed=1), fresh_mix(count)
    planned, uncached = Router(), Router(cache_size=0)
    for query, _, _ in warm:  # pint, lark and the shapes loaded once, as in a long-running app
        planned.route(query)
        uncached.route(query)
    ureg = pint.UnitRegistry()
    units = planned.units
    pound, kilogram = units.lookup("lb"), units.lookup("kg")
    assert pound is not None and kilogram is not None
    value = Fraction(192, 10)

    pair = median_over(lambda _: units.convert(value, pound, kilogram), mix)
    pint_pair = median_over(lambda _: ureg.Quantity(19.2, "pound").to("kilogram"), mix)
    routed = median_over(lambda item: planned.route(item[0]), mix)
    pint_mix = median_over(lambda item: ureg.parse_expression(item[1]).to(item[2]), mix)
    cold = median_over(lambda item: uncached.route(item[0]), mix[: count // 4])

    print(f"repeated unit pair        Units.convert {pair:8.2f} us   pint Quantity.to {pint_pair:8.2f} us   "
          f"ratio {pair / pint_pair:.3f}")
    print(f"mix, new amounts          route()       {routed:8.2f} us   pint parse+to    {pint_mix:8.2f} us   "
          f"ratio {routed / pint_mix:.3f}")
    print(f"mix, no caches at all     route()       {cold:8.2f} us   pint parse+to    {pint_mix:8.2f} us   "
          f"ratio {cold / pint_mix:.3f}")


if __name__ == "__main__":
    main()
