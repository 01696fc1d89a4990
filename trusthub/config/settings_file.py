"""`trusthub.yaml`: read through the same safe loader and checked against
`schemas/workspace.schema.json`, then mapped onto `Settings`. Relative paths are relative to
the workspace. An empty file means all defaults.

Any problem stops every command with a `ConfigError` pointing at file, line and column;
`trusthub validate` instead lists all of them with the profiles' problems.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from trusthub.common.locations import conninfo_has_password, is_conninfo, is_database, is_url
from trusthub.config.defaults import defaults_problems, read_defaults, without_refused
from trusthub.config.settings import (
    SETTINGS_FILE,
    AccountSettings,
    FeeSettings,
    SafetySettings,
    SandboxSettings,
    Settings,
    default_settings,
)
from trusthub.errors import ConfigError, Problem
from trusthub.load.documents import Document, DocumentError, load_document
from trusthub.load.inheritance import SettingsSource
from trusthub.rules.schema import WORKSPACE_SCHEMA, schema_problems


def settings_problems(path: Path, display: str) -> tuple[list[Problem], dict[str, Any] | None]:
    """The problems of a settings file, and its data when it has no error. When the only
    errors are keys of `defaults:` that no profile can inherit, the data comes without
    them, so that `validate` reports each once and checks the profiles with the rest."""
    try:
        document = load_document(path, display, allow_empty=True)
    except DocumentError as e:
        return [e.to_problem()], None
    if document.data is None:
        return [], {}
    problems = schema_problems(document, WORKSPACE_SCHEMA)
    state = document.data.get("state")
    if not problems and isinstance(state, str) and _has_password(state):
        problems.append(
            Problem(
                document.locate(["state"]),
                "settings-secret",
                "the state URL contains a password; remove it and put the password in "
                "PGPASSWORD or ~/.pgpass (trusthub.yaml is committed to git)",
                json_path="$.state",
            )
        )
    if not problems:
        problems.extend(_account_problems(document))
    if problems:
        return problems, None
    if "defaults" in document.data:
        profiles = document.data.get("profiles", "profiles")
        found = defaults_problems(document, document.data, _under(path.parent, profiles))
        return found, without_refused(document.data, found) if _errors(found) else document.data
    return [], document.data


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _account_problems(document: Document) -> list[Problem]:
    """Two logical names for one subaccount would split its objects between them."""
    seen: dict[str, str] = {}
    problems = []
    for name, account in (document.data.get("accounts") or {}).items():
        sid = account.get("sid")
        if sid is None:
            continue
        if sid in seen:
            problems.append(
                Problem(
                    document.locate(["accounts", name, "sid"]),
                    "settings-account-sid",
                    f"accounts {seen[sid]!r} and {name!r} name the same subaccount; give "
                    "each subaccount one name",
                    json_path=f"$.accounts.{name}.sid",
                )
            )
        seen.setdefault(sid, name)
    return problems


def _has_password(location: str) -> bool:
    if is_conninfo(location):
        return conninfo_has_password(location)
    if not is_url(location):
        return False
    try:
        return urlsplit(location).password is not None
    except ValueError:
        return False


def read_settings_file(path: Path, defaults: Settings) -> Settings:
    """`defaults` updated from the settings file at `path`; ConfigError on any problem."""
    display = path.name if path.parent == defaults.root else str(path)
    problems, data = settings_problems(path, display)
    problems = _errors(problems)  # warnings are for `validate` to list
    if problems or data is None:
        first = problems[0]
        more = len(problems) - 1
        hint = f"{more} more problem{'s' if more > 1 else ''} in {display}; " if more else ""
        where = "" if first.json_path == "$" else f" ({first.json_path})"
        raise ConfigError(
            f"{first.message}{where}",
            location=first.location,
            hint=hint + "run `trusthub validate` to list every problem",
        )
    return apply_settings(data, replace(defaults, settings_file=path))


def apply_settings(data: dict[str, Any], defaults: Settings) -> Settings:
    """`defaults` with the keys of schema-valid settings `data` applied."""
    root = defaults.root
    changes: dict[str, Any] = {}
    if "name" in data:
        changes["name"] = data["name"]
        changes["named"] = True
    if "profiles" in data:
        changes["profiles_dir"] = _under(root, data["profiles"])
    if "state" in data:
        state: str = data["state"]
        changes["state"] = state if is_database(state) else str(_under(root, state))
    if "target" in data:
        changes["target"] = data["target"]
    if "parallelism" in data:
        changes["parallelism"] = data["parallelism"]
    if "sandbox" in data:
        changes["sandbox"] = _sandbox(data["sandbox"], defaults.sandbox, root)
    if "safety" in data:
        changes["safety"] = _safety(data["safety"], defaults.safety)
    if "fees" in data:
        changes["fees"] = _fees(data["fees"], defaults.fees)
    if "accounts" in data:
        changes["accounts"] = tuple(
            AccountSettings(name, a.get("sid"), a.get("friendly_name"))
            for name, a in data["accounts"].items()
        )
    if data.get("defaults"):
        source = defaults.settings_file
        display = source.name if source is not None and source.parent == root else str(source)
        changes["defaults"] = read_defaults(data, SettingsSource(display, source))
    return replace(defaults, **changes)


def _under(root: Path, value: str) -> Path:
    # Lexical, not resolve(): a symlinked directory keeps the name the user gave it.
    return Path(os.path.normpath(root / value))


def _sandbox(data: dict[str, Any], base: SandboxSettings, root: Path) -> SandboxSettings:
    changes: dict[str, Any] = {}
    if "database" in data:
        changes["database"] = _under(root, data["database"])
    for key in ("review_delay", "latency"):
        if key in data:
            changes[key] = float(data[key])
    if "callbacks" in data:
        changes["callbacks"] = data["callbacks"]
    return replace(base, **changes)


def _safety(data: dict[str, Any], base: SafetySettings) -> SafetySettings:
    changes: dict[str, Any] = {}
    for key in ("max_update_percent", "max_delete_percent"):
        if key in data:
            changes[key] = float(data[key])
    if "min_profiles" in data:
        changes["min_profiles"] = data["min_profiles"]
    return replace(base, **changes)


def _fees(data: dict[str, Any], base: FeeSettings) -> FeeSettings:
    limits = dict(base.limits)
    limits.update(data.get("max_per_apply", {}))
    return FeeSettings(tuple(limits.items()))


def load_settings(root: Path, *, environ: dict[str, str] | None = None) -> Settings:
    """Read `trusthub.yaml` from `root` (if any) and apply `TRUSTHUB_STATE` from the
    environment, which wins over the file so CI can point at a shared database."""
    env = os.environ if environ is None else environ
    if not root.is_dir():
        raise ConfigError(f"workspace directory {root} does not exist")
    settings = default_settings(root)
    path = settings.root / SETTINGS_FILE
    if path.is_file():
        settings = read_settings_file(path, settings)
    state_env = env.get("TRUSTHUB_STATE")
    if state_env:
        settings = replace(settings, state=_state_location(settings.root, state_env))
    return settings


def _state_location(root: Path, value: str) -> str:
    if is_database(value):  # a URL or a libpq connection string: never a file name
        return value
    return str((root / value).resolve())
