"""`common.json_path`: the one JSON path type and its formatting."""

from __future__ import annotations

from trusthub.common.json_path import JsonPath, format_json_path
from trusthub.plan.diff import diff
from trusthub.rules.fields import phone_numbers


def test_paths_are_hashable_tuples_wherever_they_are_made() -> None:
    changes = list(diff({"a": [{"b": 1}]}, {"a": [{"b": 2}]}))
    assert changes == [(("a", 0, "b"), 1, 2)]
    found = list(phone_numbers({"phone_numbers": ["+15125550140"]}))
    assert found == [(("phone_numbers", 0), "+15125550140")]
    paths: set[JsonPath] = {changes[0][0], found[0][0]}
    assert len(paths) == 2


def test_formatting() -> None:
    assert format_json_path(()) == "$"
    assert format_json_path(("business", "registration", "number")) == (
        "$.business.registration.number"
    )
    assert format_json_path(["phone_numbers", 1]) == "$.phone_numbers[1]"
    assert format_json_path(["odd key", "_x1"]) == "$['odd key']._x1"
