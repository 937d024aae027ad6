"""Runs every grammars/*.examples.toml corpus: each example is a query and what its Result must hold (the
keys are in corpus.py). The negative corpus (negative.examples.toml) lists queries whose intent must not be
conversion or calculation. The phrasing corpus, whose examples may carry a known_failure mark, has its own
runner (test_phrasing.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus import load, mismatches
from queryrouter import Router

GRAMMARS = Path(__file__).resolve().parents[1] / "grammars"
CORPORA = sorted(path for path in GRAMMARS.glob("*.examples.toml") if path.name != "phrasing.examples.toml")
CASES = [pytest.param(path.name, example, id=f"{path.stem.split('.')[0]}:{example['query'][:60]}")
         for path in CORPORA for example in load(path)]


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(strict=True)


def test_every_intent_has_a_corpus() -> None:
    names = {path.name.split(".")[0] for path in CORPORA}
    assert {"conversion", "calculation", "definition", "topic", "negative"} <= names


@pytest.mark.parametrize(("corpus", "example"), CASES)
def test_example(router: Router, corpus: str, example: dict[str, Any]) -> None:
    data = router.route(example["query"]).to_dict()
    shown = json.dumps(data, indent=2, ensure_ascii=False)
    if corpus == "negative.examples.toml":
        assert data["intent"] not in ("conversion", "calculation"), shown
    wrong = mismatches(example, data)
    assert not wrong, "\n".join([*wrong, shown])
