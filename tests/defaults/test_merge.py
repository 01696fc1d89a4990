"""The merge rule itself (`trusthub.load.inheritance.merge`), on plain data."""

from __future__ import annotations

from trusthub.load.inheritance import DefaultsLayer, merge


def layer(label: str, data: dict[str, object]) -> DefaultsLayer:
    return DefaultsLayer(label, ("defaults", label), data)


ROLE = layer(
    "role",
    {
        "notifications": {"email": "a@x.example", "status_callback": "https://r"},
        "business": {"identity": "Direct Customer", "regions_of_operation": ["A"]},
        "submit": True,
    },
)
CLIENTS = layer(
    "clients",
    {
        "notifications": {"status_callback": "https://c"},
        "business": {"regions_of_operation": ["B", "C"]},
    },
)
DEEP = layer("deep", {"business": "cut", "submit": None})


def test_mappings_merge_key_by_key_and_lists_are_replaced_whole() -> None:
    merged = merge({"name": "n", "business": {"regions_of_operation": ["Z"]}}, [ROLE, CLIENTS])
    assert merged.data == {
        "name": "n",
        "business": {"regions_of_operation": ["Z"], "identity": "Direct Customer"},
        "notifications": {"email": "a@x.example", "status_callback": "https://c"},
        "submit": True,
    }
    assert merged.origins == {
        ("business", "identity"): 0,
        ("notifications",): 0,
        ("notifications", "status_callback"): 1,
        ("submit",): 0,
    }


def test_a_scalar_replaces_a_mapping_below_it_and_null_removes() -> None:
    merged = merge({"name": "n"}, [ROLE, CLIENTS, DEEP])
    assert merged.data["business"] == "cut"
    assert "submit" not in merged.data
    assert merged.origins[("business",)] == 2
    assert ("business", "identity") not in merged.origins
    # The file's own mapping wins over a default scalar, and its null removes a default.
    own = merge({"business": {"type": "Corporation"}, "notifications": None}, [ROLE, DEEP])
    assert own.data == {"business": {"type": "Corporation"}}
    assert own.origins == {}


def test_nothing_is_changed_in_place() -> None:
    own = {"notifications": {"email": "own@x.example"}}
    merge(own, [ROLE, CLIENTS])
    assert own == {"notifications": {"email": "own@x.example"}}
    assert ROLE.data["notifications"] == {"email": "a@x.example", "status_callback": "https://r"}
    # A null with nothing inherited under it is left for the schema to report.
    assert merge({"website": None}, [ROLE]).data["website"] is None
