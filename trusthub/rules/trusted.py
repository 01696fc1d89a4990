"""The parts of a profile that passed the schema, for running rules on a file that did not.

A profile with a schema error still has parts the rules can check: an EIN in the wrong form
is worth reporting in the same run as `country: us`. `trusted_view` copies the document
without the subtrees the schema rejected, and marks where they were: reading such a key (by
`[]`, `.get` or `in`) raises `UntrustedPart`, whatever default the rule passes. A rule that
reads an untrusted part therefore stops (and `run_on_trusted` drops it for this document),
while a rule that reads only valid parts runs exactly as on a valid file.

Why this rather than rules declaring the paths they read: the rule's own code is the
declaration, so it cannot drift from what the rule really reads, and the rules (some forty,
written by several people) need no change. What is removed is the deepest mapping key on
the invalid path (`toll_free_verifications[0].number` removes `number` from the first
verification, so list indexes and JSON paths stay as written); an invalid list item
removes the whole list; an error at the root leaves nothing to trust.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from trusthub.common.json_path import JsonPath, format_json_path
from trusthub.errors import Problem

T = TypeVar("T")


class UntrustedPart(KeyError):
    """A rule read a part of the document that failed the schema."""


class TrustedMapping(dict[str, Any]):
    """A mapping whose `untrusted` keys were removed because the schema rejected them."""

    __slots__ = ("untrusted",)

    def __init__(self, items: Iterable[tuple[str, Any]], untrusted: frozenset[str]) -> None:
        super().__init__(items)
        self.untrusted = untrusted

    def __getitem__(self, key: str) -> Any:
        if key in self.untrusted:
            raise UntrustedPart(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.untrusted:
            raise UntrustedPart(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if key in self.untrusted:
            raise UntrustedPart(key)
        return super().__contains__(key)


def _cut_point(path: JsonPath) -> JsonPath | None:
    """The path of the mapping key to remove for an error at `path` (None: the root)."""
    for index in range(len(path) - 1, -1, -1):
        if isinstance(path[index], str):
            return path[: index + 1]
    return None


def trusted_view(data: Any, invalid: Sequence[JsonPath]) -> TrustedMapping | None:
    """`data` without the `invalid` subtrees (see the module), or None when nothing can be
    trusted (the root itself is invalid or not a mapping)."""
    if not isinstance(data, dict):
        return None
    cuts: set[JsonPath] = set()
    for path in invalid:
        cut = _cut_point(path)
        if cut is None:
            return None
        cuts.add(cut)
    view: TrustedMapping = _copy(data, (), cuts)
    return view


def _copy(value: Any, path: JsonPath, cuts: set[JsonPath]) -> Any:
    if isinstance(value, dict):
        removed = frozenset(k for k in value if (*path, k) in cuts)
        removed |= frozenset(c[-1] for c in cuts if c[:-1] == path and isinstance(c[-1], str))
        items = ((k, _copy(v, (*path, k), cuts)) for k, v in value.items() if k not in removed)
        return TrustedMapping(items, frozenset(k for k in removed if isinstance(k, str)))
    if isinstance(value, list):
        return [_copy(v, (*path, i), cuts) for i, v in enumerate(value)]
    return value


def cut_paths(invalid: Sequence[JsonPath]) -> list[str]:
    """The JSON paths (`$.address.country`) of what `trusted_view` removes."""
    return sorted({format_json_path(c) for p in invalid if (c := _cut_point(p)) is not None})


def inside(json_path: str, cuts: Sequence[str]) -> bool:
    """Whether a problem at `json_path` is at or under one of the removed paths: the schema
    error there already says what is wrong."""
    return any(json_path == c or json_path.startswith((c + ".", c + "[")) for c in cuts)


def run_on_trusted(check: Callable[[T], Iterable[Problem]], doc: T) -> list[Problem]:
    """The problems one rule finds in a partly trusted document: what it yields before it
    reads an untrusted part (or a part the schema requires and the file lacks, or a value
    of the wrong shape: all three were removed or are absent, so a rule reaching for them
    fails on them). Only used on documents that failed the schema: on valid ones a rule
    that raises is a bug and must surface."""
    found: list[Problem] = []
    try:
        for problem in check(doc):  # one by one: keep what came before a failure
            found.append(problem)  # noqa: PERF402
    except (KeyError, TypeError, AttributeError, IndexError):
        pass
    return found
