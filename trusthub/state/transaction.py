"""The writes of one state transaction, in SQL both backends run (placeholders are `?`;
the PostgreSQL store rewrites them). Each write first reads the row it replaces, so a write
that changes nothing does not move the serial and every status change knows its `from`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from trusthub.common.canonical import canonical_text
from trusthub.errors import StateError
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.state.model import (
    CREATED,
    DELETED,
    INTENT,
    KEEP,
    AuditEvent,
    Binding,
    Keep,
    check_resource,
    check_status,
    utc_now,
)

if TYPE_CHECKING:
    from trusthub.state.sql_store import SqlStore


def _same_json(old: str | None, new: str | None) -> bool:
    """Equal JSON values; PostgreSQL hands jsonb back in its own spacing and key order."""
    if old is None or new is None:
        return old is new
    return old == new or json.loads(old) == json.loads(new)


def _same_kind(recorded: str, kind: str, name: str) -> None:
    """Names are unique across kinds: a name recorded for one kind is not another's."""
    if recorded != kind:
        raise StateError(f"{name!r} is recorded as a {recorded}, not a {kind}")


class SqlTransaction:
    def __init__(self, store: SqlStore) -> None:
        self._store = store
        self._ws = store.workspace
        self.changed = False  # whether the serial moves at commit
        self.closed = False

    def _x(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.closed:
            raise RuntimeError("this state transaction has ended")
        return self._store.execute(sql, params)

    def _status_row(self, kind: str, name: str) -> tuple[Any, ...]:
        row = self._x(
            "SELECT status, status_since, rejection_reasons, evaluation, valid_until "
            "FROM resources WHERE workspace = ? AND name = ? AND kind = ?",
            (self._ws, name, kind),
        ).fetchone()
        if row is None:
            raise StateError(f"{kind} {name!r} is not recorded in the state")
        return cast(tuple[Any, ...], row)

    # -- resources -----------------------------------------------------------------------

    def put_resource(
        self,
        kind: str,
        name: str,
        *,
        spec: Mapping[str, Any],
        spec_hash: str,
        policy_sid: str | Keep | None = KEEP,
        account: str | Keep = KEEP,
    ) -> bool:
        kind = check_resource(kind, name)
        spec_text = canonical_text(dict(spec))
        now = utc_now()
        row = self._x(
            "SELECT r.spec_hash, r.policy_sid, s.spec, r.kind, r.account FROM resources r "
            "JOIN specs s ON s.workspace = r.workspace AND s.name = r.name "
            "WHERE r.workspace = ? AND r.name = ?",
            (self._ws, name),
        ).fetchone()
        if row is not None:
            _same_kind(row[3], kind, name)
        if row is None:
            self._x(
                "INSERT INTO resources (workspace, name, kind, spec_hash, policy_sid, "
                "updated_at, account) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    self._ws, name, kind, spec_hash, None if policy_sid is KEEP else policy_sid,
                    now, PARENT_ACCOUNT if account is KEEP else account,
                ),
            )  # fmt: skip
            self._x(
                "INSERT INTO specs (workspace, name, spec) VALUES (?, ?, ?)",
                (self._ws, name, spec_text),
            )
            self.changed = True
            return True
        old_hash, old_policy, old_spec, _, old_account = row
        new_policy = old_policy if policy_sid is KEEP else policy_sid
        new_account = old_account if account is KEEP else account
        same_spec = _same_json(old_spec, spec_text)
        if (old_hash, old_policy, old_account) == (
            spec_hash,
            new_policy,
            new_account,
        ) and same_spec:
            return False
        self._x(
            "UPDATE resources SET spec_hash = ?, policy_sid = ?, account = ?, updated_at = ? "
            "WHERE workspace = ? AND name = ?",
            (spec_hash, new_policy, new_account, now, self._ws, name),
        )
        if not same_spec:
            self._x(
                "UPDATE specs SET spec = ? WHERE workspace = ? AND name = ?",
                (spec_text, self._ws, name),
            )
        self.changed = True
        return True

    def set_status(
        self,
        kind: str,
        name: str,
        status: str,
        *,
        action: str = "status",
        reasons: Sequence[str] = (),
        evaluation: Mapping[str, Any] | Keep | None = KEEP,
        valid_until: str | Keep | None = KEEP,
        actor: str | None = None,
        detail: Mapping[str, Any] | None = None,
        plan_checksum: str | None = None,
        since: str | None = None,
    ) -> AuditEvent:
        kind = check_resource(kind, name)
        check_status(kind, status)
        old_status, old_since, old_reasons, old_eval, old_valid = self._status_row(kind, name)
        reasons_text = canonical_text([str(r) for r in reasons])
        eval_text = (
            old_eval
            if evaluation is KEEP
            else None
            if evaluation is None
            else canonical_text(dict(evaluation))
        )
        new_valid = old_valid if valid_until is KEEP else valid_until
        now = utc_now()
        since = old_since if status == old_status and old_since else (since or now)
        if (
            status != old_status
            or new_valid != old_valid
            or not _same_json(old_reasons, reasons_text)
            or not _same_json(old_eval, eval_text)
        ):
            self._x(
                "UPDATE resources SET status = ?, status_since = ?, rejection_reasons = ?, "
                "evaluation = ?, valid_until = ?, updated_at = ? "
                "WHERE workspace = ? AND name = ?",
                (status, since, reasons_text, eval_text, new_valid, now, self._ws, name),
            )
            self.changed = True
        extra: dict[str, Any] = {}
        if reasons:
            extra["reasons"] = [str(r) for r in reasons]
        if isinstance(evaluation, Mapping):
            extra["evaluation"] = dict(evaluation)
        return self.append_audit(
            kind,
            name,
            action,
            from_status=old_status,
            to_status=status,
            actor=actor,
            detail={**(detail or {}), **extra},
            plan_checksum=plan_checksum,
        )

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
        kind = check_resource(kind, name)
        status, _, _, old_eval, _ = self._status_row(kind, name)
        eval_text = canonical_text(dict(evaluation))
        if not _same_json(old_eval, eval_text):
            self._x(
                "UPDATE resources SET evaluation = ?, updated_at = ? "
                "WHERE workspace = ? AND name = ?",
                (eval_text, utc_now(), self._ws, name),
            )
            self.changed = True
        return self.append_audit(
            kind,
            name,
            "evaluate",
            from_status=status,
            to_status=status,
            actor=actor,
            detail={**(detail or {}), "evaluation": dict(evaluation)},
            plan_checksum=plan_checksum,
        )

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
        kind = check_resource(kind, name)
        status = self._status_row(kind, name)[0]
        self._x("DELETE FROM resources WHERE workspace = ? AND name = ?", (self._ws, name))
        self._x(
            "UPDATE remote_objects SET state = ?, updated_at = ? "
            "WHERE workspace = ? AND name = ? AND state <> ?",
            (DELETED, utc_now(), self._ws, name, DELETED),
        )
        self.changed = True
        return self.append_audit(
            kind,
            name,
            action,
            from_status=status,
            to_status=None,
            actor=actor,
            detail=detail,
            plan_checksum=plan_checksum,
        )

    def rename_resource(
        self,
        kind: str,
        old: str,
        new: str,
        *,
        actor: str | None = None,
        plan_checksum: str | None = None,
    ) -> AuditEvent:
        """Record the resource `old` (its spec, status and objects) under the name `new`: a
        rename declared in the workspace (`moved:`); nothing changes on the target. Its
        history stays under `old`; the rename is an event of `new` naming `old`."""
        kind = check_resource(kind, old)
        check_resource(kind, new)
        status = self._status_row(kind, old)[0]
        if self._x(
            "SELECT 1 FROM resources WHERE workspace = ? AND name = ?", (self._ws, new)
        ).fetchone():
            raise StateError(f"cannot rename {old} to {new}: {new} is recorded already")
        columns = (
            "kind, status, status_since, spec_hash, rejection_reasons, evaluation, "
            "valid_until, policy_sid, updated_at, account"
        )
        self._x(
            f"INSERT INTO resources (workspace, name, {columns}) "
            f"SELECT workspace, ?, {columns} FROM resources WHERE workspace = ? AND name = ?",
            (new, self._ws, old),
        )
        self._x(
            "INSERT INTO specs (workspace, name, spec) "
            "SELECT workspace, ?, spec FROM specs WHERE workspace = ? AND name = ?",
            (new, self._ws, old),
        )
        self._x("DELETE FROM resources WHERE workspace = ? AND name = ?", (self._ws, old))
        # Objects of an earlier resource of the new name, deleted long ago, make way.
        self._x(
            "DELETE FROM remote_objects WHERE workspace = ? AND name = ? AND state = ?",
            (self._ws, new, DELETED),
        )
        self._x(
            "UPDATE remote_objects SET name = ? WHERE workspace = ? AND name = ?",
            (new, self._ws, old),
        )
        self.changed = True
        return self.append_audit(
            kind,
            new,
            "move",
            from_status=status,
            to_status=status,
            actor=actor,
            detail={"from": old},
            plan_checksum=plan_checksum,
        )

    # -- remote objects ------------------------------------------------------------------

    def _remote(self, kind: str, name: str, role: str) -> tuple[str | None, str, str] | None:
        """(sid, state, detail) of the object recorded for `role`."""
        if not role:
            raise StateError(f"{name}: a remote object needs a role")
        row = self._x(
            "SELECT sid, state, detail, kind FROM remote_objects "
            "WHERE workspace = ? AND name = ? AND role = ?",
            (self._ws, name, role),
        ).fetchone()
        if row is None:
            return None
        _same_kind(row[3], kind, name)
        return row[0], row[1], row[2]

    def _upsert_remote(
        self, kind: str, name: str, role: str, sid: str | None, state: str, detail: str
    ) -> None:
        self._x(
            "INSERT INTO remote_objects (workspace, name, role, kind, sid, state, detail, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (workspace, name, role) DO UPDATE SET kind = excluded.kind, "
            "sid = excluded.sid, state = excluded.state, detail = excluded.detail, "
            "updated_at = excluded.updated_at",
            (self._ws, name, role, kind, sid, state, detail, utc_now()),
        )
        self.changed = True

    def record_intent(
        self, kind: str, name: str, role: str, detail: Mapping[str, Any] | None = None
    ) -> None:
        kind = check_resource(kind, name)
        current = self._remote(kind, name, role)
        if current is not None and current[1] == CREATED:
            raise StateError(
                f"{name}: {role} is already created as {current[0]}; "
                "forget it before recording another create"
            )
        self._upsert_remote(kind, name, role, None, INTENT, canonical_text(dict(detail or {})))

    def bind(self, binding: Binding) -> None:
        # Not a change of resources: the serial stays (a saved plan stays applicable).
        self._x(
            "UPDATE workspaces SET bound_target = ?, bound_account_shown = ?, "
            "bound_account_fingerprint = ? WHERE workspace = ?",
            (binding.target, binding.account_shown, binding.account_fingerprint, self._ws),
        )

    def confirm(self, kind: str, name: str, role: str, sid: str) -> None:
        kind = check_resource(kind, name)
        if not sid:
            raise StateError(f"{name}: confirming {role} needs its SID")
        current = self._remote(kind, name, role)
        if current is not None and current[1] == CREATED:
            if current[0] == sid:
                return
            raise StateError(
                f"{name}: {role} is recorded as {current[0]}, not {sid}; forget it first"
            )
        # Keep the intent's detail: it tells what the create was for.
        detail = current[2] if current is not None and current[1] == INTENT else "{}"
        self._upsert_remote(kind, name, role, sid, CREATED, detail)

    def forget(self, kind: str, name: str, role: str) -> None:
        check_resource(kind, name)
        current = self._remote(kind, name, role)
        if current is None:
            raise StateError(f"{name}: no {role} is recorded")
        if current[1] == DELETED:
            return
        self._x(
            "UPDATE remote_objects SET state = ?, updated_at = ? "
            "WHERE workspace = ? AND name = ? AND role = ?",
            (DELETED, utc_now(), self._ws, name, role),
        )
        self.changed = True

    # -- events received from Twilio ------------------------------------------------------

    def resource_by_sid(self, sid: str, roles: Sequence[str]) -> tuple[str, str] | None:
        """(kind, name) of the resource whose object for one of `roles` is `sid`."""
        marks = ",".join("?" * len(roles))
        row = self._x(
            "SELECT kind, name FROM remote_objects WHERE workspace = ? AND sid = ? "
            f"AND state = ? AND role IN ({marks}) ORDER BY name LIMIT 1",
            (self._ws, sid, CREATED, *roles),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def event_seen(self, event_id: str) -> bool:
        row = self._x(
            "SELECT 1 FROM received_events WHERE workspace = ? AND event_id = ? "
            "AND outcome <> 'unknown'",
            (self._ws, event_id),
        ).fetchone()
        return row is not None

    def latest_event_time(self, name: str) -> str | None:
        """The time of the newest event recorded as applied to `name`."""
        row = self._x(
            "SELECT MAX(event_time) FROM received_events "
            "WHERE workspace = ? AND name = ? AND outcome = 'applied'",
            (self._ws, name),
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

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
        """Remember an event by its id (the caller checked `event_seen` in this transaction)."""
        self._x(
            "INSERT INTO received_events (workspace, event_id, source, event_type, "
            "event_time, sid, name, outcome, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            # An event about an unknown SID may come again once the SID is recorded.
            "ON CONFLICT (workspace, event_id) DO UPDATE SET name = excluded.name, "
            "outcome = excluded.outcome, received_at = excluded.received_at",
            (self._ws, event_id, source, event_type, event_time, sid, name, outcome, utc_now()),
        )

    # -- audit ---------------------------------------------------------------------------

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
        checked = check_resource(kind, name)
        if not action:
            raise StateError(f"{name}: an audit event needs an action")
        # Ids are per workspace and gapless; the row update also serialises writers.
        self._x("UPDATE workspaces SET audit_seq = audit_seq + 1 WHERE workspace = ?", (self._ws,))
        (event_id,) = self._x(
            "SELECT audit_seq FROM workspaces WHERE workspace = ?", (self._ws,)
        ).fetchone()
        event = AuditEvent(
            id=int(event_id),
            time=utc_now(),
            actor=actor or self._store.actor,
            kind=checked,
            name=name,
            action=action,
            from_status=from_status,
            to_status=to_status,
            plan_checksum=plan_checksum,
            detail=dict(detail or {}),
        )
        self._x(
            "INSERT INTO audit (workspace, id, time, actor, kind, name, action, from_status, "
            "to_status, plan_checksum, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self._ws,
                event.id,
                event.time,
                event.actor,
                event.kind,
                event.name,
                event.action,
                event.from_status,
                event.to_status,
                event.plan_checksum,
                canonical_text(event.detail),
            ),
        )
        return event
