"""JSON Schema validation of documents, reported as problems with a location and a fix.

Validators (jsonschema-rs, formats on) are built once per schema. Every error becomes a
`Problem` with rule id `schema`, the JSON path (`$.business.registration.number`), the line
and column from `Document.locate`, and a message that says how to fix it: the closest known
key for an unknown key, the allowed values of an enum, the field's description for a
pattern. Values of personal-data fields are never echoed (see `trusthub.model.privacy`).
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import jsonschema_rs

from trusthub.common.canonical import canonical_text
from trusthub.common.characters import ascii_digits_hint, escape_invisible, invisible_hint
from trusthub.common.json_path import JsonPath, format_json_path, leaves
from trusthub.errors import Problem
from trusthub.load.documents import Document
from trusthub.model.privacy import is_sensitive
from trusthub.rules.address_data import country_suggestion
from trusthub.rules.suggestions import suggest

RULE: Final = "schema"
# The shipped schemas, by name (schemas/<name>.schema.json).
PROFILE_SCHEMA: Final = "profile"
WORKSPACE_SCHEMA: Final = "workspace"

# Value-level errors: one message per value is enough (a bad URL fails format and pattern).
_VALUE_KINDS: Final = frozenset(
    {"type", "pattern", "format", "enum", "const", "minLength", "maxLength", "minimum", "maximum"}
)
_JSON_TYPES: Final = {
    str: "a string",
    bool: "a boolean (true or false)",
    int: "an integer",
    float: "a number",
    list: "a list",
    dict: "a mapping",
    type(None): "empty (null)",
}
_TYPE_NAMES: Final = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}
_FORMATS: Final = {"email": "an email address", "uri": "an absolute URL"}


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema (`profile`, `workspace`), read from the package data."""
    # Beside the package's modules (not importlib.resources: importing it costs more than
    # reading the file, on the path of `trusthub validate FILE`).
    resource = Path(__file__).resolve().parent.parent / "schemas" / f"{name}.schema.json"
    schema: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return schema


@functools.cache
def validator(name: str) -> Any:
    return jsonschema_rs.validator_for(load_schema(name), validate_formats=True)


def schema_problems(document: Document, name: str) -> list[Problem]:
    """Every schema error of `document` against the shipped schema `name`."""
    return schema_check(document, name)[0]


def schema_check(document: Document, name: str) -> tuple[list[Problem], list[JsonPath]]:
    """Every schema error of `document` against the shipped schema `name`, and the JSON
    paths of the values the schema rejected (a missing required key counts as its own
    path): what the rules must not trust (see `trusthub.rules.trusted`)."""
    errors = list(validator(name).iter_errors(document.data))
    floats = list(_integral_floats(document, load_schema(name)))
    problems = [problem for _, problem in floats]
    invalid: list[JsonPath] = [path for path, _ in floats]
    if not errors:
        return problems, invalid
    # What is inside a key that must not be there at all is noise: one message suffices.
    forbidden = [tuple(e.instance_path) for e in errors if e.kind.name in ("not", "falseSchema")]
    seen_values: set[JsonPath] = set()
    for error in errors:
        path = tuple(error.instance_path)
        kind = error.kind.name
        invalid.extend(_rejected(error, kind, path))
        if any(path[: len(f)] == f and kind not in ("not", "falseSchema") for f in forbidden):
            continue
        if kind in _VALUE_KINDS:
            if path in seen_values:
                continue
            seen_values.add(path)
        for where, message, on_key in _explain(error, kind, path, load_schema(name), document):
            location = document.locate(where, key=on_key)
            problems.append(Problem(location, RULE, message, json_path=format_json_path(where)))
    return problems, invalid


def _rejected(error: Any, kind: str, path: JsonPath) -> Iterator[JsonPath]:
    """The paths one error makes untrustworthy."""
    details: dict[str, Any] = error.kind.as_dict()
    if kind == "additionalProperties":
        yield from ((*path, key) for key in details["unexpected"])
    elif kind == "required":
        yield (*path, details["property"])
    else:
        yield path


def _integral_floats(
    document: Document, root: Mapping[str, Any]
) -> Iterator[tuple[JsonPath, Problem]]:
    """Floats where the schema means an integer. JSON Schema counts 180.0 as an integer, so
    `1.8e2`, `180.0` and `!!float 180` pass the validator, and Trust Hub refuses the "180.0"
    they are sent as (error 22218)."""
    if not _has_float(document.data):  # almost no profile has one: paths are not built
        return
    for path, value in leaves(document.data):
        if type(value) is float and value.is_integer() and _means_integer(root, path):
            if is_sensitive(path):
                fix = "write it as a whole number, without a decimal point or exponent"
            else:
                written = document.source_text(path) or repr(value)
                fix = f"write {int(value)}"
                fix = f"found {escape_invisible(written)}; {fix}"
            message = (
                "expected a whole number, not a number with a decimal point or exponent "
                f"(Trust Hub refuses it); {fix}"
            )
            location = document.locate(path)
            yield path, Problem(location, RULE, message, json_path=format_json_path(path))


def _has_float(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif type(value) is float:
            return True
    return False


def _means_integer(root: Mapping[str, Any], path: JsonPath) -> bool:
    types = (_schema_at(root, path) or {}).get("type")
    return types == "integer" or (
        isinstance(types, list) and "integer" in types and "number" not in types
    )


def _explain(
    error: Any, kind: str, path: JsonPath, root: Mapping[str, Any], document: Document
) -> Iterator[tuple[JsonPath, str, bool]]:
    """(json path, message, point at the key) for one jsonschema-rs error."""
    details: dict[str, Any] = error.kind.as_dict()
    subschema = _schema_by_path(root, error.schema_path[:-1])
    value = error.instance
    if kind == "additionalProperties":
        allowed = sorted(subschema.get("properties", {}))
        for key in details["unexpected"]:
            yield (*path, key), _unknown_key(key, allowed), True
    elif kind == "required":
        prop = details["property"]
        described = _describe(_schema_at(root, (*path, prop)))
        yield path, f"missing required key {prop!r}{described}", False
    elif kind in ("not", "falseSchema"):
        described = _describe(subschema)
        what = f"key {path[-1]!r}" if path else "this document"
        yield path, f"{what} is not allowed here{described}", True
    elif kind == "uniqueItems":
        first, again = _first_duplicate(value)
        yield (*path, again), f"duplicate item: the same as item {first} of this list", False
    else:
        yield path, _value_message(kind, details, value, path, subschema, document), False


def _value_message(
    kind: str,
    details: Mapping[str, Any],
    value: Any,
    path: JsonPath,
    subschema: Mapping[str, Any],
    document: Document,
) -> str:
    shown = _show(value, path)
    if kind == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in details["types"] if t != "null")
        found = _JSON_TYPES.get(type(value), type(value).__name__)
        message = f"expected {wanted}, found {found}"
        if (
            "string" in details["types"]
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            message += _quote_hint(document, path, value)
        elif value is not None and not isinstance(value, (list, dict)) and not is_sensitive(path):
            message += f" ({shown})"
        return message
    if kind == "enum":
        return _not_allowed(value, shown, [str(o) for o in details["options"]])
    if kind == "const":
        return f"must be {details['expected_value']!r}, found {shown}"
    if kind == "pattern":
        hint = ascii_digits_hint(value) + invisible_hint(value) if isinstance(value, str) else ""
        fix = "" if is_sensitive(path) else _pattern_fix(value, path)
        return f"{shown} does not have the expected form{_describe(subschema)}{hint}{fix}"
    if kind == "format":
        what = _FORMATS.get(details["format"], details["format"])
        hint = invisible_hint(value) if isinstance(value, str) else ""
        return f"{shown} is not {what}{_describe(subschema)}{hint}"
    if kind in ("minLength", "maxLength"):
        limit = details["limit"]
        if kind == "minLength":
            return (
                "must not be empty" if limit == 1 else f"must be at least {limit} characters long"
            )
        return f"is {len(value)} characters long; at most {limit} are allowed"
    if kind in ("minItems", "maxItems"):
        bound = "at least" if kind == "minItems" else "at most"
        count = details["limit"]
        return f"must have {bound} {count} item{'s' if count != 1 else ''}, found {len(value)}"
    if kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        return f"must be {bound} {details['limit']}, found {shown}"
    return str(details.get("message", "")) or f"does not match the schema ({kind})"


def _quote_hint(document: Document, path: JsonPath, value: float) -> str:
    """How to quote a number where a string is meant: with the characters as written
    (`01234`, `0o17`), which the parsed number lost, and never repeating personal data."""
    if is_sensitive(path):
        return (
            "; quote it, keeping every character as you wrote it (unquoted, YAML reads it as a "
            "number, which loses leading zeros and a leading +)"
        )
    written = document.source_text(path) or str(value)
    return f"; quote it: {json.dumps(escape_invisible(written), ensure_ascii=False)}"


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6) or [
        a for a in allowed if a.casefold() == key.casefold()
    ]
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; allowed keys: {', '.join(allowed)}"


def _not_allowed(value: Any, shown: str, options: Sequence[str]) -> str:
    allowed = ", ".join(json.dumps(o, ensure_ascii=False) for o in options)
    message = f"{shown} is not one of the allowed values: {allowed}"
    close = suggest(value, options) if isinstance(value, str) else None
    if close is not None:
        message += f"; did you mean {json.dumps(close, ensure_ascii=False)}?"
    return message


def _pattern_fix(value: Any, path: JsonPath) -> str:
    """A did-you-mean for a value of the wrong form, where one is known: a country written
    in lower case or by name (`us`, `United States` -> `US`)."""
    if not (path and path[-1] == "country" and isinstance(value, str)):
        return ""
    code = country_suggestion(value)
    return f"; did you mean {json.dumps(code)}?" if code else ""


def _first_duplicate(items: Sequence[Any]) -> tuple[int, int]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        canonical = canonical_text(item)
        if canonical in seen:
            return seen[canonical], index
        seen[canonical] = index
    return 0, 0


def _show(value: Any, path: JsonPath) -> str:
    if is_sensitive(path):
        return "the value"
    text = escape_invisible(json.dumps(value, ensure_ascii=False))
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(schema: Mapping[str, Any] | None) -> str:
    description = (schema or {}).get("description")
    if not description:
        return ""
    return f" ({description[0].lower()}{description[1:].rstrip('.')})"


def _schema_by_path(root: Mapping[str, Any], schema_path: Sequence[str | int]) -> Mapping[str, Any]:
    node: Any = root
    for part in schema_path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, Mapping) else {}


def _schema_at(root: Mapping[str, Any], instance_path: JsonPath) -> Mapping[str, Any] | None:
    """The schema of the value at `instance_path`, following properties, items and $ref."""
    node: Mapping[str, Any] | None = root
    for part in instance_path:
        if node is None:
            return None
        node = _resolve(root, node)
        node = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
    return _resolve(root, node) if node is not None else None


def _resolve(root: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        return _schema_by_path(root, ref[2:].split("/"))
    return node
