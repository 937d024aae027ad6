"""What an intent answers from (a Context: units, glossary, vocabulary), and what a custom answerer is handed
(a Request): never the Router, so intents and host code cannot reach its caches or options.

The Router builds one Context from its options and passes it to every intent; each part loads on first use
(pint, the glossary database and the vocabulary file are slow to open), once, under a lock.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading.Lock, without importing threading (3 ms)

from .values import value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any

    import pint

    from .glossary import Glossary
    from .tagger import Tag
    from .units import Units
    from .vocabulary import Vocabulary


class Context:
    """The knowledge an intent answers from: `units` (pint behind units.py), `glossary` (the user's
    glossaries over the shipped one) and `vocabulary` (the word classes), each loaded on first use.
    Thread-safe; pickles without what it loaded."""

    def __init__(self, *, registry: pint.UnitRegistry[Any] | None = None, unit_definitions: tuple[str, ...] = (),
                 volume_system: str = "us", user_glossary: Glossary | None = None,
                 vocabulary: Vocabulary | None = None) -> None:
        self._registry = registry
        self._unit_definitions = unit_definitions
        self._volume_system = volume_system
        self._user_glossary = user_glossary
        self._given_vocabulary = vocabulary
        self._loaded()

    def _loaded(self) -> None:
        self._lock = allocate_lock()
        self._units: Units | None = None
        self._glossary: Glossary | None = None
        self._vocabulary: Vocabulary | None = self._given_vocabulary

    @property
    def units(self) -> Units:
        if self._units is None:
            from .units import Units

            with self._lock:
                if self._units is None:
                    self._units = Units(self._registry, self._unit_definitions, self._volume_system)
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

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            from .vocabulary import Vocabulary

            self._vocabulary = Vocabulary.default()  # read once per process, under its own cache
        return self._vocabulary

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for loaded in ("_lock", "_units", "_glossary", "_vocabulary"):
            state.pop(loaded)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._loaded()


@value
class Request:
    """What a custom answerer (`Router(answerers={"topic": fn})`) is handed when the intent's grammar reads
    the query: `fn(request)` returns a Result, a str (an ok answer of that intent, in those words) or None
    (the intent declines; the next reading is tried).

    `query` is the text as typed; `text` the same after repairs that never change its meaning (spacing,
    "19,2", "½") and after the tagger's repair of a misspelt cue or facet word ("thesarus" -> "thesaurus");
    `tags` its tokens, each with `kind` (a vocabulary class such as "connector", "courtesy", "frame", or
    "number", "word", "symbol"), `text` as typed, and `start`/`end` in `text`; `intent` the intent whose
    grammar read it ("conversion", "calculation", "definition" or "topic")."""

    query: str
    text: str
    tags: tuple[Tag, ...]
    intent: str

    @property
    def words(self) -> tuple[str, ...]:
        """The words and numbers of the query, without punctuation: what a search engine would be sent."""
        return tuple(tag.text for tag in self.tags if tag.kind != "symbol")
