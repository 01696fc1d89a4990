"""`defaults:` in trusthub.yaml: values profiles inherit, per role and per directory.

```yaml
defaults:
  roles:
    secondary:                 # every profile with `role: secondary`
      primary: acme-isv
      notifications: {status_callback: https://hooks.acme.example.com/trusthub}
  directories:
    clients:                   # every profile under profiles/clients/ (at any depth)
      business: {industry: Healthcare}
    clients/eu:                # deeper wins over clients
      business: {regions_of_operation: [Europe]}
```

Precedence, least specific first: the role's defaults < each directory's, shallow before
deep < the profile file itself. Mappings merge key by key (the more specific value wins),
lists and scalars are replaced whole, and `null` in a profile removes an inherited value.
The merge itself is `trusthub.load.inheritance`; this module reads the section, checks its
keys (each must be a profile field, and not one of `NEVER_INHERITED`) and says which layers
reach a file. Values are checked where they land: with the profile schema and the rules,
after the merge, for each profile that inherits them.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final

from trusthub.common.json_path import JsonPath, format_json_path
from trusthub.errors import Problem, Severity
from trusthub.load.documents import Document
from trusthub.load.inheritance import DefaultsLayer, FileDefaults, KeyOrder, SettingsSource
from trusthub.rules.schema import PROFILE_SCHEMA, load_schema

UNKNOWN_KEY_RULE: Final = "defaults-unknown-key"
NOT_INHERITED_RULE: Final = "defaults-not-inherited"
DIRECTORY_RULE: Final = "defaults-directory"

# The fields a profile never inherits, and why: each belongs to one profile (its identity,
# its numbers) or decides which defaults apply (`role`). The one list; the README says it.
NEVER_INHERITED: Final[Mapping[JsonPath, str]] = {
    ("apiVersion",): "each profile file says what it is",
    ("kind",): "each profile file says what it is",
    ("name",): "it is the profile's id in the state, one per file",
    ("moved",): "it names the one profile this file was called before",
    ("role",): "it decides which role's defaults apply",
    ("sid",): "it names the one bundle the Console made for a primary",
    ("friendly_name",): "it names one profile in the Twilio Console",
    ("business", "legal_name"): "it is the business's identity",
    ("business", "registration"): "it is the business's identity (EIN or registration number)",
    ("individual",): "it is the person's identity",
    ("address",): "it is the business's or person's own address",
    ("authorized_representatives",): "they are the business's own representatives",
    ("phone_numbers",): "a number belongs to one profile",
    ("toll_free_verifications",): "each verifies one of the profile's own numbers",
}
ROLES: Final = ("primary", "secondary")


@dataclass(frozen=True, slots=True)
class WorkspaceDefaults:
    """The defaults of a workspace (empty without a `defaults:` section)."""

    source: SettingsSource = field(default_factory=lambda: SettingsSource("trusthub.yaml", None))
    roles: Mapping[str, DefaultsLayer] = field(default_factory=dict)
    # (directory parts relative to the profiles directory, layer); `()` is the directory itself.
    directories: tuple[tuple[tuple[str, ...], DefaultsLayer], ...] = ()
    order: KeyOrder = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.roles or self.directories)

    def for_file(self, path: Path, profiles_dir: Path) -> FileDefaults | None:
        """The defaults that may reach the profile file at `path` (None: none can)."""
        if not self:
            return None
        try:
            parts = Path(os.path.abspath(path)).relative_to(profiles_dir).parts[:-1]
        except ValueError:  # outside the profiles directory: only the role's defaults
            parts = None
        directories = tuple(
            layer
            for prefix, layer in sorted(self.directories, key=lambda d: len(d[0]))
            if parts is not None and parts[: len(prefix)] == prefix
        )
        if not directories and not self.roles:
            return None
        return FileDefaults(self.source, self.roles, directories, self.order)


def read_defaults(data: Mapping[str, Any], source: SettingsSource) -> WorkspaceDefaults:
    """The `defaults:` section of schema-valid, checked settings `data`."""
    section = data.get("defaults") or {}
    roles = {
        role: DefaultsLayer(f"defaults.roles.{role}", ("defaults", "roles", role), values)
        for role, values in (section.get("roles") or {}).items()
        if values
    }
    directories = tuple(
        (
            directory_parts(name),
            DefaultsLayer(
                f"defaults.directories.{name}",
                ("defaults", "directories", name),
                values,
            ),
        )
        for name, values in (section.get("directories") or {}).items()
        if values
    )
    return WorkspaceDefaults(source, roles, directories, key_order(load_schema(PROFILE_SCHEMA)))


def key_order(
    schema: Mapping[str, Any], path: tuple[str, ...] = ()
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The order of the profile schema's properties at each mapping (see `KeyOrder`)."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    order = {path: tuple(properties)} if properties else {}
    for key, sub in properties.items():
        order.update(key_order(sub, (*path, key)))
        if isinstance(sub.get("items"), dict):
            order.update(key_order(sub["items"], (*path, key)))
    return order


def directory_parts(name: str) -> tuple[str, ...]:
    return tuple(p for p in PurePosixPath(name).parts if p != ".")


def defaults_problems(
    document: Document, data: Mapping[str, Any], profiles_dir: Path
) -> list[Problem]:
    """The problems of the `defaults:` section of schema-valid settings: keys that are no
    profile field (with the closest one), fields never inherited, directories that are not
    under the profiles directory (an error) or do not exist (a warning). Each is reported
    once, at its place in trusthub.yaml."""
    section = data.get("defaults") or {}
    problems: list[Problem] = []
    for base, values in _layers(section):
        for path, rule, message in _key_problems(values, load_schema(PROFILE_SCHEMA), ()):
            where = (*base, *path)
            problems.append(
                Problem(
                    document.locate(where, key=True),
                    rule,
                    message,
                    json_path=format_json_path(where),
                )
            )
    for name in section.get("directories") or {}:
        where = ("defaults", "directories", name)
        found = _directory_problem(name, profiles_dir)
        if found is not None:
            severity, text = found
            problems.append(
                Problem(
                    document.locate(where, key=True),
                    DIRECTORY_RULE,
                    text,
                    severity=severity,
                    json_path=format_json_path(where),
                )
            )
    return problems


def without_refused(data: Mapping[str, Any], problems: Sequence[Problem]) -> dict[str, Any]:
    """`data` without the defaults keys `problems` refuse (so `validate` checks the profiles
    with the rest of the defaults, and reports each bad key once, not once per profile)."""
    section = data.get("defaults")
    if not isinstance(section, dict):
        return dict(data)
    refused = {p.json_path for p in problems if p.severity == "error"}
    cleaned = {
        group: {
            name: _strip(values, ("defaults", group, name), refused)
            for name, values in (section.get(group) or {}).items()
            if format_json_path(("defaults", group, name)) not in refused
        }
        for group in ("roles", "directories")
        if group in section
    }
    return {**data, "defaults": cleaned}


def _strip(values: Any, base: JsonPath, refused: set[str]) -> Any:
    if not isinstance(values, dict):
        return values
    return {
        key: _strip(value, (*base, key), refused)
        for key, value in values.items()
        if format_json_path((*base, key)) not in refused
    }


def _layers(section: Mapping[str, Any]) -> Iterator[tuple[JsonPath, Mapping[str, Any]]]:
    for group in ("roles", "directories"):
        for name, values in (section.get(group) or {}).items():
            if isinstance(values, dict):
                yield ("defaults", group, name), values


def _key_problems(
    values: Mapping[str, Any], schema: Mapping[str, Any], path: JsonPath
) -> Iterator[tuple[JsonPath, str, str]]:
    """(path, rule, message) of each key of `values` that a profile cannot inherit there."""
    known: Mapping[str, Any] = schema.get("properties", {})
    for key, value in values.items():
        here = (*path, key)
        shown = ".".join(str(p) for p in here)
        if here in NEVER_INHERITED:
            refused = (
                f"{shown} is never inherited: {NEVER_INHERITED[here]}; write it in each "
                "profile file and remove it from the defaults"
            )
            yield here, NOT_INHERITED_RULE, refused
            continue
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            where = f"under {'.'.join(str(p) for p in path)}" if path else "at the top"
            allowed = ", ".join(sorted(k for k in known if (*path, k) not in NEVER_INHERITED))
            unknown = (
                f"{key!r} is not a profile field {where}{hint} (defaults hold profile fields: "
                f"{allowed})"
            )
            yield here, UNKNOWN_KEY_RULE, unknown
            continue
        sub = known[key]
        if isinstance(value, dict) and "properties" in sub:
            yield from _key_problems(value, sub, here)
        elif isinstance(value, list) and "properties" in sub.get("items", {}):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield from (
                        ((*here, index, *p[len(here) :]), rule, message)
                        for p, rule, message in _key_problems(item, sub["items"], here)
                    )


def _directory_problem(name: str, profiles_dir: Path) -> tuple[Severity, str] | None:
    posix = PurePosixPath(name)
    if "\\" in name or posix.is_absolute() or ".." in posix.parts:
        outside = (
            f"{name!r} is not a directory under the profiles directory: write it relative "
            "to it, with / and without .. (for example clients or clients/eu)"
        )
        return "error", outside
    target = profiles_dir.joinpath(*directory_parts(name))
    if not target.is_dir():
        shown = f"{profiles_dir.name}/{'/'.join(directory_parts(name))}".rstrip("/")
        missing = (
            f"there is no directory {shown}/, so these defaults reach no profile; create it "
            "or fix the name"
        )
        return "warning", missing
    return None
