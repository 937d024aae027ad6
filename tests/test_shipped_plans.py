"""The plans shipped in data/plans.txt (plan_store.ShippedPlans): built by their script the same whatever
the number of processes, in use, the same answers as the long way, and never used where they could differ
from it."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from queryrouter import Router
from queryrouter.fastpath.plan_store import SHIPPED_PLANS, ShippedPlans, shipped_plans
from queryrouter.fastpath.shapes import Shape

REPO = Path(__file__).resolve().parents[1]
FULL = Router(strict=True, cache_size=0)  # every query the long way
SMALL_SPEC = """
amounts = ["7", "2.5"]
conversion_templates = ["{amount} {source} to {target}", "{source} in {target}"]
sentence_case_templates = ["{source} to {target}"]
comma_amount = "2,5"
comma_templates = ["{amount} {source} in {target}"]
signed_templates = ["-{amount} {source} to {target}"]
signed_quantities = ["temperature"]
templates = ["{amount}% of {amount}", "{amount} ft {amount} in to cm"]
[units]
mass = ["lb", "kg", "oz"]
temperature = ["c", "f"]
[ingredients]
templates = ["{amount} {volume} {ingredient} in {mass}"]
between_masses = []
names = ["flour"]
volumes = ["cups"]
masses = ["grams"]
"""


def test_the_shipped_plans_are_in_use(current_shipped_plans: list[str]) -> None:
    assert len(current_shipped_plans) > 10_000
    assert "\0.\0 lb to kg" in current_shipped_plans and "\0% of \0" in current_shipped_plans


def test_the_build_is_the_same_in_one_process_and_in_several(tmp_path: Path) -> None:
    """The file depends only on the spec and the code: workers each learn whole shapes."""
    spec = tmp_path / "shapes.toml"
    spec.write_text(SMALL_SPEC, encoding="utf-8")
    built = []
    for jobs in ("1", "3"):
        output = tmp_path / f"plans-{jobs}.txt"
        subprocess.run([sys.executable, str(REPO / "scripts" / "build_plans.py"), "--spec", str(spec),
                        "--output", str(output), "--jobs", jobs], check=True, capture_output=True, timeout=300)
        built.append(output.read_bytes())
    assert built[0] == built[1]
    lines = built[0].decode().splitlines()
    assert len([line for line in lines if line.startswith('"')]) > 20 and lines[1:] == sorted(lines[1:])
    assert ShippedPlans.load(str(tmp_path / "plans-1.txt")) is not None  # built from this code


@pytest.mark.parametrize("seed", range(5))
def test_shipped_plans_answer_as_the_long_way(seed: int, current_shipped_plans: list[str]) -> None:
    """A sample of shipped shapes (all of them would take minutes), and every one with several amounts,
    with new amounts: the Result and the batch record equal the full pipeline's."""
    rng = random.Random(seed)
    router = Router(strict=True)
    keys = current_shipped_plans
    several_amounts = [key for key in keys if len(re.findall(r"\0(?:\.\0)?", key)) > 1]  # calculations, ft and in
    for key in several_amounts if seed == 0 else rng.sample(keys, 250):
        numbers = tuple(f"{rng.randint(0, 99_999)}" + (f".{rng.randint(0, 999)}" if slot.group(1) else "")
                        for slot in re.finditer(r"\0(\.\0)?", key))
        query = Shape(key, numbers).text()
        expected = FULL.route(query)
        assert router.route(query) == expected, query
        assert router.record(query) == (expected.ok, expected.to_json()), query
    assert all(plan is not None for plan in router._fast._plans.values())


@pytest.mark.parametrize("router", [Router(volume_system="imperial"), Router(unit_definitions=["smoot = 67 * inch"]),
                                    Router(answerers={"topic": lambda *_: None}), Router(shipped_plans=False),
                                    Router(cache_size=0)],
                         ids=["imperial", "unit definitions", "answerers", "turned off", "no shapes"])
def test_routers_with_other_units_or_no_shapes_do_not_read_them(router: Router,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """They were learned with the default units: a UK cup is not a US one."""
    monkeypatch.setattr("queryrouter.fastpath.plan_store.shipped_plans", lambda: pytest.fail("read the shipped plans"))
    expected = "3 cup (UK) = 852.4 ml" if router.volume_system == "imperial" else "3 cup = 709.8 ml"
    assert router.route("3 cups to ml").text == expected


def test_plans_built_from_other_code_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  current_shipped_plans: list[str]) -> None:
    copy = tmp_path / "plans.txt"
    copy.write_bytes(Path(SHIPPED_PLANS).read_bytes())
    assert ShippedPlans.load(str(copy)) is not None
    monkeypatch.setattr("queryrouter.fastpath.plan_store.content_fingerprint", lambda: "35-0000000000000000")
    assert ShippedPlans.load(str(copy)) is None
    assert ShippedPlans.load(str(tmp_path / "missing.txt")) is None


def test_bisection_finds_every_shipped_line_and_nothing_else(current_shipped_plans: list[str]) -> None:
    """Each shape's line and each plan's, found in the memory map by bisection, is the line the file holds;
    keys between and around them are not found."""
    shipped = shipped_plans()
    assert shipped is not None
    lines = Path(SHIPPED_PLANS).read_text(encoding="utf-8").splitlines()[1:]
    assert lines == sorted(lines)
    for line in lines:
        head, _, rest = line.partition("\t")
        assert shipped._line(head) == rest
    for missing in ("", "\0 lb to florbs", "behemoth", "~", "=", "=99999", "\0 lb to k", "\0 lb to kgs!"):
        assert shipped.get(missing) is None


def test_a_damaged_shipped_plan_only_costs_speed() -> None:
    table = ShippedPlans(b'# header\n"\\u0000 lb to kg"\t0\t0\n"\\u0000 kg to lb"\tx\t1\n'
                         b'=0\tconversion\t{"reading": 1}\n')
    assert table.get("\0 lb to kg") is None and table.get("\0 kg to lb") is None and table.get("\0 m to ft") is None
    assert ShippedPlans(b'# header\n"\\u0000 lb to kg"\t0').get("\0 lb to kg") is None  # cut short
