"""Turning libyaml's complaints into messages that say what to fix, at a location."""

from __future__ import annotations

from typing import Final

import yaml

from trusthub.errors import Location
from trusthub.load.yaml_safe import MAX_DEPTH, KeyProblem, StructureError


def explain_yaml_error(
    e: yaml.MarkedYAMLError, text: str, display: str
) -> tuple[str, str, Location]:
    """(rule id, message with a hint, location) for a YAML error."""
    mark = e.problem_mark or e.context_mark
    where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display, 1, 1)
    if isinstance(e, (KeyProblem, StructureError)):
        return (e.rule, e.problem or "", where)
    if "maximum nesting depth" in (e.problem or ""):  # libyaml's own limit, 1000 levels
        return ("nesting-too-deep", f"nested more than {MAX_DEPTH} levels deep", where)
    if e.context == "expected a single document in the stream":
        return (
            "multiple-documents",
            "a second YAML document starts here; keep one profile per file",
            where,
        )
    rule = "yaml-value" if isinstance(e, yaml.constructor.ConstructorError) else "yaml-syntax"
    message = (e.problem or "invalid YAML").replace("tag:yaml.org,2002:", "!!")
    if e.context and e.context_mark and e.context_mark is not mark:
        message += (
            f" ({e.context} at line {e.context_mark.line + 1}, column {e.context_mark.column + 1})"
        )
    if "tab" in message or (mark is not None and _char_at(text, mark) == "\t"):
        message += "; YAML does not allow tabs for indentation, use spaces"
    else:
        message += next((hint for start, hint in _HINTS if (e.problem or "").startswith(start)), "")
    return (rule, message, where)


# What usually causes libyaml's most common complaints.
_HINTS: Final = (
    (
        "mapping values are not allowed",
        "; quote a value that contains ': ', or fix the indentation",
    ),
    ("could not find expected ':'", "; is the ':' after the key missing?"),
    ("did not find expected key", "; check the indentation of this line"),
    ("found undefined alias", "; define the anchor (&name) before the alias (*name)"),
    ("found unexpected end of stream", "; is a closing quote or bracket missing?"),
)


def _char_at(text: str, mark: yaml.Mark) -> str:
    lines = text.split("\n", mark.line + 1)
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column : mark.column + 1]
