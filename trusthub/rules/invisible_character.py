"""No value holds an invisible or direction-changing character: zero-width spaces and
joiners (U+200B-U+200D), the byte order mark (U+FEFF), bidirectional embeddings,
overrides and isolates (U+202A-U+202E, U+2066-U+2069), marks (U+200E, U+200F, U+061C), the
soft hyphen, or any other format or control character. Nobody types them on purpose: they
come with copy-pasted text, make two equal-looking names differ, and a right-to-left
override makes a value read backwards wherever it is shown. Trust Hub's reviewers see
the value as sent.

Fails::

    business:
      legal_name: "Acme\\u202eCLL"      # shows as "AcmeLLC", but is not

The message names the character and its position, never the value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from trusthub.common.characters import describe, invisible
from trusthub.common.json_path import JsonPath
from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "invisible-character"


def strings(data: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every string value of `data`, with its path, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def string_values(data: Any) -> list[str]:
    """The string values of `data` (those `strings` yields, in another order) without their
    paths: four times faster than `strings`, for the rules that find nothing in almost every
    profile and need the paths only when they do."""
    found: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def check(doc: ProfileDoc) -> Iterator[Problem]:
    if "".join(string_values(doc.data)).isascii():  # no invisible character is ASCII
        return
    for path, value in strings(doc.data):
        if value.isascii():
            continue
        found = [(i, ch) for i, ch in enumerate(value) if invisible(ch)]
        if not found:
            continue
        index, ch = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        yield doc.problem(
            path,
            ID,
            f"invisible character {describe(ch)} at character {index + 1}{more}; delete it "
            "(retype the value rather than pasting it)",
        )
