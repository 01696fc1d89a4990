"""The settings of a workspace, as plain data (reading them: `settings_file`). A workspace is
a directory with an optional `trusthub.yaml` and the profile files.

Without `trusthub.yaml` the defaults apply: profiles under `profiles/`, state in
`.trusthub/state.db`, the embedded sandbox as target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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
