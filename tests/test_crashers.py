"""Every input the fuzzer ever crashed on (tests/crashers.txt, one JSON string per line) stays fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from queryrouter import Result, Router

CRASHERS = Path(__file__).with_name("crashers.txt")
QUERIES = [json.loads(line) for line in CRASHERS.read_text(encoding="utf-8").splitlines() if line.strip()]


ROUTER = Router(strict=True)


@pytest.mark.parametrize("query", QUERIES)
def test_crasher_stays_fixed(query: str) -> None:
    result = ROUTER.route(query)
    assert isinstance(result, Result)
    json.dumps(result.to_dict(), allow_nan=False)
