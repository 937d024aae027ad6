"""Shape plans on disk (plan_store.py): shared between processes, hidden by any change to what they were
derived from, and never a reason for a wrong answer or an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from queryrouter import Router
from queryrouter.fastpath.plan_store import PlanStore, checksum
from queryrouter.fastpath.plans import from_json
from queryrouter.fastpath.shapes import shape
from queryrouter.fingerprints import fingerprint
from queryrouter.prepared import Prepared

GRAMMARS = Path(__file__).resolve().parents[1] / "grammars"
CONVERSIONS = [example["query"] for example in
               tomllib.loads((GRAMMARS / "conversion.examples.toml").read_text(encoding="utf-8"))["example"]]
CALCULATIONS = [example["query"] for example in
                tomllib.loads((GRAMMARS / "calculation.examples.toml").read_text(encoding="utf-8"))["example"]]
FULL = Router(strict=True, cache_size=0)


def test_every_corpus_plan_survives_its_json(tmp_path: Path) -> None:
    router = Router(strict=True, shipped_plans=False, plan_store=tmp_path / "plans")
    for query in CONVERSIONS:
        router.route(query)
    plans = [plan for plan in router._fast._plans.values() if plan is not None]
    assert len(plans) > 100
    for plan in plans:
        again = from_json(plan.kind, plan.to_json(), plan.growth).decision
        assert isinstance(again, Prepared)
        assert again.apply("q", plan.decision.values) == plan.decision.apply("q", plan.decision.values)


def test_every_corpus_calculation_plan_survives_its_json(tmp_path: Path) -> None:
    from queryrouter.arithmetic import PreparedCalculation

    router = Router(strict=True, shipped_plans=False, plan_store=tmp_path / "plans")
    for query in CALCULATIONS:
        router.route(query)
    learned = [plan for plan in router._fast._plans.values() if plan is not None]
    assert len(learned) > 50 and all(isinstance(plan.decision, PreparedCalculation) for plan in learned)
    for stored in learned:
        again = from_json(stored.kind, stored.to_json(), stored.growth).decision
        plan = stored.decision
        typed = [str(n) for n in range(3, 3 + plan.amounts)]
        values = [Fraction(text) for text in typed]
        assert again.apply("q", plan.values) == plan.apply("q", plan.values)
        assert again.apply("q", values, typed) == plan.apply("q", values, typed)


def test_a_second_router_answers_a_stored_shape_without_parsing(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plans"
    Router(strict=True, shipped_plans=False, plan_store=path).route("19.2 lbs to kg")
    expected = FULL.route("3.5 lbs to kg")
    monkeypatch.setattr("queryrouter.router.parse", lambda *_: pytest.fail("parsed"))
    assert Router(strict=True, shipped_plans=False, plan_store=path).route("3.5 lbs to kg") == expected


def test_plans_of_other_unit_options_are_not_seen(tmp_path: Path) -> None:
    path = tmp_path / "plans"
    Router(strict=True, shipped_plans=False, plan_store=path).route("2 cups to ml")
    imperial = Router(strict=True, shipped_plans=False, plan_store=path, volume_system="imperial")
    assert imperial.route("3 cups to ml").text == "3 cup (UK) = 852.4 ml"  # not the US 709.8 ml


DAMAGE = {
    "not a folder": None,
    "garbage": lambda stored: "\udcff not json",
    "another shape": lambda stored: {**stored, "shape": "\0 kg to lb"},  # a hash collision
    "no growth": lambda stored: {**stored, "growth": "1"},
    "a unit less": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p["reading"]["legs"].pop())},
    "text factor": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p["reading"]["legs"][0]
                                                            .update(factor="2"))},
    "zero factor": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p["reading"]["legs"][0]
                                                            .update(factor=0))},
    "NaN factor": lambda stored: {**stored, "plan": stored["plan"].replace('"factor": 2.54', '"factor": NaN')},
    "no parts": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p.update(parts={
        "units": [["inch", "in", 1.0]], "to_smallest": 1.0}))},
}


def _plan_text(stored: Path) -> str:
    """The JSON of a plan file, after its checksum line."""
    return stored.read_bytes().partition(b"\n")[2].decode("utf-8")


def _rewrite(stored: Path, text: str) -> None:
    """`text` as the plan, with the checksum put would give it: damage that only this user's own code could
    have made, which the checks of the plan's content must catch."""
    data = text.encode("utf-8", "surrogatepass")
    stored.write_bytes(checksum(stored.parent.name, data) + b"\n" + data)


def _edit(plan: str, change: object) -> str:
    data = json.loads(plan)
    change(data)  # type: ignore[operator]
    return json.dumps(data)


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_only_costs_speed(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "plans"
    if damage == "not a folder":
        path.write_text("a file where the folder should be")
    else:
        Router(strict=True, shipped_plans=False, plan_store=path).route("5 ft 3 in to cm")
        [stored] = path.glob("*/*.json")
        changed = DAMAGE[damage](json.loads(_plan_text(stored)))  # type: ignore[misc]
        _rewrite(stored, changed if isinstance(changed, str) else json.dumps(changed))
    router = Router(strict=True, shipped_plans=False, plan_store=path)
    for query in ("6 ft 2 in to cm", "5 ft 3 in to cm", "-40 c to f", "5 kg to lb"):
        assert router.route(query) == FULL.route(query)


CALCULATION_DAMAGE = {
    "unknown kind": lambda stored: {**stored, "kind": "magic"},
    "no kind": lambda stored: {key: value for key, value in stored.items() if key != "kind"},
    "an operation": lambda stored: {**stored, "plan": stored["plan"].replace('"product"', '"eval"')},
    "an operator": lambda stored: {**stored, "plan": stored["plan"].replace('"×"', '"__import__"')},
    "an argument less": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p["node"]["args"].pop())},
    "no operator": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p["node"].update(ops=[]))},
    "a huge number": lambda stored: {**stored, "plan": stored["plan"].replace('"value": "80"',
                                                                              f'"value": "{"9" * 5000}"')},
    "a float value": lambda stored: {**stored, "plan": stored["plan"].replace('"value": "80"', '"value": 80.5')},
    "a text position": lambda stored: {**stored, "plan": stored["plan"].replace('"position": 0', '"position": "0"')},
    "a form": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p.update(form="exec"))},
    "deep": lambda stored: {**stored, "plan": _edit(stored["plan"], lambda p: p.update(
        node=_nest(p["node"], 40)))},
}


def _nest(node: dict[str, object], depth: int) -> dict[str, object]:
    for _ in range(depth):
        node = {"op": "group", "args": [node], "ops": []}
    return node


@pytest.mark.parametrize("damage", CALCULATION_DAMAGE)
def test_a_damaged_calculation_plan_only_costs_speed(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "plans"
    Router(strict=True, shipped_plans=False, plan_store=path).route("15% of 80")
    [stored] = path.glob("*/*.json")
    original = _plan_text(stored)
    _rewrite(stored, json.dumps(CALCULATION_DAMAGE[damage](json.loads(original))))  # type: ignore[no-untyped-call]
    assert _plan_text(stored) != original
    router = Router(strict=True, shipped_plans=False, plan_store=path)
    for query in ("20% of 150", "15% of 80", "0% of 0"):
        assert router.route(query) == FULL.route(query)


def test_plans_made_while_the_files_change_are_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    router = Router(strict=True, shipped_plans=False, plan_store=tmp_path / "plans")  # takes the fingerprint
    monkeypatch.setattr("queryrouter.fastpath.plan_store.code_fingerprint", lambda: "an upgrade landed")
    router.route("19.2 lbs to kg")
    assert not list((tmp_path / "plans").glob("*/*.json"))


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    from queryrouter.fastpath.plan_store import default_path

    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert os.path.isabs(default_path()) and "relative" not in default_path()


def test_an_upgrade_removes_the_old_plans_of_its_options_only(tmp_path: Path) -> None:
    path = tmp_path / "plans"
    Router(strict=True, shipped_plans=False, plan_store=path).route("19.2 lbs to kg")
    Router(strict=True, shipped_plans=False, plan_store=path, volume_system="imperial").route("2 cups to ml")
    [us] = [folder for folder in path.iterdir() if "lbs" in next(folder.glob("*.json")).read_text()]
    [imperial] = [folder for folder in path.iterdir() if folder != us]
    stale = path / f"{us.name.split('-')[0]}-0000000000000000"
    stale.mkdir()
    (stale / "old.json").write_text("{}")
    us.rename(tmp_path / "elsewhere")  # as if this install had never written a plan
    Router(strict=True, shipped_plans=False, plan_store=path).route("3.5 lbs to kg")
    assert not stale.exists() and imperial.exists()


def test_the_fingerprint_follows_file_edits(tmp_path: Path) -> None:
    (tmp_path / "units.toml").write_text("a = 1\n")
    (tmp_path / "notes.md").write_text("ignored\n")
    first = fingerprint([str(tmp_path)])
    assert fingerprint([str(tmp_path)]) == first
    (tmp_path / "notes.md").write_text("not a source or data file\n")
    assert fingerprint([str(tmp_path)]) == first
    (tmp_path / "units.toml").write_text("a = 2.5\n")
    assert fingerprint([str(tmp_path)]) != first


def test_a_full_store_starts_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("queryrouter.fastpath.plan_store.MAX_PLANS", 3)
    store = PlanStore(tmp_path / "plans", "us")
    router = Router(strict=True)
    queries = ["1 lb to kg", "1 kg to lb", "1 m to ft", "1 ft to m"]
    for query in queries:
        router.route(query)
        found = shape(query)
        assert found is not None
        plan = router._fast._plans[found.key]
        assert plan is not None
        store.put(found.key, plan)
    kept = [query for query in queries if store.get(shape(query).key) is not None]  # type: ignore[union-attr]
    assert kept == queries[-1:]


def test_the_command_line_answers_a_known_shape_without_pint_or_lark(tmp_path: Path,
                                                                     current_shipped_plans: list[str]) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    script = ("import sys; from queryrouter.cli import main; main(sys.argv[1:]); "
              "print(sorted(m for m in ('pint', 'lark', 'rapidfuzz') if m in sys.modules))")

    def run(*argv: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env,
                              check=True)
        return done.stdout.splitlines()

    # A shape that does not ship ("into" is not in scripts/common_shapes.toml) is learned once, then kept.
    assert run("19.2", "lbs", "into", "kg") == ["19.2 lb = 8.709 kg", "['lark', 'pint']"]
    assert len(list((tmp_path / "queryrouter" / "plans").glob("*/*.json"))) == 1
    assert run("3.5", "lbs", "into", "kg") == ["3.5 lb = 1.588 kg", "[]"]
    assert run("--no-cache", "3.5", "lbs", "into", "kg") == ["3.5 lb = 1.588 kg", "['lark', 'pint']"]
    assert run("15", "percent", "off", "80") == ["80 - 15% × 80 = 68", "['lark']"]
    assert run("20", "percent", "off", "150") == ["150 - 20% × 150 = 120", "[]"]
    # A shape that ships needs neither, the first time too, and leaves nothing to keep.
    assert run("19.2", "lbs", "to", "kg") == ["19.2 lb = 8.709 kg", "[]"]
    assert run("15%", "of", "80") == ["15% × 80 = 12", "[]"]
    assert run("--no-cache", "15%", "of", "80") == ["15% × 80 = 12", "['lark']"]
    assert len(list((tmp_path / "queryrouter" / "plans").glob("*/*.json"))) == 2


def test_an_empty_plan_store_path_is_a_config_error() -> None:
    from queryrouter import ConfigError

    with pytest.raises(ConfigError, match="plan_store"):
        Router(plan_store="")


# Plans on disk decide answers, so they are data checked before use: each reproduction of the review's
# finding, where a file edited by hand, damaged, swapped for a link, a FIFO or a device, or written into a
# folder another user may write, was answered from (or hung, or failed every query of its shape).


def _learned(path: Path, query: str) -> Path:
    """The plan file a Router learned for `query`'s shape, in the store at `path`."""
    Router(strict=True, shipped_plans=False, plan_store=path).route(query)
    [stored] = path.glob("*/*.json")
    return stored


def _answered_again(path: Path, query: str) -> str:
    """What a new process's Router answers for `query` from the store at `path`, in a child process that
    may not hang (a FIFO) or fill memory (a link to /dev/zero) for long."""
    script = ("import sys; from queryrouter import Router; "
              "print(Router(strict=True, shipped_plans=False, plan_store=sys.argv[1]).route(sys.argv[2]).text)")

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run([sys.executable, "-c", script, str(path), query], capture_output=True, text=True,
                          timeout=60, preexec_fn=limit_memory, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(("query", "edit", "again", "expected"), [
    # the factor of furlong to fathom, doubled: answered 4510 fathom
    ("1.5 furlongs into fathoms", ("110.00022000043998", "220.00044000087996"), "20.5 furlongs into fathoms",
     "20.5 fur = 2255 fathom"),
    # a decrease made an increase: answered 92
    ("15 percent off 80", ('\\"-%\\"', '\\"+%\\"'), "15 percent off 80", "80 - 15% × 80 = 68"),
])
def test_a_plan_edited_by_hand_is_discarded_and_learned_again(tmp_path: Path, query: str, edit: tuple[str, str],
                                                               again: str, expected: str) -> None:
    path = tmp_path / "plans"
    stored = _learned(path, query)
    text = stored.read_text(encoding="utf-8")
    assert edit[0] in text
    stored.write_text(text.replace(*edit), encoding="utf-8")
    router = Router(strict=True, shipped_plans=False, plan_store=path)
    assert router.route(again).text == expected
    assert stored.read_text(encoding="utf-8") == text  # relearned: the same plan as before the edit
    assert Router(strict=True, shipped_plans=False, plan_store=path).route(again).text == expected


@pytest.mark.parametrize("resealed", [False, True], ids=["over the size cap", "checksum right"])
def test_a_plan_nested_without_bound_is_discarded_not_an_error_forever(tmp_path: Path, resealed: bool) -> None:
    path = tmp_path / "plans"
    stored = _learned(path, "15 percent off 80")
    if resealed:  # within the size cap and with a right checksum: the JSON parser meets it
        _rewrite(stored, "[" * 60_000)
    else:
        stored.write_text("[" * 100_000)
    for query in ("15 percent off 80", "20 percent off 150"):  # strict: an internal error would raise
        assert Router(strict=True, shipped_plans=False, plan_store=path).route(query) == FULL.route(query)
    assert json.loads(_plan_text(stored))["shape"] == shape("15 percent off 80").key  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["a link to /dev/zero", "a FIFO", "a link to a plan", "a folder"])
def test_a_plan_path_that_is_not_a_regular_file_is_not_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "plans"
    stored = _learned(path, "1.5 furlongs into fathoms")
    good = stored.read_bytes()
    stored.unlink()
    if kind == "a link to /dev/zero":
        stored.symlink_to("/dev/zero")
    elif kind == "a FIFO":
        os.mkfifo(stored)
    elif kind == "a link to a plan":  # the right plan, even: a link is never followed
        (tmp_path / "elsewhere.json").write_bytes(good)
        stored.symlink_to(tmp_path / "elsewhere.json")
    else:
        stored.mkdir()
    assert _answered_again(path, "20.5 furlongs into fathoms") == "20.5 fur = 2255 fathom"
    if kind != "a folder":  # removed (the link itself, not its target) and learned again
        assert not stored.is_symlink() and stored.read_bytes() == good


def _planted(path: Path) -> Path:
    """A plan that answers "# miles into km" with the furlong-to-fathom plan, written by the store's own
    code into the store at `path`: what another user could write into a folder they may write."""
    learner = Router(strict=True, shipped_plans=False, plan_store=path)
    learner.route("1.5 furlongs into fathoms")
    furlongs, miles = shape("1.5 furlongs into fathoms"), shape("2 miles into km")
    assert furlongs is not None and miles is not None
    plan, store = learner._fast._plans[furlongs.key], learner._fast._store
    assert plan is not None and store is not None
    store.put(miles.key, plan)
    planted = Router(strict=True, shipped_plans=False, plan_store=path)
    assert planted.route("2 miles into km").text == "2 fur = 220 fathom"  # while the folder is ours alone
    return next(file for file in path.glob("*/*.json") if "miles" in file.read_text(encoding="utf-8"))


OTHERS = {
    "the store writable by others": lambda path, planted: path.chmod(0o777),
    "the plans' folder writable by others": lambda path, planted: planted.parent.chmod(0o777),
    "the plans' folder writable by its group": lambda path, planted: planted.parent.chmod(0o770),
    "the plan writable by others": lambda path, planted: planted.chmod(0o666),
    "the plans' folder another user's": lambda path, planted: os.chown(planted.parent, 65534, 65534),
    "the plan another user's": lambda path, planted: os.chown(planted, 65534, 65534),
}


@pytest.mark.parametrize("other", OTHERS)
def test_a_plan_another_user_could_have_written_is_not_answered_from(tmp_path: Path, other: str) -> None:
    if "another user's" in other and os.geteuid() != 0:
        pytest.skip("only root can give a file to another user (CI runs as root)")
    path = tmp_path / "plans"
    planted = _planted(path)
    OTHERS[other](path, planted)
    assert Router(strict=True, shipped_plans=False, plan_store=path).route("2 miles into km") == \
        FULL.route("2 miles into km")


def test_a_store_folder_is_made_private(tmp_path: Path) -> None:
    import stat

    path = tmp_path / "plans"
    old = os.umask(0)
    try:
        stored = _learned(path, "1.5 furlongs into fathoms")
    finally:
        os.umask(old)
    assert [stat.S_IMODE(p.stat().st_mode) for p in (path, stored.parent, stored)] == [0o700, 0o700, 0o600]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise OSError("the disk is full")

    path = tmp_path / "plans"
    Router(strict=True, shipped_plans=False, plan_store=path).route("2 kg into lb")  # the folder is made
    monkeypatch.setattr(os, "replace", refuse)
    assert Router(strict=True, shipped_plans=False, plan_store=path).route("1.5 furlongs into fathoms").ok
    assert sorted(file.suffix for file in path.glob("*/*")) == [".json"]
