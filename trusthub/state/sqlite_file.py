"""The SQLite state file: made whole or not at all, checked at every open, never silently
re-initialised. A damaged file is reported (and later moved aside by a restore), never
overwritten."""

from __future__ import annotations

import errno
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


# Free bytes under which a failed write is taken for a full disk: SQLite says SQLITE_FULL
# for ENOSPC on some paths and a plain SQLITE_IOERR_WRITE on others (and for EFBIG or
# EDQUOT), so the file system is asked how much room is left.
_LOW_SPACE: Final = 1 << 20


class DiskFullError(StateError):
    """No room left on the disk that holds the state; nothing half-written was kept."""

    def __init__(self, path: Path, label: str, free: int | None) -> None:
        where = path.parent
        room = f" ({free} bytes free)" if free is not None else ""
        super().__init__(
            f"no space left on the disk that holds the state {label}: {where}{room}. "
            "The write that failed was rolled back: the state is as it was before it, and "
            "this is not a Trust Hub problem",
            hint=f"free some space on that disk (`df -h {where}`), then run the command "
            "again: it goes on from what was recorded",
        )
        self.path = path


def free_bytes(directory: Path) -> int | None:
    try:
        st = os.statvfs(directory)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize


def disk_full(path: Path) -> bool:
    free = free_bytes(path.parent)
    return free is not None and free < _LOW_SPACE


def translate_os_error(e: OSError, path: Path, label: str) -> StateError:
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or disk_full(path):
        return DiskFullError(path, label, free_bytes(path.parent))
    return StateError(f"cannot write state {label}: {e.strerror or e}")


def translate_error(e: sqlite3.DatabaseError, path: Path, label: str) -> StateError:
    name = e.sqlite_errorname or ""
    if name.startswith("SQLITE_FULL") or (name.startswith("SQLITE_IOERR") and disk_full(path)):
        return DiskFullError(path, label, free_bytes(path.parent))
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


def _create(path: Path, workspace: str, label: str) -> None:
    """Build the new state beside `path`, check it, then link it into place: a crash or a
    full disk leaves no half-made state file (an empty or short one would later read as
    corrupt, forever, with a hint to restore a backup that cannot exist)."""
    tmp = temp_sibling(path, "new")
    try:
        make_private_dir(path.parent)
        with private_umask():
            conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            # A rollback journal, not WAL, while it is built: every commit is then in the
            # file itself, and one the disk has no room for fails here, loudly (a WAL's
            # checkpoint at close fails silently and leaves the file short).
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn, str(tmp), fresh=True)
            conn.execute(
                "INSERT INTO workspaces (workspace, lineage, serial, audit_seq, created_at) "
                "VALUES (?, ?, 0, 0, ?)",
                (workspace, str(uuid.uuid4()), utc_now()),
            )
        finally:
            conn.close()
        _check_new(tmp, label)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # fails if another process made it first: theirs wins
        except FileExistsError:
            pass
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            if not path.exists():  # no hard links on this file system
                os.rename(tmp, path)
        fsync_dir(path.parent)
    except sqlite3.DatabaseError as e:
        raise translate_error(e, path, label) from None
    except OSError as e:
        raise translate_os_error(e, path, label) from None
    except StateError:
        if disk_full(path):
            raise DiskFullError(path, label, free_bytes(path.parent)) from None
        raise
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def _check_new(tmp: Path, label: str) -> None:
    """The new file reads back whole before it is given the state's name."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        check_header(tmp, label)
    except CorruptStateError as e:
        raise StateError(f"the new state {label} did not read back whole ({e.message})") from None
    conn = sqlite3.connect(f"file:{tmp}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute("SELECT count(*) FROM workspaces").fetchone()[0]
    finally:
        conn.close()
    if not ok or rows != 1:
        raise StateError(f"the new state {label} did not read back whole; it was not kept")


def open_file(path: Path, workspace: str, *, label: str, create: bool) -> OpenedFile:
    if path.is_dir():
        raise StateError(f"state {label} is a directory; expected a SQLite file")
    if not path.exists():
        if not create:
            raise StateError(f"state file {label} does not exist")
        _create(path, workspace, label)
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
