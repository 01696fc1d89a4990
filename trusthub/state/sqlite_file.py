"""The SQLite state file: made whole or not at all, checked at every open, never silently
re-initialised. A damaged file is reported (and later moved aside by a restore), never
overwritten."""

from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from trusthub.common.files import fsync_dir, make_private_dir, private_umask, temp_sibling
from trusthub.errors import StateError
from trusthub.state import migrations
from trusthub.state.exchange import SQLITE_HEADER
from trusthub.state.model import utc_now

BUSY_TIMEOUT: Final = 10.0  # seconds a writer waits for another process's write to end
_HEADER_SIZE: Final = 100


class CorruptStateError(StateError):
    """The state file is damaged. It is kept as it is: restore from a backup."""

    def __init__(self, path: Path, label: str, why: str) -> None:
        super().__init__(
            f"state file {label} is corrupted ({why})",
            hint="restore it from a backup: `trusthub state restore FILE` "
            "(the damaged file is kept, renamed, next to it)",
        )
        self.path = path


@dataclass(frozen=True, slots=True)
class OpenedFile:
    conn: sqlite3.Connection
    workspace: str  # the one the file holds, whatever name it is opened under
    schema_version: int


def translate_error(e: sqlite3.DatabaseError, path: Path, label: str) -> StateError:
    name = e.sqlite_errorname or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR_SHORT_READ")):
        return CorruptStateError(path, label, str(e))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StateError(
            f"state {label} is busy: another process kept it locked for over "
            f"{BUSY_TIMEOUT:g} s ({e})",
            hint="try again",
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return StateError(
            f"cannot use state {label}: {e}", hint="check the file's owner and permissions"
        )
    return StateError(f"state {label}: {e}")


def check_header(path: Path, label: str) -> None:
    """Catch garbage and truncation before SQLite sees the file."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(_HEADER_SIZE)
    if size == 0:
        raise CorruptStateError(path, label, "the file is empty")
    if not head.startswith(SQLITE_HEADER[: len(head)]) or len(head) < len(SQLITE_HEADER):
        raise CorruptStateError(path, label, "it is not a SQLite database")
    if len(head) < _HEADER_SIZE:
        raise CorruptStateError(path, label, "the header is truncated")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # The page count is valid when the change counter matches "version-valid-for"; with
    # a non-empty WAL the file may legitimately lag behind it until the next checkpoint.
    wal = Path(f"{path}-wal")
    wal_empty = not wal.exists() or wal.stat().st_size == 0
    if head[24:28] == head[92:96] and wal_empty and size < pages * page_size:
        raise CorruptStateError(
            path, label, f"it is truncated: {size} bytes of {pages * page_size}"
        )


def connect(path: Path) -> sqlite3.Connection:
    # Autocommit mode: transactions are begun explicitly (BEGIN IMMEDIATE for writes,
    # so a writer never has to upgrade a read lock and deadlock).
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT
    )
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL, not NORMAL: with WAL, NORMAL stays consistent but may lose the last commits on
    # power loss, and a lost "created SID" is an object on Trust Hub nobody knows of.
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def migrate(conn: sqlite3.Connection, label: str, *, fresh: bool = False) -> int:
    """Apply the missing schema steps in one transaction; return the schema version.

    A step that rebuilds tables runs with foreign keys off, as SQLite's procedure for
    altering a table says: `PRAGMA foreign_keys` is a no-op inside a transaction, so they
    are turned off before it begins (if the version read then needs such a step), checked
    with `foreign_key_check` before the commit, and turned back on after it."""
    peek = int(conn.execute("PRAGMA user_version").fetchone()[0])
    keys_off = any(s.rebuilds_tables for s in migrations.pending(migrations.SQLITE, peek))
    if keys_off:
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current == 0 and not fresh:
            raise StateError(f"{label} is a SQLite database but not a trusthub state")
        steps = migrations.pending(migrations.SQLITE, current)
        for step in steps:
            # The version only grows, so the steps pending at the peek cover these.
            if step.rebuilds_tables and not keys_off:
                raise RuntimeError(f"schema step {step.version} needs foreign keys off")
            for statement in step.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
        if keys_off:
            broken = conn.execute("PRAGMA foreign_key_check").fetchmany(3)
            if broken:
                raise StateError(
                    f"{label}: the schema migration would break foreign keys "
                    f"({'; '.join(map(str, broken))}); nothing was changed"
                )
        conn.execute("COMMIT")
    except BaseException:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        if keys_off:
            with suppress(sqlite3.Error):
                conn.execute("PRAGMA foreign_keys = ON")
        raise
    if keys_off:
        conn.execute("PRAGMA foreign_keys = ON")
    return steps[-1].version if steps else current


def _create(path: Path, workspace: str) -> None:
    """Build the new state beside `path`, then link it into place: a crash leaves no
    half-made state file (an empty one would later read as corrupt)."""
    make_private_dir(path.parent)
    tmp = temp_sibling(path, "new")
    try:
        with private_umask():
            conn = connect(tmp)
        try:
            migrate(conn, str(tmp), fresh=True)
            conn.execute(
                "INSERT INTO workspaces (workspace, lineage, serial, audit_seq, created_at) "
                "VALUES (?, ?, 0, 0, ?)",
                (workspace, str(uuid.uuid4()), utc_now()),
            )
        finally:
            conn.close()  # checkpoints the WAL into the file
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # fails if another process made it first: theirs wins
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.rename(tmp, path)
        fsync_dir(path.parent)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def open_file(path: Path, workspace: str, *, label: str, create: bool) -> OpenedFile:
    if path.is_dir():
        raise StateError(f"state {label} is a directory; expected a SQLite file")
    if not path.exists():
        if not create:
            raise StateError(f"state file {label} does not exist")
        _create(path, workspace)
    check_header(path, label)
    try:
        with private_umask():  # covers the -wal and -shm files SQLite makes
            conn = connect(path)
    except sqlite3.DatabaseError as e:
        raise translate_error(e, path, label) from None
    try:
        quick = conn.execute("PRAGMA quick_check").fetchall()
        if quick != [("ok",)]:
            raise CorruptStateError(path, label, "; ".join(str(r[0]) for r in quick[:3]))
        version = migrate(conn, label)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = sorted(migrations.TABLES - tables)
        if missing:
            raise CorruptStateError(path, label, f"tables missing: {', '.join(missing)}")
        rows = conn.execute("SELECT workspace FROM workspaces").fetchall()
        if len(rows) != 1:
            raise CorruptStateError(path, label, f"{len(rows)} workspace records, not 1")
        return OpenedFile(conn, str(rows[0][0]), version)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise translate_error(e, path, label) from None
    except BaseException:
        conn.close()
        raise
