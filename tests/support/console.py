"""Rehearsals start where a real account starts: with its primary profiles made in the
Twilio Console. `console_primaries` makes them in a workspace's sandbox, as
`trusthub sandbox console create-primary FILE` does for each primary profile file."""

from __future__ import annotations

from pathlib import Path

import yaml

from trusthub.app.console import create_console_primary
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings


def console_primaries(workspace: Path | Settings) -> list[str]:
    """Make every primary profile of the workspace (its directory, or its settings) in its
    sandbox, approved; returns their SIDs."""
    settings = workspace if isinstance(workspace, Settings) else load_settings(workspace)
    sids = []
    for path in sorted(settings.profiles_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("role") == "primary":
            sids.append(create_console_primary(settings, path).result.sid)
    return sids
