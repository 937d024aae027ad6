"""Immutable value classes declared by their annotated fields, like dataclass(frozen=True), for the modules a
one-shot `queryrouter` run loads: importing dataclasses (with the inspect, ast and dis it imports) and the
methods it generates for each class were two fifths of such a run (benchmarks/bench_cli.py). A class here
costs one small generated __init__; equality, hashing and repr work off the field names.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform

    V = TypeVar("V")
else:
    def dataclass_transform(**_: object) -> object:  # for type checkers only: `value` works as a dataclass
        return lambda decorator: decorator


@dataclass_transform(frozen_default=True)
def value(cls: type[V]) -> type[V]:
    """Give `cls` an __init__ taking its annotated fields in order (a class attribute of a field's name is
    its default), equality and hashing by the fields, a repr, and no assignment after __init__."""
    fields = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 - inspect's import is what this avoids
    defaults = {name: cls.__dict__[name] for name in fields if name in cls.__dict__}
    parameters = ", ".join(f"{name}=_defaults[{name!r}]" if name in defaults else name for name in fields)
    body = "".join(f"\n    _set(self, {name!r}, {name})" for name in fields) or "\n    pass"
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_defaults": defaults}
    exec(f"def __init__(self, {parameters}):{body}", namespace)
    namespace["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    for name, method in (("__init__", namespace["__init__"]), ("__eq__", _eq), ("__hash__", _hash),
                         ("__repr__", _repr), ("__setattr__", _frozen), ("__delattr__", _frozen)):
        setattr(cls, name, method)
    cls._fields = fields  # type: ignore[attr-defined]
    return cls


def replace(obj: V, **changes: Any) -> V:
    """A copy of `obj` with some fields changed, like dataclasses.replace."""
    return type(obj)(**{**{name: getattr(obj, name) for name in obj._fields}, **changes})  # type: ignore[attr-defined]


def as_dict(obj: Any) -> Any:
    """`obj` as plain dicts, lists and scalars, field by field, like dataclasses.asdict (tuples become
    lists: it is for JSON)."""
    if hasattr(type(obj), "_fields") and not isinstance(obj, tuple):
        return {name: as_dict(getattr(obj, name)) for name in obj._fields}
    if isinstance(obj, (tuple, list)):
        return [as_dict(item) for item in obj]
    return obj


def _values(obj: Any) -> tuple[Any, ...]:
    return tuple([getattr(obj, name) for name in obj._fields])


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[no-any-return]  # typeshed's NotImplemented is Any here
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    return f"{type(self).__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in self._fields)})"


def _frozen(self: Any, name: str, *_: object) -> None:
    raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is immutable")
