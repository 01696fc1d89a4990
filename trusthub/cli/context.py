"""What every command gets: the workspace and global flags. Settings load lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from trusthub.app.private_dirs import secure_state_dir
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings


@dataclass
class AppContext:
    workspace_dir: Path
    debug: bool = False
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            settings = load_settings(self.workspace_dir)
            for note in secure_state_dir(settings):  # before anything is read or written
                click.echo(note, err=True)
            self._settings = settings
        return self._settings
