"""values.py: the immutable value classes the answering path is built from behave as frozen dataclasses do."""

from __future__ import annotations

import copy
import pickle
from functools import cached_property

import pytest

from queryrouter.values import as_dict, replace, value


@value
class Point:
    x: float
    label: str = "p"

    @cached_property
    def doubled(self) -> float:
        return self.x * 2


@value
class Path:
    points: tuple[Point, ...]
    name: str = ""


def test_fields_are_taken_in_order_with_defaults() -> None:
    assert Point(1.5).label == "p"
    assert Point(2, label="q") == Point(2, "q")
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, "a", "extra")  # type: ignore[call-arg]


def test_equality_and_hash_go_by_the_fields_and_the_class() -> None:
    assert Point(1) == Point(1) and hash(Point(1)) == hash(Point(1))
    assert Point(1) != Point(2) and Point(1) != Point(1, "q")
    assert Point(1) != (1, "p")
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_a_value_cannot_be_changed() -> None:
    point = Point(1)
    with pytest.raises(AttributeError, match="immutable"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.label  # type: ignore[misc]
    assert point.doubled == 2  # a cached_property still caches


def test_repr_replace_as_dict_copy_and_pickle() -> None:
    path = Path((Point(1), Point(2, "end")), "walk")
    assert repr(Point(1)) == "Point(x=1, label='p')"
    assert replace(path, name="run") == Path(path.points, "run") and path.name == "walk"
    assert as_dict(path) == {"points": [{"x": 1, "label": "p"}, {"x": 2, "label": "end"}], "name": "walk"}
    assert copy.deepcopy(path) == path
    assert pickle.loads(pickle.dumps(path)) == path
