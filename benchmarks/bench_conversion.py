"""Conversion speed, as ratios against pint measured in the same process (not a timed test).

Run: python benchmarks/bench_conversion.py [--rounds N]

Prints, each as a median per call:
- a repeated unit pair through Units.convert (the factor cache), against pint's Quantity(...).to(...);
- route() over a mix of conversion queries, against pint's `ureg.parse_expression(q).to(u)` for the same
  amounts, so the ratio says what the whole pipeline (normalize, two LALR parses, answer) costs next to
  pint's own parser doing only the arithmetic.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from fractions import Fraction

# (query for route(), pint expression, pint target): the same conversion both ways.
MIX: list[tuple[str, str, str]] = [
    ("19.2 lbs to kg", "19.2 pound", "kilogram"),
    ("5 miles to km", "5 mile", "kilometer"),
    ("1 kwh to joules", "1 kilowatt_hour", "joule"),  # (pint's parser rejects "100 degF" arithmetic)
    ("3 cups to ml", "3 cup", "milliliter"),
    ("how many ounces in a pound", "1 pound", "ounce"),
    ("5 ft 3 in to cm", "5 foot + 3 inch", "centimeter"),
    ("60 mph to km/h", "60 mile / hour", "kilometer / hour"),
    ("2.5 kg in lb", "2.5 kilogram", "pound"),
    ("500 sq ft to m2", "500 foot ** 2", "meter ** 2"),
    ("1 gallon to liters", "1 gallon", "liter"),
]


def median_us(call: Callable[[int], object], rounds: int) -> float:
    """Median wall time of one call, in microseconds, over `rounds` calls after a warm-up."""
    for index in range(min(rounds, 200)):
        call(index)
    times = []
    for index in range(rounds):
        start = time.perf_counter()
        call(index)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    import pint

    from queryrouter import Router

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5000)
    rounds = parser.parse_args().rounds

    router = Router()
    ureg = pint.UnitRegistry()
    units = router.units
    pound, kilogram = units.lookup("lb"), units.lookup("kg")
    assert pound is not None and kilogram is not None
    value = Fraction(192, 10)

    pair = median_us(lambda i: units.convert(value, pound, kilogram), rounds)
    pint_pair = median_us(lambda i: ureg.Quantity(19.2, "pound").to("kilogram"), rounds)
    routed = median_us(lambda i: router.route(MIX[i % len(MIX)][0]), rounds)
    pint_mix = median_us(lambda i: ureg.parse_expression(MIX[i % len(MIX)][1]).to(MIX[i % len(MIX)][2]), rounds)

    print(f"repeated unit pair   Units.convert {pair:8.2f} us   pint Quantity.to   {pint_pair:8.2f} us   "
          f"ratio {pair / pint_pair:.3f}")
    print(f"conversion mix       route()       {routed:8.2f} us   pint parse+to      {pint_mix:8.2f} us   "
          f"ratio {routed / pint_mix:.3f}")


if __name__ == "__main__":
    main()
