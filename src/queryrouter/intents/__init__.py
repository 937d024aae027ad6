"""The intents: each is a slice of grammars/<intent>.lark, grammars/<intent>.examples.toml and a module
here with `reader()` (parse tree -> request) and `answer(request, query, context)` (request -> Result),
where the context (context.py) gives the units and the glossary.

An intent whose answer splits into choices about the words and arithmetic on the amounts also has
`decide(request, query, context)`: what the router applies and keeps for the query's shape (a Prepared
conversion, prepared.py, or a PreparedCalculation, arithmetic.py), a Result, or None to decline."""

from __future__ import annotations

from types import ModuleType
from typing import Any, cast

from lark import Transformer
from lark.visitors import Transformer_NonRecursive, merge_transformers

from . import calculation, conversion, definition, topic

INTENTS: dict[str, ModuleType] = {
    "calculation": calculation,
    "conversion": conversion,
    "definition": definition,
    "topic": topic,
}


def reader() -> Transformer[Any, Any]:
    """One transformer for every intent's tree, each intent's reader in its grammar namespace (conversion's
    tree comes from its own parser, grammar.py, named as if query.lark had imported it). It walks the tree
    with a loop, not recursion, so no nesting reaches Python's recursion limit before calculation's
    depth check refuses it."""
    readers = {name: module.reader() for name, module in INTENTS.items()}
    merged = merge_transformers(Transformer_NonRecursive(), **readers)
    return cast("Transformer[Any, Any]", merged)
