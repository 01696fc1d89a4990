"""One command's connection to its state store and (lazily) its target."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from trusthub.app.continuity import keep_reconciling
from trusthub.common.locations import is_database
from trusthub.config.settings import Settings
from trusthub.errors import ConfigError
from trusthub.state import open_store
from trusthub.state.actor import current_actor, current_holder
from trusthub.state.base import StateStore

if TYPE_CHECKING:  # imported where used: `plan --no-refresh` never loads the Twilio SDK
    from trusthub.app.refreshing import RefreshResult
    from trusthub.app.target import Target


def workspace_identity(settings: Settings) -> str:
    """The workspace's name in its state. A SQLite file holds one workspace, so the
    directory's name does. A shared database tells workspaces apart by name alone: one
    guessed from the directory would make two checkouts called alike (`compliance/`) share
    records, and one plan deletions of the other's profiles, so it must be given."""
    if is_database(settings.state) and not settings.named:
        raise ConfigError(
            "a shared PostgreSQL state needs the workspace's name, and this workspace has "
            f"none: it would be taken from the directory name {settings.root.name!r}, which "
            "another workspace may have too, and the two would share records",
            hint="add `name: <a name unique in that database>` to trusthub.yaml (for an "
            f"existing state, the name it holds: `{settings.root.name}` if it was made here)",
        )
    return settings.name


def open_workspace_store(settings: Settings) -> StateStore:
    """The state store of the workspace (its share of a shared database)."""
    return open_store(settings.state, workspace_identity(settings))


class Session:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: StateStore = open_workspace_store(settings)
        self._target: Target | None = None
        self._target_error: ConfigError | None = None
        self.actor = current_actor()
        self.last_refresh: RefreshResult | None = None  # what this command's refresh found

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def target(self) -> Target:
        """The target, once the state is known to belong to it (`trusthub.app.binding`)."""
        if self._target is None:
            from trusthub.app.binding import check_binding
            from trusthub.app.target import open_target

            target = open_target(self.settings)
            check_binding(self.store, target)
            self._target = target
        return self._target

    def unchecked_target(self) -> Target:
        """The target, whatever account the state belongs to (for `state rebind`)."""
        from trusthub.app.target import open_target

        return open_target(self.settings)

    def reachable_target(self) -> Target | None:
        """The target, or None when it cannot be reached (no credentials)."""
        if self._target is None and self._target_error is None:
            from trusthub.app.binding import check_binding
            from trusthub.app.target import open_target

            try:
                target = open_target(self.settings)
            except ConfigError as e:
                self._target_error = e
            else:
                check_binding(self.store, target)
                self._target = target
        return self._target

    def refresh_locked(self, target: Target, *, full: bool = False) -> RefreshResult:
        """Refresh, the caller holding the state lock."""
        from trusthub.app.refreshing import refresh_state

        return refresh_state(
            self.store,
            target,
            actor=self.actor,
            parallelism=self.settings.parallelism,
            cache_dir=self.settings.state_dir / "cache",
            full=full,
        )

    @property
    def unreachable_reason(self) -> str | None:
        return self._target_error.message if self._target_error else None

    def refresh(self, *, lock_timeout: float = 0.0, full: bool = False) -> RefreshResult | None:
        """Refresh under the state lock; None when the target cannot be reached. `full`:
        read every profile whole, not only what moved (`trusthub.app.listing`)."""
        target = self.reachable_target()
        if target is None:
            return None
        with self.store.lock(current_holder("refresh"), timeout=lock_timeout):
            result = self.refresh_locked(target, full=full)
            note_gone(self, result)
            return result


def gone_warnings(result: RefreshResult) -> list[str]:
    return [
        f"warning: {name}: its {role} {sid} is gone from Trust Hub (deleted in the Console, "
        "or a sandbox reset); the state forgot it and the plan creates it again. To let it "
        "go instead, remove it from its file"
        for _kind, name, role, sid in result.gone
    ]


def note_gone(session: Session, result: RefreshResult) -> None:
    """What is left of a gone resource on Trust Hub is adopted by the next apply."""
    session.last_refresh = result
    if result.gone:
        names = ", ".join(name for _kind, name, _role, _sid in result.gone)
        keep_reconciling(session.settings, session.store, f"gone from Trust Hub: {names}")


def not_read_note(store: StateStore, why: str) -> str:
    """Why a plan was made without reading Trust Hub, and how old what it was made from
    is (shown by plan and apply alike)."""
    at = store.refreshed_at()
    return why + (f"; the state last read it at {at}" if at else "; the state never read it")
