"""The package's import graph: no circles, and no intent imports another intent or the router (issue 17).

Every `from . import` and `from .x import` is counted, at module level or inside a function: a lazy import
is still a dependency, and a circle of them is one refactor away from an ImportError."""

from __future__ import annotations

import ast
from pathlib import Path

import queryrouter

PACKAGE = Path(queryrouter.__file__).parent
INTENTS = ("calculation", "conversion", "definition", "topic")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("queryrouter", *path.relative_to(PACKAGE).with_suffix("").parts))
        found[name.removesuffix(".__init__")] = path
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            parts = package.split(".")
            base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                graph[name].add(target if target in modules else base)
    return {name: {t for t in targets if t in modules and t != name} for name, targets in graph.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports, if there is one (depth-first search, colouring modules as it goes)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_package_has_no_import_circles() -> None:
    graph = _graph()
    assert {"queryrouter.arbiter", "queryrouter.grammar"} <= graph["queryrouter.router"]  # lazy imports count
    assert _cycle(graph) is None


def test_the_search_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_intent_imports_another_intent_or_the_router() -> None:
    graph = _graph()
    forbidden = {"queryrouter.router", *(f"queryrouter.intents.{intent}" for intent in INTENTS)}
    for intent in INTENTS:
        name = f"queryrouter.intents.{intent}"
        assert not graph[name] & (forbidden - {name}), name
