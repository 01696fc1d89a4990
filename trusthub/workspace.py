"""A workspace: a directory with an optional `trusthub.yaml` and the profile files.

Without `trusthub.yaml` the defaults apply: profiles under `profiles/`, state in
`.trusthub/state.db`, the embedded sandbox as target.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from trusthub.errors import ConfigError

SETTINGS_FILE = "trusthub.yaml"
STATE_DIR = ".trusthub"

Target = Literal["sandbox", "twilio"]
CallbackDelivery = Literal["loopback", "all", "none"]


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    database: Path  # the sandbox's own SQLite file (absolute)
    review_delay: float = 0.0  # seconds from submit to decision; 0 = decided at the next read
    callbacks: CallbackDelivery = "loopback"  # where status callbacks are really delivered
    latency: float = 0.0  # seconds added to every request (benchmarks, rehearsals)


@dataclass(frozen=True, slots=True)
class SafetySettings:
    max_update_percent: float = 30.0
    max_delete_percent: float = 30.0
    min_profiles: int = 10  # the valve applies only from this many recorded profiles


@dataclass(frozen=True, slots=True)
class Settings:
    root: Path  # absolute workspace directory
    name: str  # workspace id in a shared state database
    profiles_dir: Path  # absolute
    state: str  # absolute SQLite path or a postgresql:// URL
    target: Target
    sandbox: SandboxSettings
    safety: SafetySettings = field(default_factory=SafetySettings)
    parallelism: int = 10
    settings_file: Path | None = None  # absolute path of trusthub.yaml when present

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def relative(self, path: Path) -> str:
        """A path as shown to users: relative to the workspace when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def default_settings(root: Path) -> Settings:
    root = root.resolve()
    return Settings(
        root=root,
        name=root.name or "default",
        profiles_dir=root / "profiles",
        state=str(root / STATE_DIR / "state.db"),
        target="sandbox",
        sandbox=SandboxSettings(database=root / STATE_DIR / "sandbox.db"),
    )


def load_settings(root: Path, *, environ: dict[str, str] | None = None) -> Settings:
    """Read `trusthub.yaml` from `root` (if any) and apply `TRUSTHUB_STATE` from the
    environment, which wins over the file so CI can point at a shared database."""
    env = os.environ if environ is None else environ
    if not root.is_dir():
        raise ConfigError(f"workspace directory {root} does not exist")
    settings = default_settings(root)
    path = settings.root / SETTINGS_FILE
    if path.is_file():
        from trusthub.settings_file import read_settings_file

        settings = read_settings_file(path, settings)
    state_env = env.get("TRUSTHUB_STATE")
    if state_env:
        settings = _replace(settings, state=_state_location(settings.root, state_env))
    return settings


def _state_location(root: Path, value: str) -> str:
    if "://" in value:
        return value
    return str((root / value).resolve())


def _replace(settings: Settings, **changes: Any) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)
