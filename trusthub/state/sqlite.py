"""The SQLite backend: one workspace per file, `.trusthub/state.db` by default.

The lock is a row in the file naming its holder's host, pid and the pid's start time, so a
lock left by a process killed on this host is seen to be stale and is taken over."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from trusthub.common.files import fsync_dir, make_private_dir, private_umask, temp_sibling
from trusthub.errors import StateError
from trusthub.state.exchange import verify_export
from trusthub.state.locking import holder_alive, live_lock_error
from trusthub.state.model import LockHolder, LockInfo, Meta, utc_now
from trusthub.state.sql_store import SqlStore
from trusthub.state.sqlite_file import CorruptStateError, open_file, translate_error


class SqliteStore(SqlStore):
    backend = "sqlite"

    def _read_sqlite_backup(self, path: Path) -> dict[str, Any]:
        return read_sqlite_backup(path)

    def __init__(
        self, conn: sqlite3.Connection, path: Path, *, workspace: str, label: str, version: int
    ) -> None:
        super().__init__(workspace=workspace, location=label, schema_version=version)
        self._conn = conn
        self._path = path

    @classmethod
    def open(
        cls, path: Path, workspace: str, *, label: str | None = None, create: bool = True
    ) -> SqliteStore:
        """Open (or create) the state file. `label` names it in messages."""
        path = path.absolute()
        label = label or str(path)
        opened = open_file(path, workspace, label=label, create=create)
        return cls(
            opened.conn,
            path,
            workspace=opened.workspace,
            label=label,
            version=opened.schema_version,
        )

    @property
    def path(self) -> Path:
        return self._path

    # -- backend primitives --------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql, params)

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    def _begin(self, *, write: bool) -> None:
        self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def _end(self, *, commit: bool) -> None:
        self._conn.execute("COMMIT" if commit else "ROLLBACK")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.ProgrammingError:  # misuse: a bug, not a state problem
            raise
        except sqlite3.DatabaseError as e:
            raise translate_error(e, self._path, self._location) from None

    @contextmanager
    def _allow_audit_rewrite(self) -> Iterator[None]:
        # DDL is transactional in SQLite: the triggers are back before anyone else looks.
        triggers = self.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        ).fetchall()
        for name, _ in triggers:
            self.execute(f'DROP TRIGGER "{name}"')
        yield
        for _, sql in triggers:
            self.execute(sql)

    def check_integrity(self) -> None:
        """The full check (opening runs the quicker `quick_check`)."""
        with self._reading():
            rows = self.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            why = "; ".join(str(r[0]) for r in rows[:3])
            raise CorruptStateError(self._path, self._location, why)

    # -- the lock ------------------------------------------------------------------------

    def _current_lock(self) -> tuple[LockInfo, str] | None:
        found = self._read_holder()
        if found is None:
            return None
        info, token = found
        return replace(info, stale=not holder_alive(info.holder)), token

    def _try_lock(self, holder: LockHolder, token: str) -> tuple[LockInfo | None, LockInfo | None]:
        with self._writing():
            found = self._current_lock()
            if found is not None and not found[0].stale:
                return None, found[0]
            since = utc_now()
            self._write_holder(holder, since, token, backend_pid=None)
        return LockInfo(holder, since, took_over=found[0] if found else None), None

    def _release_lock(self, token: str) -> None:
        with self._writing():
            self._delete_holder(token)

    def lock_info(self) -> LockInfo | None:
        with self._reading():
            found = self._current_lock()
        return None if found is None else found[0]

    def unlock(self, *, force: bool = False) -> LockInfo | None:
        with self._writing():
            found = self._current_lock()
            if found is None:
                return None
            info, token = found
            if not info.stale and not force:
                raise live_lock_error(info)
            self._delete_holder(token)
        return info

    # -- backup --------------------------------------------------------------------------

    def backup(self, path: Path) -> Meta:
        """A consistent copy made with SQLite's online backup API, while others may read
        and write; a single self-contained file (no WAL), mode 0600."""
        path = path.absolute()
        make_private_dir(path.parent)
        tmp = temp_sibling(path, "backup")
        try:
            with private_umask():
                dest = sqlite3.connect(tmp, isolation_level=None)
            try:
                with self._mutex, self._guard():
                    self._conn.backup(dest)
                dest.execute("DELETE FROM locks")  # a restored state starts unlocked
                dest.execute("PRAGMA journal_mode = DELETE")
                lineage, serial = dest.execute(
                    "SELECT lineage, serial FROM workspaces WHERE workspace = ?",
                    (self._workspace,),
                ).fetchone()
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            finally:
                dest.close()
            os.replace(tmp, path)
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        fsync_dir(path.parent)
        return Meta(self._workspace, str(lineage), int(serial), self._schema_version)

    def close(self) -> None:
        with self._mutex:
            self._conn.close()


def read_sqlite_backup(path: Path) -> dict[str, Any]:
    """A SQLite backup as a verified export."""
    # Open a copy: opening checks and may migrate the file, and a backup stays as it was.
    with tempfile.TemporaryDirectory(prefix="trusthub-restore-") as tmp:
        copy = Path(tmp) / "backup.db"
        shutil.copyfile(path, copy)
        try:
            with SqliteStore.open(copy, "", label=str(path), create=False) as store:
                store.check_integrity()
                return verify_export(store.export(), str(path))
        except StateError as e:
            raise StateError(f"backup {path} cannot be used: {e.message}") from None
