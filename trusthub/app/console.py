"""`trusthub sandbox console create-primary FILE`: play the Twilio Console on the sandbox.

Twilio makes primary customer profiles only in its Console; trusthub adopts them by SID.
For a rehearsal, this builds the approved primary a Console user would have made from the
profile file (its end users, address, supporting document and assignments, under the
file's `sid:` when it has one), so that `plan` and `apply` meet the sandbox as they would
meet a real account.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trusthub.apply import objects
from trusthub.config.settings import Settings
from trusthub.errors import ConfigError, Problem
from trusthub.load.discovery import display_path
from trusthub.model import mapping
from trusthub.rules import primary_sid
from trusthub.rules.file_checks import check_profile_file
from trusthub.sandbox import Sandbox
from trusthub.sandbox.console import ConsoleEndUser, ConsolePrimary, ConsoleResult, create_primary


class ConsoleFileError(ConfigError):
    """The file is not a valid primary profile."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        lines = "".join(f"\n{p}" for p in problems)
        super().__init__(message + lines, hint="fix the file (`trusthub validate FILE`) first")


@dataclass(frozen=True, slots=True)
class ConsoleOutcome:
    name: str
    display: str  # the file, relative to the workspace
    result: ConsoleResult
    had_sid: bool  # the file names the SID already


def console_form(data: dict[str, object]) -> ConsolePrimary:
    """What the Console's form would be given for the (schema-valid) primary profile."""
    attrs = dict(data)
    address = objects.profile_address(attrs)
    bundle = objects.profile_bundle(attrs)
    sid = attrs.get("sid")
    label = str(attrs["name"])
    return ConsolePrimary(
        policy_sid=mapping.profile_policy_sid("primary", str(attrs["type"])),
        friendly_name=bundle.friendly_name,
        email=bundle.email,
        status_callback=bundle.status_callback,
        end_users=[
            ConsoleEndUser(spec.type, f"{label} {spec.type} (Console)"[:64], spec.attributes)
            for spec in objects.profile_end_users(attrs)
        ],
        address=address.params,
        address_name=f"{label} address (Console)"[:64],
        sid=str(sid) if isinstance(sid, str) else None,
    )


def create_console_primary(settings: Settings, path: Path) -> ConsoleOutcome:
    display = display_path(settings.root, path.resolve())
    result = check_profile_file(path, display)
    # The file may not have its SID yet: that is what this command prints.
    errors = [p for p in result.problems if p.severity == "error" and p.rule != primary_sid.ID]
    if result.data is None or errors:
        raise ConsoleFileError(f"{display} is not a valid profile", errors)
    data = result.data
    if data["role"] != "primary":
        raise ConfigError(
            f"{display} is a {data['role']} profile: the Console makes primaries only",
            hint="trusthub creates secondary profiles itself; run `trusthub apply`",
        )
    with Sandbox.from_settings(settings) as sb:
        outcome = create_primary(sb, console_form(data))
    return ConsoleOutcome(str(data["name"]), display, outcome, had_sid="sid" in data)
