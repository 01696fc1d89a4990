"""What every command gets: the workspace and global flags. Settings load lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
            self._settings = load_settings(self.workspace_dir)
        return self._settings
