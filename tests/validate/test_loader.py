from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from trusthub.common.json_path import format_json_path
from trusthub.errors import Location
from trusthub.load.documents import (
    Document,
    DocumentError,
    decode,
    load_document,
    parse,
    read_limited,
)
from trusthub.load.yaml_safe import MAX_DEPTH, check_structure, load, needs_structure_scan


def error_of(text: str) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse(text, "p.yaml")
    return caught.value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("NO", "NO"),  # Norway stays Norway
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("2024-01-01", "2024-01-01"),
        ("12:30", "12:30"),
        ("012", 12),
        ("-7", -7),
        ("0o17", 15),
        ("0x1f", 31),
        ("1_000", "1_000"),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        (".inf", ".inf"),
        (".nan", ".nan"),
        ("~", None),
        ("null", None),
        ("", None),
        ('"12"', "12"),
        ("!!str 12", "12"),
        ("!!bool TRUE", True),
        ("'null'", "null"),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(text: str, value: Any) -> None:
    assert load(f"v: {text}\n") == {"v": value}


def test_duplicate_key_points_at_the_second_one() -> None:
    error = error_of("a: 1\nb:\n  c: 1\n  'c': 2\n")
    assert (error.rule, error.location, error.message) == (
        "duplicate-key",
        Location("p.yaml", 4, 3),
        "duplicate key 'c' (first defined at line 3); keep only one",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1: x\n", "keys must be strings, found int key 1; quote it"),
        ("~: x\n", "keys must be strings, found null key; quote it"),
        ("true: x\n", "keys must be strings, found bool key True; quote it"),
        ("? [a]\n: x\n", "keys must be strings, found list key; quote it"),
    ],
)
def test_keys_must_be_strings(text: str, message: str) -> None:
    error = error_of(text)
    assert (error.rule, error.message) == ("non-string-key", message)


@pytest.mark.parametrize(
    "tag",
    [
        "!!binary aGk=",
        "!!set {a}",
        "!!timestamp 2024-01-01",
        "!!python/name:os.system ''",
        "!custom x",
    ],
)
def test_only_plain_data_tags_are_constructed(tag: str) -> None:
    error = error_of(f"a: {tag}\n")
    assert error.rule == "yaml-value"
    assert error.location == Location("p.yaml", 1, 4)
    assert "unsupported tag" in error.message


def test_merge_keys_are_refused_but_a_quoted_key_is_a_plain_key() -> None:
    assert error_of("a: {<<: {b: 1}}\n").rule == "yaml-merge-key"
    assert load("'<<': 1\n") == {"<<": 1}


def test_a_reused_anchor_is_allowed() -> None:
    text = "a: &addr {city: Austin}\nb: *addr\n"
    assert parse(text, "p.yaml").data == {"a": {"city": "Austin"}, "b": {"city": "Austin"}}


@pytest.mark.parametrize(
    ("text", "rule", "location"),
    [
        ("a: 1\n---\nb: 2\n", "multiple-documents", (2, 1)),
        ("", "empty-file", (1, 1)),
        ("# nothing\n\n", "empty-file", (1, 1)),
        ("- a\n- b\n", "not-a-mapping", (1, 1)),
        ("\n\njust text\n", "not-a-mapping", (3, 1)),
        ("a: [1\n", "yaml-syntax", (2, 1)),
        ("a:\n\tb: 1\n", "yaml-syntax", (2, 1)),
        ("a: b\x07c\n", "control-character", (1, 5)),
        ('a: "b\\x1bc"\n', "control-character", (1, 4)),
    ],
)
def test_document_shape_and_syntax_errors_have_locations(
    text: str, rule: str, location: tuple[int, int]
) -> None:
    error = error_of(text)
    assert (error.rule, (error.location.line, error.location.column)) == (rule, location)  # type: ignore[union-attr]


def test_escaped_tab_and_newline_are_fine_in_values() -> None:
    assert parse('a: "x\\ty\\nz"\n', "p.yaml").data == {"a": "x\ty\nz"}


def test_an_empty_file_is_allowed_when_asked() -> None:
    assert parse("# only a comment\n", "p.yaml", allow_empty=True).data is None


@pytest.mark.parametrize(
    ("raw", "location", "fragment"),
    [
        (b"\xef\xbb\xbfa: 1\n", (1, 1), "byte order mark"),
        (b"\xff\xfea\x00:\x00", (1, 1), "looks like UTF-16"),
        ("a: 1\nb: é".encode() + b"\xff\n", (2, 5), "byte 0xff"),
        (b"a: caf\xe9\n", (1, 7), "byte 0xe9"),
    ],
)
def test_bad_encodings_point_at_the_first_bad_byte(
    raw: bytes, location: tuple[int, int], fragment: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        decode(raw, "p.yaml")
    assert caught.value.rule == "encoding"
    assert caught.value.location == Location("p.yaml", *location)
    assert fragment in caught.value.message


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 100)
    with pytest.raises(DocumentError) as caught:
        read_limited(big, "big.yaml", max_bytes=100)
    assert caught.value.rule == "file-too-large"
    assert read_limited(big, "big.yaml", max_bytes=500) == b"a: 1\n" * 100


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(DocumentError) as caught:
        read_limited(fifo, "pipe.yaml")
    assert (caught.value.rule, caught.value.message) == ("file-unreadable", "not a regular file")
    assert time.perf_counter() - start < 1.0


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path / "nope.yaml", "nope.yaml")
    assert caught.value.rule == "file-unreadable"
    assert caught.value.location == Location("nope.yaml", 1, 1)


LOCATED = """\
name: acme
business:
  legal_name: Acme
  registration: {type: EIN, number: "12"}
list:
  - first
  -   second
empty:
"""


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        (["name"], False, (1, 7)),  # a scalar: its value
        (["name"], True, (1, 1)),  # asked for the key
        (["business"], False, (2, 1)),  # a mapping: its key
        (["business", "registration", "number"], False, (4, 37)),
        (["business", "missing"], False, (2, 1)),  # missing: the parent
        (["business", "legal_name", "deeper"], False, (3, 15)),  # deepest node found
        (["list", 1], False, (7, 7)),
        (["list", 5], False, (5, 1)),
        (["empty"], False, (8, 1)),  # an empty value: its key
        ([], False, (1, 1)),
    ],
)
def test_locate_maps_json_paths_to_lines_and_columns(
    path: list[str | int], key: bool, expected: tuple[int, int]
) -> None:
    document = parse(LOCATED, "p.yaml")
    assert document.locate(path, key=key) == Location("p.yaml", *expected)


def test_locate_composes_only_when_asked() -> None:
    document = parse(LOCATED, "p.yaml")
    assert document._root is None
    document.locate(["name"])
    assert document._root is not None


def test_locate_of_unparsable_text_falls_back_to_the_file() -> None:
    assert Document("p.yaml", "a: [", None).locate(["a"]) == Location("p.yaml", 1, 1)


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (["business", "registration", "number"], "$.business.registration.number"),
        (["phone_numbers", 1], "$.phone_numbers[1]"),
        (["odd key"], "$['odd key']"),
        ([], "$"),
    ],
)
def test_format_json_path(parts: list[str | int], text: str) -> None:
    assert format_json_path(parts) == text


def nested_flow(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


def nested_block(depth: int) -> str:
    return "a:\n" + "- " * depth + "x\n"


@pytest.mark.parametrize("make", [nested_flow, nested_block])
def test_nesting_is_bounded_at_max_depth(make: Any) -> None:
    check_structure(make(MAX_DEPTH - 1))  # plus the top-level mapping: exactly MAX_DEPTH
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        check_structure(make(MAX_DEPTH))
    assert getattr(caught.value, "rule", None) == "nesting-too-deep"


def test_alias_bomb_fails_fast_and_small_aliases_pass() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    start = time.perf_counter()
    with pytest.raises(DocumentError) as caught:
        parse("\n".join(lines) + "\n", "bomb.yaml")
    assert caught.value.rule == "yaml-alias"
    # a4 expands to 111,111 nodes; its eighth alias crosses 100,000
    assert caught.value.location == Location("bomb.yaml", 5, 45)
    assert time.perf_counter() - start < 1.0
    parse("\n".join(lines[:3]) + "\n", "fine.yaml")  # 1,000 nodes


def test_a_recursive_alias_is_refused() -> None:
    error = error_of("a: &r [1, *r]\n")
    assert (error.rule, error.location) == ("yaml-alias", Location("p.yaml", 1, 11))


# Structures as YAML writes them, in block and flow style, to check the cheap bound.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=80,
)


def depth_of(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


@settings(max_examples=150, deadline=None)
@given(value=json_values, flow=st.booleans(), indent=st.integers(min_value=2, max_value=6))
def test_documents_the_cheap_check_lets_through_are_not_too_deep(
    value: Any, flow: bool, indent: int
) -> None:
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, indent=indent)
    if not needs_structure_scan(text):
        assert depth_of({"root": value}) <= MAX_DEPTH
