"""The state store interface. `open_store` (in `trusthub.state`) picks the backend.

Reads go through the store. Writes happen only inside `with store.transaction() as tx:`:
one database transaction, committed when the block ends, rolled back if it raises, and the
serial goes up by one if it changed a resource or a remote object. A store is safe to share
between threads: transactions are serialised, and reads made inside a transaction (same
thread) see its writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Literal, Protocol, Self

from trusthub.state.model import (
    AuditEvent,
    Binding,
    Keep,
    LockHolder,
    LockInfo,
    Meta,
    RecordedResource,
    RemoteObject,
    Snapshot,
)

Backend = Literal["sqlite", "postgresql"]


class StateTransaction(Protocol):
    def put_resource(
        self,
        kind: str,
        name: str,
        *,
        spec: Mapping[str, Any],
        spec_hash: str,
        policy_sid: str | Keep | None = ...,
        account: str | Keep = ...,
    ) -> bool:
        """Record the spec last applied (upsert); `policy_sid` and `account` (the logical
        account it lives in; "parent" for a new resource) are kept unless given. A new
        resource starts with no status: statuses change only through `set_status`, so each
        change is in the audit log. Returns whether anything changed."""
        ...

    def set_status(
        self,
        kind: str,
        name: str,
        status: str,
        *,
        action: str = "status",
        reasons: Sequence[str] = (),
        evaluation: Mapping[str, Any] | Keep | None = ...,
        valid_until: str | Keep | None = ...,
        actor: str | None = None,
        detail: Mapping[str, Any] | None = None,
        plan_checksum: str | None = None,
        since: str | None = None,
    ) -> AuditEvent:
        """Record a status, one of those the kind's lifecycle declares (and its rejection
        reasons), and append the audit event with from/to. `status_since` moves only when
        the status does, to `since` when given (the time Twilio says it changed, from an
        event) or else now; `evaluation` and `valid_until` are kept unless given."""
        ...

    def set_evaluation(
        self,
        kind: str,
        name: str,
        evaluation: Mapping[str, Any],
        *,
        actor: str | None = None,
        detail: Mapping[str, Any] | None = None,
        plan_checksum: str | None = None,
    ) -> AuditEvent:
        """Record an evaluation result; appends an `evaluate` audit event."""
        ...

    def delete_resource(
        self,
        kind: str,
        name: str,
        *,
        action: str = "delete",
        actor: str | None = None,
        detail: Mapping[str, Any] | None = None,
        plan_checksum: str | None = None,
    ) -> AuditEvent:
        """Forget a resource the caller deleted on Trust Hub: its row, its spec, and its
        remote objects (marked deleted). Appends the audit event."""
        ...

    def rename_resource(
        self,
        kind: str,
        old: str,
        new: str,
        *,
        actor: str | None = None,
        plan_checksum: str | None = None,
    ) -> AuditEvent:
        """Record the resource `old` under the name `new` (a declared rename, `moved:`)."""
        ...

    def record_intent(
        self, kind: str, name: str, role: str, detail: Mapping[str, Any] | None = None
    ) -> None:
        """Record that an object for `role` is about to be created. Commit this before the
        create call, so a run killed in between leaves an intent to adopt."""
        ...

    def bind(self, binding: Binding) -> None:
        """Bind the state to `binding` (does not move the serial by itself)."""
        ...

    def confirm(self, kind: str, name: str, role: str, sid: str) -> None:
        """The object for `role` exists as `sid` (after a create, an adoption, or a find)."""
        ...

    def forget(self, kind: str, name: str, role: str) -> None:
        """The object for `role` is gone (deleted, or its intent abandoned)."""
        ...

    def resource_by_sid(self, sid: str, roles: Sequence[str]) -> tuple[str, str] | None:
        """(kind, name) of the resource whose created object for one of `roles` is `sid`."""
        ...

    def event_seen(self, event_id: str) -> bool:
        """Whether an event with this id was recorded (`record_event`) before, about a
        resource (an event about an unknown SID may be delivered again and then apply)."""
        ...

    def latest_event_time(self, name: str) -> str | None:
        """The time of the newest event recorded as applied to `name`."""
        ...

    def record_event(
        self,
        event_id: str,
        *,
        source: str,
        event_type: str,
        event_time: str,
        sid: str | None,
        name: str | None,
        outcome: str,
    ) -> None:
        """Remember an event by its id, in the transaction that records what it says."""
        ...

    def append_audit(
        self,
        kind: str,
        name: str,
        action: str,
        *,
        from_status: str | None = None,
        to_status: str | None = None,
        actor: str | None = None,
        detail: Mapping[str, Any] | None = None,
        plan_checksum: str | None = None,
    ) -> AuditEvent:
        """Append one event; `detail` must already be masked."""
        ...


class StateStore(Protocol):
    @property
    def backend(self) -> Backend: ...

    @property
    def location(self) -> str:
        """Where the state is, safe to show (no password)."""
        ...

    @property
    def workspace(self) -> str: ...

    # -- reads ---------------------------------------------------------------------------

    def meta(self) -> Meta: ...

    def binding(self) -> Binding | None:
        """The target and account the state is bound to; None until first bound."""
        ...

    def refreshed_at(self) -> str | None:
        """When a refresh last read the target into this state (ISO-8601 UTC); None if never."""
        ...

    def record_refresh(self) -> None:
        """Note that a refresh has just read the target (does not move the serial)."""
        ...

    def snapshot(self) -> Snapshot:
        """Every resource without its spec body, with the lineage and serial they belong to."""
        ...

    def specs(self, names: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Spec bodies of the named resources (names not recorded are left out)."""
        ...

    def resource(self, kind: str, name: str) -> RecordedResource | None: ...

    def remote_objects(self, kind: str, name: str) -> list[RemoteObject]:
        """Every remote object recorded for the resource, in any state, by role."""
        ...

    def sids(self, kind: str, name: str) -> dict[str, str]:
        """role -> SID of the resource's created objects."""
        ...

    def open_intents(self) -> list[RemoteObject]:
        """Creates recorded as intended and never confirmed or forgotten."""
        ...

    def audit(self, name: str | None = None, *, limit: int | None = None) -> list[AuditEvent]:
        """Events oldest first: all of them, or those of `name` and of the resources under
        it (`name/...`, a profile's trust products); `limit` keeps the newest."""
        ...

    # -- writes --------------------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[StateTransaction]: ...

    # -- the lock ------------------------------------------------------------------------

    def lock(self, holder: LockHolder, *, timeout: float = 0) -> AbstractContextManager[LockInfo]:
        """Hold the state lock for the block; wait up to `timeout` seconds for it, then
        raise `LockedError` naming the holder. A stale lock is taken over (see
        `LockInfo.took_over`)."""
        ...

    def lock_info(self) -> LockInfo | None: ...

    def unlock(self, *, force: bool = False) -> LockInfo | None:
        """Clear a stale lock; a live one only with `force`. Returns what was cleared."""
        ...

    # -- whole-state operations ----------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Everything (resources with specs, remote objects, audit log, lineage, serial)
        as JSON-ready data with a content hash; see `trusthub.state.exchange`."""
        ...

    def import_(self, data: Mapping[str, Any]) -> Meta:
        """Load an export into this store, which must be empty. Keeps lineage and serial."""
        ...

    def backup(self, path: Path) -> Meta:
        """Write a consistent copy of the state to `path` (mode 0600)."""
        ...

    def restore(
        self, path: Path, *, force: bool = False, keep_previous: Path | None = None
    ) -> Meta:
        """Replace the state with a verified backup. A backup of another lineage is refused
        unless `force` (or this state is empty). The audit log is never cut short: events
        recorded after the backup stay. The serial moves past both, so plans made before
        the restore are stale. `keep_previous`: first back up the current state there."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...
