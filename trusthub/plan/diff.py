"""Field-level differences between two JSON-compatible values.

Hand-written rather than deepdiff: it runs only on pairs already known to differ, but
deepdiff costs ~0.9 ms a pair against ~20 us here (perf-floor.md), and lists of scalars
(regions, numbers) read better as one old -> new change than as item moves.
`tests/plan/test_diff.py` checks it against deepdiff.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from trusthub.common.json_path import JsonPath

_MISSING: Any = object()  # an absent key; shown as None on its side


def diff(old: Any, new: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, Any, Any]]:
    """Yield (path, old, new) for every leaf that differs, in a stable order."""
    if old is not _MISSING and new is not _MISSING and old == new:
        return
    if old is _MISSING and new is _MISSING:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(old.keys() | new.keys()):
            yield from diff(old.get(key, _MISSING), new.get(key, _MISSING), (*path, key))
        return
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and len(old) == len(new)
        and any(isinstance(v, Mapping) for v in (*old, *new))
    ):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from diff(a, b, (*path, i))
        return
    yield (path, None if old is _MISSING else old, None if new is _MISSING else new)
