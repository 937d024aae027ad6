"""What an intent may use to answer a query: the units and the glossary, not the Router that holds them.

A Router is a Context; so is anything else with these two (a test's stand-in). Intents that take a Context
stay out of the Router's import graph, and cannot reach its caches or options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .glossary import Glossary
    from .units import Units


class Context(Protocol):
    """The knowledge an intent answers from, loaded on first use."""

    @property
    def units(self) -> Units: ...

    @property
    def glossary(self) -> Glossary: ...
