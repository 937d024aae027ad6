"""Router.route(): normalize -> parse -> read the intent -> answer -> Result.

Intents are tried in query.lark's order; the first whose grammar parses and whose answer does not decline
wins. A definition that is not found falls back to a topic lookup, and the best failure is returned.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .grammar import INTENT_ORDER, parse
from .normalize import Normalized, normalize
from .result import Result, Status

if TYPE_CHECKING:
    import pint
    from lark import Transformer

    from .glossary import Glossary
    from .units import Units

MAX_QUERY_LENGTH = 500
"""Longer text is not a search query; it returns too_long without being parsed."""

Answerer = Callable[[Any, Normalized, "Router"], "Result | None"]
GlossarySource = "Glossary | str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None"


class Router:
    """Routes queries to answers. Build one and share it: it is thread-safe and pickles."""

    def __init__(self, *, glossary: Any = None, unit_definitions: Iterable[str] = (),
                 registry: pint.UnitRegistry | None = None, volume_system: str = "us",
                 answerers: Mapping[str, Answerer] | None = None, strict: bool = False,
                 max_length: int = MAX_QUERY_LENGTH) -> None:
        from .units import VOLUME_SYSTEMS

        if volume_system not in VOLUME_SYSTEMS:
            raise ConfigError(f"volume_system must be one of {VOLUME_SYSTEMS}, not {volume_system!r}")
        unknown = set(answerers or {}) - set(INTENT_ORDER)
        if unknown:
            raise ConfigError(f"answerers for unknown intents {sorted(unknown)}; intents are {INTENT_ORDER}")
        if not isinstance(max_length, int) or max_length < 1:
            raise ConfigError(f"max_length must be a positive int, not {max_length!r}")
        self._config = {"unit_definitions": tuple(unit_definitions), "registry": registry,
                        "volume_system": volume_system}
        self._glossary_source = glossary
        self._user_glossary = _load_user_glossary(glossary)
        self._answerers = dict(answerers or {})
        self.strict = strict
        self.max_length = max_length
        self._lock = threading.Lock()
        self._units: Units | None = None
        self._glossary: Glossary | None = None
        self._reader: Transformer | None = None

    # --- lazily built parts: pint, the glossary and the grammar load on first use -------------------

    @property
    def units(self) -> Units:
        if self._units is None:
            from .units import Units

            with self._lock:
                if self._units is None:
                    self._units = Units(**self._config)
        return self._units

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            from .glossary import Glossary

            with self._lock:
                if self._glossary is None:
                    default = Glossary.default()
                    self._glossary = self._user_glossary.over(default) if self._user_glossary else default
        return self._glossary

    def _transformer(self) -> Transformer:
        if self._reader is None:
            from .intents import reader

            with self._lock:
                if self._reader is None:
                    self._reader = reader()
        return self._reader

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for built in ("_lock", "_units", "_glossary", "_reader"):
            state.pop(built)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._units = self._glossary = self._reader = None

    # --- routing -----------------------------------------------------------------------------------

    def route(self, query: str) -> Result:
        """Answer `query`; never raises on its text (unless strict, for bugs)."""
        if not isinstance(query, str):
            raise TypeError(f"route() takes a str, not {type(query).__name__}")
        try:
            return self._route(query)
        except Exception:
            if self.strict:
                raise
            return Result.failure(query, "none", Status.INTERNAL,
                                  "Internal error while answering; please report this query.")

    def _route(self, query: str) -> Result:
        if len(query) > self.max_length:
            return Result.failure(query, "none", Status.TOO_LONG,
                                  f"The query is longer than {self.max_length} characters.")
        normalized = normalize(query)
        if not normalized.text:
            return Result.failure(query, "none", Status.EMPTY, "The query is empty.")
        fallback: Result | None = None
        for intent in INTENT_ORDER:
            result = self._try(intent, normalized)
            if result is None:
                continue
            if result.ok or result.status is not Status.NOT_FOUND:
                return result
            fallback = fallback or result  # the first not-found (e.g. a definition) carries its suggestions
        return fallback or Result.failure(query, "none", Status.NOT_UNDERSTOOD,
                                          "The query was not understood.")

    def _try(self, intent: str, query: Normalized) -> Result | None:
        from lark.exceptions import VisitError

        from .intents import INTENTS
        from .numbers import InvalidNumber

        tree = parse(query.text, intent)
        if tree is None:
            return None
        try:
            request = self._transformer().transform(tree)
        except VisitError as error:
            if isinstance(error.orig_exc, InvalidNumber):
                return Result.failure(query.original, intent, Status.INVALID_NUMBER, str(error.orig_exc))
            raise
        answerer = self._answerers.get(intent, INTENTS[intent].answer)
        return answerer(request, query, self)


def _load_user_glossary(source: Any) -> Glossary | None:
    """User glossaries load when the Router is built, so a malformed file fails fast."""
    from .glossary import Glossary

    if source is None or isinstance(source, Glossary):
        return source
    if isinstance(source, (str, os.PathLike)):
        return Glossary.from_file(source)
    if isinstance(source, Iterable):
        layers = [_load_user_glossary(item) for item in source]
        merged = layers[0] if layers else None
        for layer in layers[1:]:
            merged = merged.over(layer) if merged and layer else merged or layer
        return merged
    if hasattr(source, "entries"):
        return Glossary(list(source.entries()), type(source).__name__)
    raise ConfigError(f"glossary must be a Glossary, a file path, a list of paths or an object with "
                      f"entries(), not {type(source).__name__}")


_default: Router | None = None
_default_lock = threading.Lock()


def default_router() -> Router:
    """The Router behind route(), built once under a lock."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Router()
    return _default


def route(query: str) -> Result:
    """Answer one query with the default Router."""
    return default_router().route(query)
