"""What the SQLite and PostgreSQL stores share: reads, the transaction frame, the lock
frame, export/import and restore. Both run the same SQL (placeholders `?`; JSON columns
come back as text); a backend supplies the connection, transaction statements, error
translation, and its lock and backup mechanics."""

from __future__ import annotations

import abc
import json
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, ClassVar, Self

from trusthub.common.canonical import canonical_text
from trusthub.errors import StateError
from trusthub.state.actor import current_actor
from trusthub.state.base import Backend
from trusthub.state.exchange import build_export, read_backup, verify_export
from trusthub.state.locking import wait_for_lock
from trusthub.state.model import (
    CREATED,
    INTENT,
    AuditEvent,
    Binding,
    LockHolder,
    LockInfo,
    Meta,
    RecordedResource,
    RemoteObject,
    Snapshot,
    check_resource,
    check_status,
    utc_now,
)
from trusthub.state.transaction import SqlTransaction

_RESOURCE_COLUMNS = (
    "kind, name, status, status_since, spec_hash, rejection_reasons, evaluation, "
    "valid_until, policy_sid, updated_at, account"
)
_REMOTE_COLUMNS = "kind, name, role, sid, state, detail, updated_at"
_AUDIT_COLUMNS = (
    "id, time, actor, kind, name, action, from_status, to_status, plan_checksum, detail"
)
_LOCK_COLUMNS = "user_name, host, pid, pid_start, ci_run, operation, since, backend_pid, token"
_JSON_COLUMNS = frozenset({"rejection_reasons", "evaluation", "spec", "detail"})
_CHUNK = 500  # names per IN (...) list


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


_new_tuple = tuple.__new__


def _resource(row: Sequence[Any]) -> RecordedResource:
    kind, name, status, since, spec_hash, reasons, evaluation, valid, policy, updated, account = row
    # The usual case, no reasons, needs no JSON decoding; tuple.__new__ skips a call layer.
    reasons = () if reasons == "[]" else tuple(json.loads(reasons))
    return _new_tuple(
        RecordedResource,
        (kind, name, status, since, spec_hash, reasons, evaluation, valid, policy, updated,
         account),
    )  # fmt: skip


def _remote(row: Sequence[Any]) -> RemoteObject:
    kind, name, role, sid, state, detail, updated = row
    return RemoteObject(kind, name, role, sid, state, json.loads(detail), updated)


def _event(row: Sequence[Any]) -> AuditEvent:
    event_id, time, actor, kind, name, action, from_status, to_status, checksum, detail = row
    return AuditEvent(
        event_id, time, actor, kind, name, action, from_status, to_status, checksum,
        json.loads(detail),
    )  # fmt: skip


class SqlStore(abc.ABC):
    backend: ClassVar[Backend]

    def __init__(self, *, workspace: str, location: str, schema_version: int) -> None:
        self._workspace = workspace
        self._location = location
        self._schema_version = schema_version
        # One connection, shared by the apply engine's threads: a transaction and the
        # reads made during it stay on their thread, everyone else waits.
        self._mutex = threading.RLock()
        self._in_tx = False
        self._held: LockInfo | None = None
        self._actor: str | None = None

    # -- what a backend supplies ---------------------------------------------------------

    @abc.abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; return a cursor with fetchone/fetchall/rowcount."""

    @abc.abstractmethod
    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abc.abstractmethod
    def _begin(self, *, write: bool) -> None:
        """Start a transaction. A write transaction excludes other writers of the workspace
        until it ends, so its reads and the serial it bumps cannot race."""

    @abc.abstractmethod
    def _end(self, *, commit: bool) -> None: ...

    @abc.abstractmethod
    def _guard(self) -> AbstractContextManager[None]:
        """Turn driver errors into StateError."""

    @abc.abstractmethod
    def _allow_audit_rewrite(self) -> AbstractContextManager[None]:
        """Inside a write transaction: let the append-only audit log be replaced."""

    @abc.abstractmethod
    def _try_lock(self, holder: LockHolder, token: str) -> tuple[LockInfo | None, LockInfo | None]:
        """(acquired, None) or (None, what blocks)."""

    @abc.abstractmethod
    def _release_lock(self, token: str) -> None: ...

    @abc.abstractmethod
    def lock_info(self) -> LockInfo | None: ...

    @abc.abstractmethod
    def unlock(self, *, force: bool = False) -> LockInfo | None: ...

    @abc.abstractmethod
    def backup(self, path: Path) -> Meta: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    # -- identity ------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return self._location

    @property
    def workspace(self) -> str:
        return self._workspace

    @property
    def actor(self) -> str:
        if self._actor is None:
            self._actor = current_actor()
        return self._actor

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def _reading(self, *, consistent: bool = False) -> Iterator[None]:
        """Reads of several statements see one state (`consistent`)."""
        with self._mutex, self._guard():
            if not consistent or self._in_tx:
                yield
                return
            self._begin(write=False)
            try:
                yield
            finally:
                self._end(commit=False)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A write transaction that does not move the serial (locks, import, restore)."""
        with self._mutex:
            if self._in_tx:
                raise RuntimeError("state transactions do not nest")
            with self._guard():
                try:
                    self._begin(write=True)
                except BaseException:
                    # A BEGIN that took but whose first statement failed (a read-only role
                    # may not lock the row) must not leave an aborted transaction behind.
                    with suppress(Exception):
                        self._end(commit=False)
                    raise
            self._in_tx = True
            try:
                with self._guard():
                    yield
                    self._end(commit=True)
            except BaseException:
                with suppress(Exception):  # the connection may be the thing that failed
                    self._end(commit=False)
                raise
            finally:
                self._in_tx = False

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        with self._writing():
            tx = SqlTransaction(self)
            try:
                yield tx
                if tx.changed:
                    self.execute(
                        "UPDATE workspaces SET serial = serial + 1 WHERE workspace = ?",
                        (self._workspace,),
                    )
            finally:
                tx.closed = True

    # -- reads ---------------------------------------------------------------------------

    def _meta_row(self) -> tuple[str, int]:
        row = self.execute(
            "SELECT lineage, serial FROM workspaces WHERE workspace = ?", (self._workspace,)
        ).fetchone()
        if row is None:
            raise StateError(f"{self._location}: workspace {self._workspace!r} has no record")
        return str(row[0]), int(row[1])

    def meta(self) -> Meta:
        with self._reading():
            lineage, serial = self._meta_row()
        return Meta(self._workspace, lineage, serial, self._schema_version)

    def binding(self) -> Binding | None:
        with self._reading():
            row = self.execute(
                "SELECT bound_target, bound_account_shown, bound_account_fingerprint "
                "FROM workspaces WHERE workspace = ?",
                (self._workspace,),
            ).fetchone()
        if row is None or None in tuple(row):
            return None
        return Binding(str(row[0]), str(row[1]), str(row[2]))

    def refreshed_at(self) -> str | None:
        with self._reading():
            row = self.execute(
                "SELECT refreshed_at FROM workspaces WHERE workspace = ?", (self._workspace,)
            ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def record_refresh(self) -> None:
        # Not a transaction(): the serial counts changes to resources, and a refresh that
        # found nothing new changed none.
        with self._writing():
            self.execute(
                "UPDATE workspaces SET refreshed_at = ? WHERE workspace = ?",
                (utc_now(), self._workspace),
            )

    def snapshot(self) -> Snapshot:
        with self._reading(consistent=True):
            lineage, serial = self._meta_row()
            rows = self.execute(
                f"SELECT {_RESOURCE_COLUMNS} FROM resources WHERE workspace = ?",
                (self._workspace,),
            ).fetchall()
        return Snapshot(lineage, serial, tuple(map(_resource, rows)))

    def specs(self, names: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(names))
        out: dict[str, dict[str, Any]] = {}
        with self._reading(consistent=True):
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                for name, spec in self.execute(
                    f"SELECT name, spec FROM specs WHERE workspace = ? AND name IN ({marks})",
                    (self._workspace, *chunk),
                ).fetchall():
                    out[name] = json.loads(spec)
        return out

    def resource(self, kind: str, name: str) -> RecordedResource | None:
        with self._reading():
            row = self.execute(
                f"SELECT {_RESOURCE_COLUMNS} FROM resources "
                "WHERE workspace = ? AND name = ? AND kind = ?",
                (self._workspace, name, kind),
            ).fetchone()
        return None if row is None else _resource(row)

    def remote_objects(self, kind: str, name: str) -> list[RemoteObject]:
        with self._reading():
            rows = self.execute(
                f"SELECT {_REMOTE_COLUMNS} FROM remote_objects "
                "WHERE workspace = ? AND name = ? AND kind = ?",
                (self._workspace, name, kind),
            ).fetchall()
        return sorted(map(_remote, rows), key=lambda o: o.role)

    def sids(self, kind: str, name: str) -> dict[str, str]:
        with self._reading():
            rows = self.execute(
                "SELECT role, sid FROM remote_objects "
                "WHERE workspace = ? AND name = ? AND kind = ? AND state = ?",
                (self._workspace, name, kind, CREATED),
            ).fetchall()
        return dict(sorted(rows))

    def open_intents(self) -> list[RemoteObject]:
        with self._reading():
            rows = self.execute(
                f"SELECT {_REMOTE_COLUMNS} FROM remote_objects WHERE workspace = ? AND state = ?",
                (self._workspace, INTENT),
            ).fetchall()
        return sorted(map(_remote, rows), key=lambda o: (o.name, o.role))

    def audit(self, name: str | None = None, *, limit: int | None = None) -> list[AuditEvent]:
        sql = f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE workspace = ?"
        params: list[Any] = [self._workspace]
        if name is not None:
            # substr, not LIKE: LIKE is case-insensitive in SQLite and `_` is a wildcard.
            prefix = name + "/"
            sql += " AND (name = ? OR substr(name, 1, ?) = ?)"
            params += [name, len(prefix), prefix]
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, limit))
        with self._reading():
            rows = self.execute(sql, params).fetchall()
        return [_event(row) for row in reversed(rows)]

    # -- the lock ------------------------------------------------------------------------

    @contextmanager
    def lock(self, holder: LockHolder, *, timeout: float = 0) -> Iterator[LockInfo]:
        token = uuid.uuid4().hex

        def attempt() -> tuple[LockInfo | None, LockInfo | None]:
            # Not re-entrant, even within the process: PostgreSQL's advisory locks are
            # (per session), so the store itself keeps a second locker out.
            with self._mutex:
                if self._held is not None:
                    return None, self._held
                acquired, blocker = self._try_lock(holder, token)
                self._held = acquired
                return acquired, blocker

        info = wait_for_lock(attempt, timeout=timeout)
        try:
            yield info
        except BaseException:
            with suppress(Exception):
                self._release_lock(token)
            raise
        else:
            self._release_lock(token)
        finally:
            self._held = None

    def _read_holder(self) -> tuple[LockInfo, str] | None:
        """The holder row and its token; `stale` is for the backend to work out."""
        row = self.execute(
            f"SELECT {_LOCK_COLUMNS} FROM locks WHERE workspace = ?", (self._workspace,)
        ).fetchone()
        if row is None:
            return None
        user, host, pid, pid_start, ci_run, operation, since, backend_pid, token = row
        holder = LockHolder(user, host, pid, ci_run, operation, pid_start)
        return LockInfo(holder, since, backend_pid=backend_pid), token

    def _write_holder(
        self, holder: LockHolder, since: str, token: str, backend_pid: int | None
    ) -> None:
        h = holder
        values = [self._workspace, h.user, h.host, h.pid, h.pid_start, h.ci_run, h.operation]
        self.execute(
            f"INSERT INTO locks (workspace, {_LOCK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (workspace) DO UPDATE SET user_name = excluded.user_name, "
            "host = excluded.host, pid = excluded.pid, pid_start = excluded.pid_start, "
            "ci_run = excluded.ci_run, operation = excluded.operation, since = excluded.since, "
            "backend_pid = excluded.backend_pid, token = excluded.token",
            [*values, since, backend_pid, token],
        )

    def _delete_holder(self, token: str) -> None:
        self.execute(
            "DELETE FROM locks WHERE workspace = ? AND token = ?", (self._workspace, token)
        )

    # -- whole state ---------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        ws = (self._workspace,)
        with self._reading(consistent=True):
            lineage, serial = self._meta_row()
            resources = self.execute(
                f"SELECT {', '.join('r.' + c for c in _RESOURCE_COLUMNS.split(', '))}, s.spec "
                "FROM resources r JOIN specs s ON s.workspace = r.workspace AND s.name = r.name "
                "WHERE r.workspace = ?",
                ws,
            ).fetchall()
            remote = self.execute(
                f"SELECT {_REMOTE_COLUMNS} FROM remote_objects WHERE workspace = ?", ws
            ).fetchall()
            audit = self.execute(
                f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE workspace = ?", ws
            ).fetchall()

        def rows(names: str, data: list[Any]) -> list[dict[str, Any]]:
            keys = names.split(", ")
            return [
                {
                    k: (_loads(v) if k in _JSON_COLUMNS else v)
                    for k, v in zip(keys, row, strict=True)
                }
                for row in data
            ]

        return build_export(
            workspace=self._workspace,
            lineage=lineage,
            serial=serial,
            schema_version=self._schema_version,
            resources=rows(_RESOURCE_COLUMNS + ", spec", resources),
            remote_objects=rows(_REMOTE_COLUMNS, remote),
            audit=rows(_AUDIT_COLUMNS, audit),
        )

    def _is_empty(self, data: Mapping[str, Any]) -> bool:
        return data["serial"] == 0 and not (
            data["resources"] or data["remote_objects"] or data["audit"]
        )

    def import_(self, data: Mapping[str, Any]) -> Meta:
        data = verify_export(data, "the imported state")
        current = self.export()
        if not self._is_empty(current):
            raise StateError(
                f"{self._location} already holds state for workspace {self._workspace!r} "
                f"(lineage {current['lineage']}, serial {current['serial']}); "
                "import only into an empty state"
            )
        with self._writing():
            self._replace(
                data,
                audit=data["audit"],
                serial=data["serial"],
                rewrite=False,
                source="the imported state",
            )
        return self.meta()

    def _read_sqlite_backup(self, path: Path) -> dict[str, Any]:
        """Read a SQLite backup (`sqlite.read_sqlite_backup`; the backends pass it in)."""
        raise NotImplementedError

    def restore(
        self, path: Path, *, force: bool = False, keep_previous: Path | None = None
    ) -> Meta:
        data = read_backup(path, self._read_sqlite_backup)
        current = self.export()
        same = data["lineage"] == current["lineage"]
        empty = self._is_empty(current)
        if not same and not empty and not force:
            raise StateError(
                f"backup {path} is of another state (lineage {data['lineage']}, serial "
                f"{data['serial']}) than {self._location} (lineage {current['lineage']}, "
                f"serial {current['serial']})",
                hint="check that it is the right file; --force replaces this state and its "
                "history with the backup's",
            )
        if keep_previous is not None and not empty:
            self.backup(keep_previous)
        serial = max(data["serial"], current["serial"]) + 1
        if same:
            # The audit log is never cut short: keep every event recorded since the backup.
            last = max((e["id"] for e in current["audit"]), default=0)
            audit = [e for e in data["audit"] if e["id"] > last]
        else:
            audit = data["audit"]
        with self._writing():
            self._replace(
                data,
                audit=audit,
                serial=serial,
                rewrite=not same and not empty,
                source=f"backup {path}",
            )
        return self.meta()

    def _replace(
        self,
        data: Mapping[str, Any],
        *,
        audit: list[dict[str, Any]],
        serial: int,
        rewrite: bool,
        source: str,
    ) -> None:
        """Inside a write transaction: make this workspace hold `data`'s resources and
        remote objects, append `audit` (or, with `rewrite`, replace the log with it)."""
        _check_kinds(data, audit, source)
        ws = self._workspace
        self.execute("DELETE FROM remote_objects WHERE workspace = ?", (ws,))
        self.execute("DELETE FROM resources WHERE workspace = ?", (ws,))  # specs cascade
        if rewrite:
            with self._allow_audit_rewrite():
                self.execute("DELETE FROM audit WHERE workspace = ?", (ws,))
        dump = _dump_fields
        self._executemany(
            f"INSERT INTO resources (workspace, {_RESOURCE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(ws, *dump(r, _RESOURCE_COLUMNS)) for r in data["resources"]],
        )
        self._executemany(
            "INSERT INTO specs (workspace, name, spec) VALUES (?, ?, ?)",
            [(ws, r["name"], canonical_text(r["spec"])) for r in data["resources"]],
        )
        self._executemany(
            f"INSERT INTO remote_objects (workspace, {_REMOTE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(ws, *dump(o, _REMOTE_COLUMNS)) for o in data["remote_objects"]],
        )
        self._executemany(
            f"INSERT INTO audit (workspace, {_AUDIT_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(ws, *dump(e, _AUDIT_COLUMNS)) for e in audit],
        )
        self.execute(
            "UPDATE workspaces SET lineage = ?, serial = ?, "
            "audit_seq = (SELECT COALESCE(MAX(id), 0) FROM audit WHERE workspace = ?) "
            "WHERE workspace = ?",
            (data["lineage"], serial, ws, ws),
        )


def _check_kinds(data: Mapping[str, Any], audit: list[dict[str, Any]], source: str) -> None:
    """What a transaction checks of each row it writes, for rows loaded whole: registered
    kinds, names of their kind's shape, statuses of their kind's lifecycle."""
    sections = (("resources", data["resources"]), ("remote_objects", data["remote_objects"]))
    for key, rows in (*sections, ("audit", audit)):
        for i, row in enumerate(rows):
            try:
                kind = check_resource(row["kind"], row["name"])
                if key == "resources" and row["status"] is not None:
                    check_status(kind, row["status"])
            except StateError as e:
                raise StateError(f"{source}: {key}[{i}]: {e.message}", hint=e.hint) from None


def _dump_fields(row: Mapping[str, Any], columns: str) -> list[Any]:
    """A row of an export as column values: JSON columns as canonical text."""
    return [
        canonical_text(row[key]) if key in _JSON_COLUMNS and row[key] is not None else row[key]
        for key in columns.split(", ")
    ]
