"""Exceptions for programmer mistakes; user text never raises.

    QueryRouterError
    ├── ConfigError(ValueError)           an unknown option or a bad Router argument
    └── GlossaryFormatError(ValueError)   a malformed glossary file, naming the file and line or key
"""

from __future__ import annotations


class QueryRouterError(Exception):
    """Base class of every exception queryrouter raises on purpose."""


class ConfigError(QueryRouterError, ValueError):
    """A Router was configured with an option or value it does not understand."""


class GlossaryFormatError(QueryRouterError, ValueError):
    """A glossary file could not be loaded; nothing from it was kept."""

    def __init__(self, path: str, message: str, *, line: int | None = None, key: str | None = None) -> None:
        self.path = path
        self.line = line
        self.key = key
        where = path
        if line is not None:
            where += f", line {line}"
        if key is not None:
            where += f", key {key!r}"
        super().__init__(f"{where}: {message}")
