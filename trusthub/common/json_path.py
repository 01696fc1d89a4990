"""JSON paths: where a value is inside a JSON-compatible document, as the keys and list
indexes that lead to it from the root (`()` is the root itself).

`JsonPath` is the one type of a path that is built, stored or yielded: a tuple, so it is
immutable and hashable (a set member, a dict key, a frozen dataclass field). Functions that
only read a path take any `Sequence[str | int]`, so a list does too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, Final

JsonPath = tuple[str | int, ...]

_SIMPLE_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def leaves(data: Any) -> Iterator[tuple[JsonPath, Any]]:
    """(path, value) of every value inside `data` that is not a mapping or a list,
    depth first, without recursion (a deep document cannot exhaust the stack)."""
    stack: list[tuple[JsonPath, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        else:
            yield path, value


def format_json_path(parts: Sequence[str | int]) -> str:
    """`$.business.registration.number`, `$.phone_numbers[1]`, `$['odd key']`."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _SIMPLE_KEY.fullmatch(part):
            out.append(f".{part}")
        else:
            out.append("[" + repr(part) + "]")
    return "".join(out)
