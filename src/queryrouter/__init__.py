"""queryrouter: turn the text people type into a search box into a typed answer.

    >>> import queryrouter
    >>> queryrouter.route("19.2 lbs to kg").text
    '19.2 lb = 8.709 kg'

Importing is cheap: every public name loads its module on first use, and pint, lark and the glossary
load only when a query needs them.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from .context import Request
    from .errors import ConfigError, GlossaryFormatError, QueryRouterError
    from .glossary import Glossary
    from .result import Result, Status
    from .router import Router, route

__version__ = "0.1.0"

_HOMES = {
    "ConfigError": "errors",
    "Glossary": "glossary",
    "GlossaryFormatError": "errors",
    "QueryRouterError": "errors",
    "Request": "context",
    "Result": "result",
    "Router": "router",
    "Status": "result",
    "route": "router",
}

__all__ = ["ConfigError", "Glossary", "GlossaryFormatError", "QueryRouterError", "Request", "Result", "Router",
           "Status", "__version__", "route"]


def __getattr__(name: str) -> object:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'queryrouter' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
