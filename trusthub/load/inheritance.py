"""Workspace defaults a profile inherits: the layers that apply to one file, the merge, and
where an inherited value is written (in `trusthub.yaml`, not in the profile).

The merge rule, the one place it is implemented (the README and the workspace schema say
the same):

* Layers apply from the least specific to the most specific: the defaults of the profile's
  role, then those of each directory above the file (shallow before deep), then the file
  itself. A later layer wins.
* Mappings merge key by key; lists and scalars are replaced whole (a profile's
  `phone_numbers` is never appended to a default's).
* A `null` in a more specific layer removes the inherited value at that key (a client
  without the ISV's status callback writes `status_callback: null`). A `null` with nothing
  inherited under it is left alone, for the schema to report.

The merged document is what the schema, the rules, the plan and apply see. Locations stay
honest: `origins` maps each inherited subtree (the top-most path the file does not write)
to the layer it came from, so a problem in an inherited value points at its line in
`trusthub.yaml` and names the profile that inherited it (`annotate`).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from trusthub.common.json_path import JsonPath, format_json_path
from trusthub.errors import Location, Problem
from trusthub.load.documents import Document, DocumentError, decode, read_limited

# Mapping path (keys only, list indexes left out) -> the order its keys are written in (the
# profile schema's): a mapping that inherits keys lists them in that order, as a file would.
KeyOrder = Mapping[tuple[str, ...], tuple[str, ...]]

# How an inherited problem names the profile that inherited it; `inherited_by` reads it back.
_NOTE_START: Final = " (inherited by "
_NOTE_MIDDLE: Final = " from "


@dataclass(frozen=True, slots=True)
class DefaultsLayer:
    """One section of `defaults:` in trusthub.yaml: its `label` (`defaults.roles.secondary`),
    where it is written (`base`, the JSON path of the section in trusthub.yaml) and its
    values."""

    label: str
    base: JsonPath
    data: Mapping[str, Any]


class SettingsSource:
    """trusthub.yaml, as the place inherited values are written: read and composed on the
    first question only (locations are asked for problems, which are rare). Pickles
    without the text, like `profile_document.SourceLocator`."""

    __slots__ = ("_document", "display", "path")

    def __init__(self, display: str, path: Path | None) -> None:
        self.display = display
        self.path = path
        self._document: Document | None = None

    def __reduce__(self) -> tuple[type[SettingsSource], tuple[str, Path | None]]:
        return (SettingsSource, (self.display, self.path))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SettingsSource) and (self.display, self.path) == (
            other.display,
            other.path,
        )

    def __hash__(self) -> int:
        return hash((self.display, self.path))

    def locate(self, json_path: Sequence[str | int], *, key: bool = False) -> Location:
        if self._document is None:
            if self.path is None:
                return Location(self.display, 1, 1)
            try:
                text = decode(read_limited(self.path, self.display), self.display)
            except DocumentError:  # changed or gone since it was read
                return Location(self.display, 1, 1)
            self._document = Document(self.display, text, None)
        return self._document.locate(json_path, key=key)


@dataclass(frozen=True, slots=True)
class Inheritance:
    """The layers that apply to one profile file, least specific first."""

    source: SettingsSource
    layers: tuple[DefaultsLayer, ...]
    order: KeyOrder = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        """What the layers are, as a digest: part of a file's validation-cache key, so a
        change to a default re-checks exactly the files it reaches."""
        blob = json.dumps(
            [[layer.label, layer.data] for layer in self.layers],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.blake2b(blob.encode(), digest_size=16).hexdigest()

    def merge(self, own: Mapping[str, Any]) -> Merged:
        return merge(own, self.layers, self.order)

    def locate(
        self, origins: Mapping[JsonPath, int], json_path: Sequence[str | int], *, key: bool
    ) -> Location | None:
        """Where `json_path` is written in trusthub.yaml, when it is inherited (else None)."""
        found = inherited_prefix(origins, json_path)
        if found is None:
            return None
        layer = self.layers[found[1]]
        return self.source.locate((*layer.base, *json_path), key=key)

    def label(self, origins: Mapping[JsonPath, int], json_path: Sequence[str | int]) -> str | None:
        found = inherited_prefix(origins, json_path)
        return None if found is None else self.layers[found[1]].label


@dataclass(frozen=True, slots=True)
class FileDefaults:
    """The defaults that may apply to one file: those of its directories, and those of
    each role (which apply is known once the file's own `role:` is read)."""

    source: SettingsSource
    roles: Mapping[str, DefaultsLayer]
    directories: tuple[DefaultsLayer, ...]  # shallow first
    order: KeyOrder = field(default_factory=dict, compare=False, repr=False)

    def for_role(self, role: object) -> Inheritance | None:
        """The layers for a file whose own `role:` is `role` (None: nothing to inherit)."""
        role_layer = self.roles.get(role) if isinstance(role, str) else None
        layers = ((role_layer,) if role_layer is not None else ()) + self.directories
        return Inheritance(self.source, layers, self.order) if layers else None

    def cache_keys(self) -> set[str]:
        """The cache key of every role this file could have (see `app.loading`)."""
        return {
            inheritance.key if inheritance is not None else ""
            for inheritance in (self.for_role(r) for r in (None, *self.roles))
        }


@dataclass(frozen=True, slots=True)
class Merged:
    data: dict[str, Any]
    # Top-most inherited paths -> index of the layer each came from.
    origins: dict[JsonPath, int]


def merge(
    own: Mapping[str, Any], layers: Sequence[DefaultsLayer], order: KeyOrder | None = None
) -> Merged:
    """`own` (a profile file's data) over `layers` (least specific first), by the rule in
    the module docstring. Neither input is changed. A mapping that inherits keys lists its
    keys in `order` (then any others as they were)."""
    base: dict[str, Any] = {}
    origins: dict[JsonPath, int] = {}
    for index, layer in enumerate(layers):
        _overlay(base, layer.data, (), origins, index)
    data = copy.deepcopy(dict(own))
    final: dict[JsonPath, int] = {}
    data = _inherit(data, base, (), origins, final, order or {})
    return Merged(data, final)


def _overlay(
    into: dict[str, Any],
    top: Mapping[str, Any],
    prefix: JsonPath,
    origins: dict[JsonPath, int],
    index: int,
) -> None:
    """Lay the defaults layer `top` (number `index`) over the merged lower layers `into`."""
    for key, value in top.items():
        path = (*prefix, key)
        below = into.get(key)
        if isinstance(value, dict) and isinstance(below, dict):
            _overlay(below, value, path, origins, index)
            continue
        _drop_under(origins, path)
        if value is None and key in into:
            del into[key]
            continue
        into[key] = copy.deepcopy(value)
        origins[path] = index


def _inherit(
    own: dict[str, Any],
    defaults: Mapping[str, Any],
    prefix: JsonPath,
    origins: Mapping[JsonPath, int],
    final: dict[JsonPath, int],
    order: KeyOrder,
) -> dict[str, Any]:
    """`own` (the file's data, a copy) with what it does not write taken from `defaults`."""
    inserted = False
    for key, value in defaults.items():
        path = (*prefix, key)
        if key not in own:
            own[key] = copy.deepcopy(value)
            inserted = True
            found = inherited_prefix(origins, path)
            if found is not None:
                final[path] = found[1]
            final.update((p, i) for p, i in origins.items() if p[: len(path)] == path and p != path)
        elif own[key] is None:  # the file removes the inherited value
            del own[key]
        elif isinstance(own[key], dict) and isinstance(value, dict):
            own[key] = _inherit(own[key], value, path, origins, final, order)
    if not inserted:
        return own
    written = order.get(tuple(p for p in prefix if isinstance(p, str)), ())
    keys = [k for k in written if k in own] + [k for k in own if k not in written]
    return {k: own[k] for k in keys}


def _drop_under(origins: dict[JsonPath, int], path: JsonPath) -> None:
    for known in [p for p in origins if p[: len(path)] == path]:
        del origins[known]


def inherited_prefix(
    origins: Mapping[JsonPath, int], json_path: Sequence[str | int]
) -> tuple[JsonPath, int] | None:
    """The longest inherited path that `json_path` is at or under, and its layer."""
    path = tuple(json_path)
    for length in range(len(path), 0, -1):
        index = origins.get(path[:length])
        if index is not None:
            return path[:length], index
    return None


def annotate(
    problems: Iterable[Problem],
    display: str,
    inheritance: Inheritance,
    origins: Mapping[JsonPath, int],
) -> Iterator[Problem]:
    """`problems` of the profile file `display`, those located in trusthub.yaml saying which
    profile inherited the value and from which defaults (matched by JSON path)."""
    by_path = {format_json_path(p): i for p, i in origins.items()}
    for problem in problems:
        if problem.location.path != inheritance.source.display:
            yield problem
            continue
        index = _index_of(by_path, problem.json_path)
        label = inheritance.layers[index].label if index is not None else "defaults"
        yield replace(problem, message=problem.message + note(display, label))


def note(display: str, label: str) -> str:
    """What follows the message of a problem in an inherited value."""
    return f"{_NOTE_START}{display}{_NOTE_MIDDLE}{label}; fix it there or override it in the file)"


def inherited_by(problem: Problem) -> str | None:
    """The profile file whose inherited value `problem` is about (see `note`), or None."""
    start = problem.message.rfind(_NOTE_START)
    if start < 0:
        return None
    rest = problem.message[start + len(_NOTE_START) :]
    middle = rest.find(_NOTE_MIDDLE)
    return rest[:middle] if middle > 0 else None


def _index_of(by_path: Mapping[str, int], json_path: str) -> int | None:
    best: tuple[int, int] | None = None
    for path, index in by_path.items():
        under = json_path == path or json_path.startswith((path + ".", path + "["))
        if under and (best is None or len(path) > best[0]):
            best = (len(path), index)
    return None if best is None else best[1]


class InheritedDocument(Document):
    """A profile file's document with the defaults merged in: `data` is the merged profile,
    and `locate` points an inherited path at trusthub.yaml (the rest at the file)."""

    __slots__ = ("inheritance", "origins")

    def __init__(self, own: Document, inheritance: Inheritance) -> None:
        merged = inheritance.merge(own.data)
        super().__init__(own.path, own.text, merged.data)
        self._root = own._root
        self.inheritance = inheritance
        self.origins = merged.origins

    def locate(self, json_path: Sequence[str | int], *, key: bool = False) -> Location:
        inherited = self.inheritance.locate(self.origins, json_path, key=key)
        return inherited if inherited is not None else super().locate(json_path, key=key)

    def source_text(self, json_path: Sequence[str | int]) -> str | None:
        if inherited_prefix(self.origins, json_path) is not None:
            return None  # written in trusthub.yaml: hints fall back to the parsed value
        return super().source_text(json_path)
