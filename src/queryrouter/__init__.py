"""queryrouter: turn the text people type into a search box into a typed answer.

    >>> import queryrouter
    >>> queryrouter.route("19.2 lbs to kg").text
    '19.2 lb = 8.709 kg'

Importing is cheap: pint, lark and the glossary load on first use.
"""

from __future__ import annotations

from .errors import ConfigError, GlossaryFormatError, QueryRouterError
from .result import Result, Status
from .router import Router, route

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Glossary",
    "GlossaryFormatError",
    "QueryRouterError",
    "Result",
    "Router",
    "Status",
    "__version__",
    "route",
]


def __getattr__(name: str) -> object:
    if name == "Glossary":  # loaded on demand: it is only needed to build custom glossaries
        from .glossary import Glossary

        return Glossary
    raise AttributeError(f"module 'queryrouter' has no attribute {name!r}")
