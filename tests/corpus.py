"""What an example of a corpus checks against a Result, in one place: the tests run the grammars' corpora
with it (test_examples.py) and benchmarks/score_corpora.py measures the blind corpora with it.

An example may give `intent`, `status`, `text` (exact), `text_contains`, `text_contains_any` (any one of
the strings, ignoring case and accents: "Brasilia" is in "Brasília"), `interpreted_as_contains`,
`suggestions_include`, `not_intent`, and an `expect` table of dotted paths into `to_dict()`
("answer.to.value", "answer.matches.0.term", "ok"); floats compare with a relative tolerance of 1e-6. `note`
is for people. `known_failure` (the phrasing corpus only) says why an example fails today: test_phrasing.py
expects it to fail until the mark is removed.
"""

from __future__ import annotations

import math
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

KEYS = {"query", "intent", "status", "text", "text_contains", "text_contains_any", "interpreted_as_contains",
        "suggestions_include", "expect", "not_intent", "note", "known_failure"}


def load(path: Path) -> list[dict[str, Any]]:
    """The examples of a corpus file; an unknown key is an error in the file, not a silent skip."""
    examples: list[dict[str, Any]] = tomllib.loads(path.read_text(encoding="utf-8"))["example"]
    for example in examples:
        unknown = set(example) - KEYS
        if unknown:
            raise ValueError(f"{path.name}: {example.get('query')!r} has unknown keys {sorted(unknown)}")
    return examples


def mismatches(example: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """How `data` (a Result's to_dict()) differs from what `example` expects; [] when it holds it all."""
    wrong = [f"{key}: expected {example[key]!r}, got {data[key]!r}"
             for key in ("intent", "status", "text") if key in example and data[key] != example[key]]
    if "not_intent" in example and data["intent"] == example["not_intent"]:
        wrong.append(f"intent must not be {example['not_intent']!r}")
    if "text_contains" in example and example["text_contains"] not in data["text"]:
        wrong.append(f"text lacks {example['text_contains']!r}")
    if "text_contains_any" in example and not any(
            _folded(part) in _folded(data["text"]) for part in example["text_contains_any"]):
        wrong.append(f"text has none of {example['text_contains_any']!r}")
    if "interpreted_as_contains" in example and example["interpreted_as_contains"] not in data["interpreted_as"]:
        wrong.append(f"interpreted_as lacks {example['interpreted_as_contains']!r}")
    wrong += [f"suggestions lack {s!r}" for s in example.get("suggestions_include", []) if s not in data["suggestions"]]
    for path, expected in example.get("expect", {}).items():
        actual = dig(data, path)
        if isinstance(expected, float) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
            if not math.isclose(actual, expected, rel_tol=1e-6, abs_tol=1e-9):
                wrong.append(f"{path}: expected {expected!r}, got {actual!r}")
        elif actual != expected:
            wrong.append(f"{path}: expected {expected!r}, got {actual!r}")
    return wrong


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path ("answer.matches.0.term"), or None where the path leads nowhere."""
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)] if part.isdigit() and int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _folded(text: str) -> str:
    """`text` without case or accents, as people type names they read with accents."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).casefold()
