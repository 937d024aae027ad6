"""Runs every grammars/*.examples.toml corpus: each example is a query and what its Result must hold.

An example may give `intent`, `status`, `text` (exact), `text_contains`, `interpreted_as_contains`,
`suggestions_include`, and an `[example.expect]` table of dotted paths into `to_dict()` ("answer.to.value",
"answer.matches.0.term"); floats compare with a relative tolerance of 1e-6. The negative corpus
(negative.examples.toml) lists queries whose intent must not be conversion or calculation.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from queryrouter import Router

GRAMMARS = Path(__file__).resolve().parents[1] / "grammars"
CHECKS = {"query", "intent", "status", "text", "text_contains", "interpreted_as_contains",
          "suggestions_include", "expect", "not_intent", "note"}


def _load(path: Path) -> list[dict[str, Any]]:
    examples = tomllib.loads(path.read_text(encoding="utf-8"))["example"]
    for example in examples:
        unknown = set(example) - CHECKS
        assert not unknown, f"{path.name}: {example.get('query')!r} has unknown keys {unknown}"
    return examples


CORPORA = sorted(GRAMMARS.glob("*.examples.toml"))
CASES = [pytest.param(path.name, example, id=f"{path.stem.split('.')[0]}:{example['query'][:60]}")
         for path in CORPORA for example in _load(path)]


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(strict=True)


def test_every_intent_has_a_corpus() -> None:
    names = {path.name.split(".")[0] for path in CORPORA}
    assert {"conversion", "calculation", "definition", "topic", "negative"} <= names


@pytest.mark.parametrize(("corpus", "example"), CASES)
def test_example(router: Router, corpus: str, example: dict[str, Any]) -> None:
    result = router.route(example["query"])
    data = result.to_dict()
    shown = json.dumps(data, indent=2, ensure_ascii=False)
    if corpus == "negative.examples.toml":
        assert data["intent"] not in ("conversion", "calculation"), shown
    for key in ("intent", "status", "text"):
        if key in example:
            assert data[key] == example[key], f"{key}: expected {example[key]!r}\n{shown}"
    if "not_intent" in example:
        assert data["intent"] != example["not_intent"], shown
    if "text_contains" in example:
        assert example["text_contains"] in data["text"], shown
    if "interpreted_as_contains" in example:
        assert example["interpreted_as_contains"] in data["interpreted_as"], shown
    for suggestion in example.get("suggestions_include", []):
        assert suggestion in data["suggestions"], shown
    for path, expected in example.get("expect", {}).items():
        actual = _dig(data, path)
        if isinstance(expected, float) and isinstance(actual, (int, float)):
            assert math.isclose(actual, expected, rel_tol=1e-6, abs_tol=1e-9), f"{path}={actual}\n{shown}"
        else:
            assert actual == expected, f"{path}: expected {expected!r}, got {actual!r}\n{shown}"


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)] if int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data
