"""Router.route(): normalize -> tag -> parse each intent -> answer -> arbitrate -> Result.

Every intent whose grammar parses the query answers it (from the Context: units, glossary, vocabulary, never
the Router) and offers a Reading; arbiter.py picks the best across intents and sets the confidence. Intents
are read in query.lark's order, and reading stops early at one that explains the whole query with strong
evidence, so the common queries cost one parse. Around this core sits the fast path (fastpath/), which
answers a query of a known shape ("# lbs to kg") from a plan; the core only tells it what it decided (a
Decision).
"""

from __future__ import annotations

import os
from _thread import allocate_lock  # threading.Lock, without importing threading (3 ms)
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache, lru_cache, reduce
from types import ModuleType

from .decision import Decision
from .errors import ConfigError
from .grammar import INTENT_ORDER, parse
from .result import Result, Status

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any

    import pint
    from lark import Transformer
    from lark.exceptions import VisitError

    from .arbiter import Reading
    from .arithmetic import PreparedCalculation
    from .context import Request
    from .explanation import Explanation, Step
    from .fastpath import FastPath
    from .glossary import Glossary
    from .normalize import Normalized
    from .prepared import Prepared
    from .tagger import Tag
    from .units import Units

    Answerer = Callable[[Request], "Result | str | None"]

MAX_QUERY_LENGTH = 300
"""Longer text is not a search query (real ones are rarely over 100 characters); it returns too_long
without being parsed. The cap is also what bounds the worst case: see benchmarks/run.py."""

VOLUME_SYSTEMS = ("us", "imperial")
"""US customary cups, pints, quarts, gallons and fluid ounces, or their UK imperial namesakes."""

MIN_CONFIDENCE = 0.0
"""The default floor below which an answer is offered as a suggestion, not given: see
benchmarks/reliability.py, which fits it on the labelled corpora."""

CACHE_SIZE = 4096
"""Results kept per Router, by query text: a search box sends the same prefixes and popular queries again
and again, and a Result is immutable, so a repeat costs a dictionary lookup instead of two parses.
As many query shapes are kept too ("# lbs to kg": fastpath/), so new amounts skip the parser."""


class Router:
    """Routes queries to answers. Build one and share it: it is thread-safe and pickles."""

    def __init__(self, *, glossary: Any = None, unit_definitions: Iterable[str] = (),
                 registry: pint.UnitRegistry[Any] | None = None, volume_system: str = "us",
                 answerers: Mapping[str, Answerer] | None = None, strict: bool = False,
                 max_length: int = MAX_QUERY_LENGTH, cache_size: int = CACHE_SIZE,
                 plan_store: str | os.PathLike[str] | None = None, shipped_plans: bool = True,
                 min_confidence: float = MIN_CONFIDENCE) -> None:
        if volume_system not in VOLUME_SYSTEMS:
            raise ConfigError(f"volume_system must be one of {VOLUME_SYSTEMS}, not {volume_system!r}")
        unknown = set(answerers or {}) - set(INTENT_ORDER)
        if unknown:
            raise ConfigError(f"answerers for unknown intents {sorted(unknown)}; intents are {INTENT_ORDER}")
        if not isinstance(max_length, int) or max_length < 1:
            raise ConfigError(f"max_length must be a positive int, not {max_length!r}")
        if plan_store is not None and not os.fspath(plan_store):
            raise ConfigError("plan_store must be a folder path (or None), not empty")
        if not isinstance(cache_size, int) or cache_size < 0:
            raise ConfigError(f"cache_size must be an int >= 0 (0 turns the cache off), not {cache_size!r}")
        if not isinstance(min_confidence, (int, float)) or not 0 <= min_confidence <= 1:
            raise ConfigError(f"min_confidence must be a number from 0 to 1, not {min_confidence!r}")
        if not all(callable(answerer) for answerer in (answerers or {}).values()):
            raise ConfigError("answerers must map intents to functions of a queryrouter.Request")
        self._unit_definitions = tuple(unit_definitions)
        self._registry = registry
        self.volume_system = volume_system
        self._user_glossary = _load_user_glossary(glossary)
        self._answerers = dict(answerers or {})
        self.min_confidence = float(min_confidence)
        self.strict = strict
        self.max_length = max_length
        self.cache_size = cache_size
        # Conversion shapes shared with other processes through a file (plan_store.py); not with a registry
        # or answerers of the caller's own, whose effect on a plan no fingerprint can see. The plans shipped
        # with the package were learned with the default units and the default floor, too.
        plans_on_disk = bool(registry is None and not answerers and cache_size and min_confidence == MIN_CONFIDENCE)
        self.plan_store = plan_store if plans_on_disk else None
        self.shipped_plans = (shipped_plans and plans_on_disk and not self._unit_definitions
                              and volume_system == "us")
        self._build()

    def _build(self) -> None:
        """The parts that are rebuilt, not pickled: lock, lazily loaded engines and the result cache."""
        from .context import Context

        self._lock = allocate_lock()
        self._context = Context(registry=self._registry, unit_definitions=self._unit_definitions,
                                volume_system=self.volume_system, user_glossary=self._user_glossary)
        self._reader: Transformer[Any, Any] | None = None
        self._fast: FastPath | None = None
        answer = self._answer_long_way
        if self.cache_size:
            from .fastpath import FastPath

            store = None
            if self.plan_store is not None:
                from .fastpath.plan_store import PlanStore

                store = PlanStore(self.plan_store, f"{self.volume_system}|{'|'.join(self._unit_definitions)}")
            self._fast = FastPath(self._decide, self.cache_size, self.max_length, store, self.shipped_plans)
            answer = self._fast.route
        self._cached_route: Callable[[str], Result] = (
            lru_cache(maxsize=self.cache_size)(answer) if self.cache_size else answer)

    # --- lazily built parts: pint, the glossary and the grammar load on first use -------------------

    @property
    def units(self) -> Units:
        """The units every conversion is read with (the Context's)."""
        return self._context.units

    @property
    def glossary(self) -> Glossary:
        """The glossary definitions and topics are looked up in (the Context's)."""
        return self._context.glossary

    def _transformer(self) -> Transformer[Any, Any]:
        if self._reader is None:
            from .intents import reader

            with self._lock:
                if self._reader is None:
                    self._reader = reader()
        return self._reader

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for built in ("_lock", "_context", "_reader", "_fast", "_cached_route"):
            state.pop(built)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._build()

    # --- routing -----------------------------------------------------------------------------------

    def route(self, query: str) -> Result:
        """Answer `query`; never raises on its text (unless strict, for bugs)."""
        if not isinstance(query, str):
            raise TypeError(f"route() takes a str, not {type(query).__name__}")
        try:
            return self._cached_route(query)
        except Exception:
            if self.strict:
                raise
            return _internal_error(query)

    def record(self, query: str) -> tuple[bool, str]:
        """Whether route(query) answers, and its to_json(): what a batch run writes per line. A query of
        a planned shape ("# lbs to kg") is written straight from the plan, without building the Result."""
        if not isinstance(query, str):
            raise TypeError(f"record() takes a str, not {type(query).__name__}")
        if self._fast is not None:
            try:
                written = self._fast.record(query)
            except Exception:
                if self.strict:
                    raise
                return False, _internal_error(query).to_json()
            if written is not None:
                return written
        result = self.route(query)
        return result.ok, result.to_json()

    def _answer_long_way(self, query: str) -> Result:
        return self._decide(query).result

    def _decide(self, query: str, trace: list[Step] | None = None) -> Decision:
        """The core: the Result for `query` and how it was decided (decision.py); `trace`, when given,
        collects each intent tried and the arbiter's verdict, for explain()."""
        if len(query) > self.max_length:
            return Decision(Result.failure(query, "none", Status.TOO_LONG,
                                           f"The query is longer than {self.max_length} characters."))
        return self._route_text(query, trace)

    def _route_text(self, query: str, trace: list[Step] | None) -> Decision:
        from .normalize import normalize  # not needed, so not loaded, when every query has a plan

        normalized = normalize(query)
        if not normalized.text:
            return Decision(Result.failure(query, "none", Status.EMPTY, "The query is empty."))
        if len(normalized.text) > self.max_length:  # "½" * 300 grows fivefold when its fractions are spelled out
            return Decision(Result.failure(query, "none", Status.TOO_LONG,
                                           f"The query is longer than {self.max_length} characters once normalized."))
        from .arbiter import arbitrate, read

        tags = self._tags(normalized.text, repair=True)
        repairs: tuple[str, ...] = ()
        if any(item.corrected is not None for item in tags):  # "thesarus good": every grammar reads "thesaurus"
            normalized, tags, repairs = self._repaired(normalized, tags)
        readings: list[Reading] = []
        prepared: Prepared | PreparedCalculation | None = None
        parsed = 0  # intents whose grammar read the query
        for order, intent in enumerate(INTENT_ORDER):
            tried = self._try(intent, normalized, tags, trace)
            if tried is None:
                continue
            parsed += 1
            result, request, custom, prepared = tried
            if result is None:
                continue
            reading = read(intent, result, request, tags, self._context.vocabulary, order, custom)
            if trace is not None:
                trace[-1] = _with_reading(trace[-1], reading)
            readings.append(reading)
            if reading.conclusive:
                break
        verdict = arbitrate(readings, query, normalized.text, self.min_confidence)
        if trace is not None:
            trace.append(_lazy_imports()[3]("arbiter", verdict.why, None, verdict.result, normalized))
        if repairs:  # a plan learnt from a repaired query would answer its shape unrepaired: none is made
            return Decision(_noted(verdict.result, repairs), None, normalized.text)
        if parsed == 1 and len(readings) == 1 and verdict.result is readings[0].result:
            # One intent alone read the query, and its answer stands as it gave it: a plan may repeat it
            return Decision(verdict.result, prepared, normalized.text)
        return Decision(verdict.result, None, normalized.text)

    def _tags(self, text: str, repair: bool = False) -> list[Tag]:
        from .tagger import tag

        return tag(text, self._context.vocabulary, self._known_word if repair else None)

    def _known_word(self, word: str) -> bool:
        """Whether `word` is a word as typed: a glossary entry, a dictionary word or form of one, or a
        name ("capitol", "boarder", "peru"); the tagger asks only of a word near a vocabulary phrase."""
        glossary = self.glossary
        if glossary.lookup(word, fuzzy=False) is not None:
            return True
        return glossary.lexicon is not None and glossary.lexicon.is_name(word)

    def _repaired(self, normalized: Normalized, tags: list[Tag]) -> tuple[Normalized, list[Tag], tuple[str, ...]]:
        """The query as every grammar reads it once the tagger corrected its typos: the text with the words
        as read, its tags, and the notes that say so ("read 'thesarus' as 'thesaurus'")."""
        from .normalize import Normalized
        from .tagger import repaired

        text, repairs = repaired(normalized.text, tags)
        return Normalized(normalized.original, text, normalized.notes + repairs), self._tags(text), repairs

    def _try(self, intent: str, query: Normalized, tags: list[Tag], trace: list[Step] | None
             ) -> tuple[Result | None, Any, bool, Prepared | PreparedCalculation | None] | None:
        """`intent`'s answer to the query (None when it declines), its request, whether a custom answerer
        gave it, and the Prepared it applied; None when its grammar does not read the query. `tags` are
        the query's, made once for every intent."""
        visit_error, intents, invalid_number, Step = _lazy_imports()  # noqa: N806 - a class
        tree = parse(query.text, intent, tags)
        if tree is None:
            if trace is not None:
                trace.append(Step(intent, "not parsed", query=query))
            return None
        try:
            request = self._transformer().transform(tree)
        except visit_error as error:
            if isinstance(error.orig_exc, invalid_number):
                failure = Result.failure(query.original, intent, Status.INVALID_NUMBER, str(error.orig_exc))
                if trace is not None:
                    trace.append(Step(intent, failure.status.value, None, failure, query))
                return failure, None, False, None
            raise
        custom = self._answerers.get(intent)
        if custom is not None:
            result: Result | None = self._ask(custom, intent, query, tags)
            prepared = None
        else:
            result, prepared = self._answer(intents[intent], request, query)
        if trace is not None:
            trace.append(Step(intent, "declined" if result is None else result.status.value, request, result,
                              query, prepared))
        return result, request, custom is not None, prepared

    def _answer(self, module: ModuleType, request: Any,
                query: Normalized) -> tuple[Result | None, Prepared | PreparedCalculation | None]:
        """The intent's answer, and the Prepared it applied when it decides first (see intents/__init__.py)."""
        if not hasattr(module, "decide"):
            return module.answer(request, query, self._context), None
        decided = module.decide(request, query, self._context)
        if decided is None or isinstance(decided, Result):
            return decided, None
        return decided.apply(query.original, decided.values), decided

    def _ask(self, answerer: Answerer, intent: str, query: Normalized, tags: list[Tag]) -> Result | None:
        """A custom answerer's answer: a Result as it is, a str as an ok answer of the intent, None to decline."""
        from .context import Request

        answer = answerer(Request(query.original, query.text, tuple(tags), intent))
        if answer is None or isinstance(answer, Result):
            return answer
        if isinstance(answer, str):
            return Result(query.original, intent, Status.OK, answer, f"answered by the {intent} answerer", 1.0)
        raise TypeError(f"the {intent} answerer returned {type(answer).__name__}; it must return a Result, "
                        "a str or None")

    # --- explaining ---------------------------------------------------------------------------------

    def explain(self, query: str) -> Explanation:
        """How `query` is read: its repairs, each intent tried in order, and the units or glossary
        candidates behind the answer. For people debugging a query; route() stays the fast path."""
        if not isinstance(query, str):
            raise TypeError(f"explain() takes a str, not {type(query).__name__}")
        from .explanation import Explanation

        trace: list[Step] = []
        try:
            result = self._decide(query, trace).result
            details = tuple(line for step in trace if step.intent != "arbiter" for line in self._details(step))
        except Exception:
            if self.strict:
                raise
            result = Result.failure(query, "none", Status.INTERNAL,
                                    "Internal error while answering; please report this query.")
            details = ()
        from .normalize import Normalized, normalize

        normalized = normalize(query) if len(query) <= self.max_length else Normalized(query, "")
        # as the grammars read it: with the typos the tagger corrected ("read 'thesarus' as 'thesaurus'")
        normalized = next((step.query for step in trace if step.intent == "arbiter" and step.query), normalized)
        return Explanation(query, normalized.text, normalized.notes, tuple(trace), details, result)

    def _details(self, step: Step) -> Iterator[str]:
        """What the intent's request resolved to: unit words for a conversion, candidates for a lookup."""
        request = step.request
        if step.intent in self._answerers:
            return
        if step.intent == "conversion" and request is not None and step.query is not None:
            yield from _lazy_imports()[1]["conversion"].details(request, step.query, self._context)
        elif step.intent == "definition" and request is not None:
            found = self.glossary.lookup(request.term)
            if found is not None:
                yield f"definition: {found.entry.term!r} ({found.how}, score {found.score:.1f})"
            else:
                yield f"definition: no entry for {request.term!r}; near: {self.glossary.suggest(request.term)}"
        elif step.intent == "topic" and request is not None:
            for hit in self.glossary.topics(request.subject, request.facet):
                yield f"topic: {hit.entry.term!r} score {hit.score:.1f} ({hit.entry.source})"


@cache
def _lazy_imports() -> tuple[type[VisitError], dict[str, ModuleType], type[Exception], type[Step]]:
    """lark, the intents and explanations load on the first query that needs them, not on import; import
    statements in _try would cost a few microseconds on every intent tried."""
    from lark.exceptions import VisitError

    from .explanation import Step
    from .intents import INTENTS
    from .numbers import InvalidNumber

    return VisitError, INTENTS, InvalidNumber, Step


def _noted(result: Result, repairs: tuple[str, ...]) -> Result:
    """`result`, its interpreted_as saying which typos were read as which words, unless it says so already
    (a conversion or calculation writes the query's notes itself)."""
    missing = [note for note in repairs if note not in result.interpreted_as]
    if not missing:
        return result
    from .values import replace as with_changes

    said = "; ".join(missing)
    interpreted = f"{result.interpreted_as} ({said})" if result.interpreted_as else said
    return with_changes(result, interpreted_as=interpreted)


def _with_reading(step: Step, reading: Reading) -> Step:
    from dataclasses import replace as with_changes

    return with_changes(step, reading=reading)


def _load_user_glossary(source: Any) -> Glossary | None:
    """User glossaries load when the Router is built, so a malformed file fails fast."""
    if source is None:
        return None
    from .glossary import Glossary

    if isinstance(source, Glossary):
        return source
    if isinstance(source, (str, os.PathLike)):
        return Glossary.from_file(source)
    if isinstance(source, Iterable):
        layers = [layer for item in source if (layer := _load_user_glossary(item)) is not None]
        return reduce(lambda first, then: first.over(then), layers) if layers else None
    if hasattr(source, "entries"):
        return Glossary(list(source.entries()), type(source).__name__)
    raise ConfigError(f"glossary must be a Glossary, a file path, a list of paths or an object with "
                      f"entries(), not {type(source).__name__}")


_default: Router | None = None
_default_lock = allocate_lock()


def default_router() -> Router:
    """The Router behind route(), built once under a lock."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Router()
    return _default


def _internal_error(query: str) -> Result:
    return Result.failure(query, "none", Status.INTERNAL, "Internal error while answering; please report this query.")


def route(query: str) -> Result:
    """Answer one query with the default Router."""
    return default_router().route(query)
