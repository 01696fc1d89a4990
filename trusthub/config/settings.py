"""The settings of a workspace, as plain data (reading them: `settings_file`). A workspace is
a directory with an optional `trusthub.yaml` and the profile files.

Without `trusthub.yaml` the defaults apply: profiles under `profiles/`, state in
`.trusthub/state.db`, the embedded sandbox as target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from trusthub.config.defaults import WorkspaceDefaults
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.model.fees import DEFAULT_MAX_PER_APPLY, FEES

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


def _default_fee_limits() -> tuple[tuple[str, int], ...]:
    return tuple((key, DEFAULT_MAX_PER_APPLY) for key in FEES)


@dataclass(frozen=True, slots=True)
class FeeSettings:
    """The fee budget: how many actions of one plan may carry each kind of fee (keys:
    `trusthub.model.fees.FEES`); a plan over it is refused unless --force."""

    max_per_apply: tuple[tuple[str, int], ...] = field(default_factory=_default_fee_limits)

    @property
    def limits(self) -> Mapping[str, int]:
        return dict(self.max_per_apply)


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """A subaccount of the parent under `accounts:`: an existing one (`sid`), or one apply
    creates (`friendly_name` only)."""

    name: str  # logical, as profiles name it
    sid: str | None = None
    friendly_name: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    root: Path  # absolute workspace directory
    name: str  # workspace id in a shared state database
    profiles_dir: Path  # absolute
    state: str  # absolute SQLite path or a postgresql:// URL
    target: Target
    sandbox: SandboxSettings
    safety: SafetySettings = field(default_factory=SafetySettings)
    fees: FeeSettings = field(default_factory=FeeSettings)
    parallelism: int = 10
    accounts: tuple[AccountSettings, ...] = ()  # the subaccounts, in file order
    settings_file: Path | None = None  # absolute path of trusthub.yaml when present
    # `name:` is in trusthub.yaml: the workspace is named, not called after its directory
    # (a shared database refuses a guessed name: `trusthub.app.session`).
    named: bool = False
    # `defaults:` in trusthub.yaml: what profiles inherit (`trusthub.config.defaults`).
    defaults: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)

    @property
    def account_names(self) -> tuple[str, ...]:
        """Every account a profile may name: the parent first, then the subaccounts."""
        return (PARENT_ACCOUNT, *(a.name for a in self.accounts))

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
