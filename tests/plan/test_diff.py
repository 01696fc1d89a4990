from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from hypothesis import given
from hypothesis import strategies as st

from trusthub.plan.diff import diff

leaves = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=3))
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abcd"), inner, max_size=3)
    ),
    max_leaves=12,
)


def test_lists_of_scalars_are_one_change() -> None:
    assert list(diff({"r": ["A", "B"]}, {"r": ["A"]})) == [(("r",), ["A", "B"], ["A"])]


def test_nested_changes_have_paths() -> None:
    old = {"a": {"b": 1, "c": [{"d": 1}]}}
    new = {"a": {"b": 2, "c": [{"d": 3}]}, "e": "x"}
    assert list(diff(old, new)) == [
        (("a", "b"), 1, 2),
        (("a", "c", 0, "d"), 1, 3),
        (("e",), None, "x"),
    ]


@given(values, values)
def test_agrees_with_deepdiff_on_whether_anything_changed(a: Any, b: Any) -> None:
    assert bool(list(diff(a, b))) == bool(DeepDiff(a, b)) or a == b
