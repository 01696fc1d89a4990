"""The PostgreSQL backend: many workspaces in one database, in the schema `trusthub`.

The lock is a session-level advisory lock on a key derived from the workspace name, so a
runner that dies never leaves it behind: PostgreSQL drops it with the session. A holder
row says who holds it, for people; a row whose advisory lock nobody holds is stale.
Unlike Terraform's pg backend (one row per workspace, overwritten), every audit event
is kept.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from trusthub.errors import StateError
from trusthub.state import migrations
from trusthub.state.exchange import write_export
from trusthub.state.locking import advisory_key, live_lock_error
from trusthub.state.model import LockHolder, LockInfo, Meta, utc_now
from trusthub.state.sql_store import SqlStore
from trusthub.state.sqlite import read_sqlite_backup

if TYPE_CHECKING:
    import psycopg

SCHEMA: Final = "trusthub"
# Serialises schema migrations between processes opening the same database at once.
_MIGRATION_KEY: Final = advisory_key("\x00schema-migration")

_HELD = (
    "EXISTS (SELECT 1 FROM pg_locks p WHERE p.locktype = 'advisory' AND p.granted "
    "AND p.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND p.classid::bigint = ? AND p.objid::bigint = ? AND p.objsubid = 1 AND p.pid = ?)"
)


@functools.lru_cache(maxsize=256)
def _pg_sql(sql: str) -> str:
    return sql.replace("?", "%s")


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(url)
    except psycopg.Error:
        return "postgresql://(unreadable URL)"
    user = f"{params['user']}@" if params.get("user") else ""
    host = params.get("host") or "localhost"
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{host}{port}/{params.get('dbname') or ''}"


def _why(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _read_only_error(label: str, e: Exception) -> StateError:
    return StateError(
        f"the state database {label} refused a change: {_why(e)}",
        hint="these credentials may only read the state (a read-only role, e.g. the one "
        "pull requests plan with): apply, refresh and every command that records use the "
        "read-write TRUSTHUB_STATE",
    )


def _migrate(conn: psycopg.Connection[Any]) -> int:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_KEY,))
        if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA,)).fetchone():
            exists = conn.execute("SELECT to_regclass('schema_version')").fetchone()
        else:
            conn.execute(f"CREATE SCHEMA {SCHEMA}")
            exists = (None,)
        if exists is None or exists[0] is None:
            conn.execute("CREATE TABLE schema_version (version integer NOT NULL)")
            conn.execute("INSERT INTO schema_version VALUES (0)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        current = int(row[0]) if row else 0
        steps = migrations.pending(migrations.POSTGRES, current)
        for step in steps:
            for statement in step.statements:
                conn.execute(statement)
        version = steps[-1].version if steps else current
        if steps:  # only then: a read-only role (`grant_readonly`) can open a current schema
            conn.execute("UPDATE schema_version SET version = %s", (version,))
        missing = [
            t
            for t in sorted(migrations.TABLES)
            if conn.execute("SELECT to_regclass(%s)", (t,)).fetchone() == (None,)
        ]
        if missing:
            raise StateError(
                f"the state schema {SCHEMA} is damaged: tables missing: {', '.join(missing)}",
                hint="restore it from a backup: `trusthub state restore FILE`",
            )
    return version


class PostgresStore(SqlStore):
    backend = "postgresql"

    def _read_sqlite_backup(self, path: Path) -> dict[str, Any]:
        return read_sqlite_backup(path)

    def __init__(
        self, conn: psycopg.Connection[Any], *, label: str, workspace: str, version: int
    ) -> None:
        super().__init__(workspace=workspace, location=label, schema_version=version)
        self._conn = conn
        self._key = advisory_key(workspace)
        # pg_locks shows a bigint key as two unsigned 32-bit halves.
        self._key_halves = ((self._key >> 32) & 0xFFFFFFFF, self._key & 0xFFFFFFFF)

    @classmethod
    def open(cls, url: str, workspace: str) -> PostgresStore:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
        from psycopg.types.string import TextLoader

        label = display_url(url)
        if not workspace:
            raise StateError("a PostgreSQL state needs a workspace name")
        try:
            given = conninfo_to_dict(url)
        except psycopg.Error as e:
            raise StateError(f"state URL {label} is not valid: {_why(e)}") from None
        extra = {
            k: v
            for k, v in {"connect_timeout": 10, "application_name": "trusthub"}.items()
            if k not in given
        }
        try:
            conn = psycopg.connect(url, autocommit=True, **extra)  # type: ignore[arg-type]
        except psycopg.Error as e:
            raise StateError(f"cannot connect to the state database {label}: {_why(e)}") from None
        try:
            conn.adapters.register_loader("jsonb", TextLoader)  # decoded where needed
            conn.execute("SELECT set_config('search_path', %s, false)", (SCHEMA,))
            version = _migrate(conn)
            # Looked up first: INSERT ... ON CONFLICT needs the INSERT privilege even when
            # the row exists, which a read-only role has not.
            known = conn.execute(
                "SELECT 1 FROM workspaces WHERE workspace = %s", (workspace,)
            ).fetchone()
            if known is None:
                conn.execute(
                    "INSERT INTO workspaces (workspace, lineage, serial, audit_seq, created_at) "
                    "VALUES (%s, %s, 0, 0, %s) ON CONFLICT (workspace) DO NOTHING",
                    (workspace, str(uuid.uuid4()), utc_now()),
                )
        except psycopg.errors.InsufficientPrivilege as e:
            conn.close()
            raise _read_only_error(label, e) from None
        except psycopg.Error as e:
            conn.close()
            raise StateError(f"state database {label}: {_why(e)}") from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, label=label, workspace=workspace, version=version)

    # -- backend primitives --------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(_pg_sql(sql), params)

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._conn.cursor() as cur:
            cur.executemany(_pg_sql(sql), list(rows))

    def _begin(self, *, write: bool) -> None:
        if write:
            self._conn.execute("BEGIN")
            # Writers of one workspace queue here, as SQLite's BEGIN IMMEDIATE makes them.
            self.execute(
                "SELECT 1 FROM workspaces WHERE workspace = ? FOR UPDATE", (self._workspace,)
            )
        else:
            self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _end(self, *, commit: bool) -> None:
        self._conn.execute("COMMIT" if commit else "ROLLBACK")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.errors.InsufficientPrivilege as e:
            raise _read_only_error(self._location, e) from None
        except psycopg.OperationalError as e:
            if self._conn.closed:
                raise StateError(
                    f"lost the connection to the state database {self._location}: {_why(e)}"
                ) from None
            raise StateError(f"state database {self._location}: {_why(e)}") from None
        except psycopg.Error as e:
            raise StateError(f"state database {self._location}: {_why(e)}") from None

    @contextmanager
    def _allow_audit_rewrite(self) -> Iterator[None]:
        self.execute("SELECT set_config('trusthub.audit_rewrite', 'on', true)")
        yield
        self.execute("SELECT set_config('trusthub.audit_rewrite', 'off', true)")

    # -- the lock ------------------------------------------------------------------------

    @property
    def _backend_pid(self) -> int:
        return int(self._conn.info.backend_pid)

    def _lock_held_by(self, backend_pid: int | None) -> bool:
        if backend_pid is None:
            return False
        row = self.execute(f"SELECT {_HELD}", (*self._key_halves, backend_pid)).fetchone()
        return bool(row[0])

    def _current_lock(self) -> tuple[LockInfo, str] | None:
        found = self._read_holder()
        if found is None:
            return None
        info, token = found
        return replace(info, stale=not self._lock_held_by(info.backend_pid)), token

    def _try_lock(self, holder: LockHolder, token: str) -> tuple[LockInfo | None, LockInfo | None]:
        with self._mutex, self._guard():
            got = self.execute("SELECT pg_try_advisory_lock(?)", (self._key,)).fetchone()[0]
            if not got:
                found = self._current_lock()
                live = found is not None and not found[0].stale
                return None, found[0] if found is not None and live else None
            try:
                previous = self._current_lock()
                since = utc_now()
                with self._writing():
                    self._write_holder(holder, since, token, self._backend_pid)
            except BaseException:
                self.execute("SELECT pg_advisory_unlock(?)", (self._key,))
                raise
        info = LockInfo(
            holder,
            since,
            backend_pid=self._backend_pid,
            took_over=previous[0] if previous else None,
        )
        return info, None

    def _release_lock(self, token: str) -> None:
        with self._writing():
            self._delete_holder(token)
        with self._mutex, self._guard():
            self.execute("SELECT pg_advisory_unlock(?)", (self._key,))

    def lock_info(self) -> LockInfo | None:
        with self._reading():
            found = self._current_lock()
        return None if found is None else found[0]

    def unlock(self, *, force: bool = False) -> LockInfo | None:
        with self._mutex, self._guard():
            found = self._current_lock()
            if found is None:
                return None
            info, token = found
            if not info.stale:
                if not force:
                    raise live_lock_error(info)
                self._end_holder_session(info)
            with self._writing():
                self._delete_holder(token)
        return info

    def _end_holder_session(self, info: LockInfo) -> None:
        """Break a live lock: end the session holding it (its transaction rolls back)."""
        pid = info.backend_pid
        if pid == self._backend_pid:
            self.execute("SELECT pg_advisory_unlock(?)", (self._key,))
            return
        hint = f"ask a database administrator to run: SELECT pg_terminate_backend({pid})"
        try:
            with self._guard():
                ended = self.execute("SELECT pg_terminate_backend(?)", (pid,)).fetchone()[0]
        except StateError as e:
            raise StateError(f"cannot end the session holding the lock: {e}", hint=hint) from None
        if not ended:
            raise StateError(f"cannot end the session holding the lock (pid {pid})", hint=hint)
        deadline = time.monotonic() + 10
        while self._lock_held_by(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    # -- a read-only role ----------------------------------------------------------------

    def grant_readonly(self, role: str) -> list[str]:
        """Let `role` read (only read) every workspace's state: USAGE on the schema, SELECT
        on its tables, now and on tables later migrations add. Idempotent. Refused when the
        role does not exist, or when it could write anyway (a superuser, an owner, a role
        granted more): then it would not be read-only. Returns the statements run."""
        from psycopg import sql

        name = sql.Identifier(role)
        schema = sql.Identifier(SCHEMA)
        statements = [
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name),
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, name),
            # Tables that later migrations add (made by this role, which runs them).
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT ON TABLES TO {}").format(
                schema, name
            ),
        ]
        with self._mutex, self._guard():
            found = self._conn.execute(
                "SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,)
            ).fetchone()
            if found is None:
                raise StateError(
                    f"there is no role {role!r} in the state database {self._location}",
                    hint=f"create it first, e.g. CREATE ROLE {role} LOGIN PASSWORD '...'; "
                    "then rerun this command",
                )
            if found[0]:
                raise StateError(f"role {role!r} is a superuser: it can never be read-only")
            with self._conn.transaction():
                for statement in statements:
                    self._conn.execute(statement)
            writable = [
                str(row[0])
                for row in self._conn.execute(
                    "SELECT c.relname FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = %s AND c.relkind = 'r' AND has_table_privilege("
                    "%s, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') ORDER BY c.relname",
                    (SCHEMA, role),
                ).fetchall()
            ]
        if writable:
            raise StateError(
                f"role {role!r} can also change the state (tables {', '.join(writable)}), so "
                "it is not read-only",
                hint=f"use a role of its own for pull requests, or REVOKE INSERT, UPDATE, "
                f"DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {SCHEMA} FROM {role}",
            )
        return [s.as_string(self._conn) for s in statements]

    # -- backup --------------------------------------------------------------------------

    def backup(self, path: Path) -> Meta:
        """A JSON export of this workspace (mode 0600): what `restore` and `import_` read."""
        data = self.export()
        write_export(path, data)
        return Meta(self._workspace, data["lineage"], data["serial"], self._schema_version)

    def close(self) -> None:
        with self._mutex:
            self._conn.close()
