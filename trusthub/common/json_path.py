"""JSON paths: where a value is inside a JSON-compatible document, as the keys and list
indexes that lead to it from the root (`()` is the root itself).

`JsonPath` is the one type of a path that is built, stored or yielded: a tuple, so it is
immutable and hashable (a set member, a dict key, a frozen dataclass field). Functions that
only read a path take any `Sequence[str | int]`, so a list does too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

JsonPath = tuple[str | int, ...]

_SIMPLE_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
