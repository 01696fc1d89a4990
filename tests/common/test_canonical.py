"""`common.canonical`: the one canonical JSON (spec hashes, plan checksums, state columns)."""

from __future__ import annotations

from trusthub.common.canonical import canonical_json, canonical_text


def test_equal_values_give_equal_text() -> None:
    a = {"b": [1, {"y": 2, "x": "é"}], "a": None}
    b = {"a": None, "b": [1, {"x": "é", "y": 2}]}
    assert canonical_text(a) == canonical_text(b) == '{"a":null,"b":[1,{"x":"é","y":2}]}'
    assert canonical_json(a) == canonical_text(a).encode("utf-8")
