"""The sandbox's own SQLite file: every Trust Hub and API 2010 object, the reviews under way,
the status callbacks, and the accounts (the parent and its subaccounts) with their
credentials.

Objects live in one table, `resources`, as JSON documents with their kind, parent (the
bundle an assignment or evaluation belongs to) and owning `account`: NULL for the parent
account (whichever credentials it is opened with), a subaccount's SID otherwise; `seq` orders
lists and makes page tokens.

A request acts in one account (`Store.acting_as`, set by the app once it has authenticated
the request): every `Tx` made meanwhile sees and makes only that account's objects, so
another account's SID reads as absent. Outside a request (the operator: approve, reject,
settle, deliver) a `Tx` sees every account; `Tx.unscoped()` does the same inside a request
for the few checks that span accounts (a phone number is owned once, whoever owns it).
Writes are serialized by a process-wide lock per file before SQLite sees them, so threads of
one process never spin in SQLite's busy handler (its back-off sleeps would dominate the
per-request cost); other processes (the CLI next to a running server) fall back on
`busy_timeout`. Reads run without the lock on WAL snapshots.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from trusthub.common.files import make_private_dir
from trusthub.errors import StateError

SCHEMA_VERSION: Final = 2

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    parent TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_parent ON resources (kind, parent, seq);
CREATE INDEX IF NOT EXISTS resources_by_name
    ON resources (kind, json_extract(data, '$.friendly_name'));
CREATE INDEX IF NOT EXISTS resources_by_number
    ON resources (kind, json_extract(data, '$.phone_number'));
CREATE INDEX IF NOT EXISTS resources_by_object ON resources (json_extract(data, '$.object_sid'));
CREATE INDEX IF NOT EXISTS resources_by_endpoint
    ON resources (json_extract(data, '$.channel_endpoint_sid'));
CREATE TABLE IF NOT EXISTS reviews (
    bundle_sid TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    submitted REAL NOT NULL,
    decide_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bundle_sid TEXT NOT NULL,
    url TEXT NOT NULL,
    params TEXT NOT NULL,
    signature TEXT NOT NULL,
    state TEXT NOT NULL,
    detail TEXT,
    created REAL NOT NULL,
    attempted REAL
);
-- Event Streams (`event_streams`): the sinks, and each event queued for each sink.
CREATE TABLE IF NOT EXISTS event_sinks (url TEXT PRIMARY KEY, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS event_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    sink TEXT NOT NULL,
    event TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    detail TEXT,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS event_deliveries_by_state ON event_deliveries (state, id);
"""

# Schema 2: accounts. `resources.account` owns each object (NULL: the parent, so the rows of
# a schema-1 file are the parent's as they are); `accounts` holds the parent (parent_sid
# NULL) and its subaccounts, in creation order (`seq`).
_ACCOUNTS: Final = """
ALTER TABLE resources ADD COLUMN account TEXT;
CREATE INDEX IF NOT EXISTS resources_by_account ON resources (kind, account, seq);
CREATE TABLE IF NOT EXISTS accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    parent_sid TEXT,
    friendly_name TEXT NOT NULL,
    auth_token TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'closed')),
    created REAL NOT NULL,
    updated REAL NOT NULL
);
"""
# Each step takes a file from schema N to N + 1 (the key); a new file is made at schema 1
# and stepped up like an old one, so there is one way to every version.
_MIGRATIONS: Final = {1: _ACCOUNTS}

# One lock per database file and process: two Sandbox objects on one file share it.
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _file_lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(path), threading.Lock())


@dataclass(slots=True)
class Row:
    seq: int
    sid: str
    kind: str
    parent: str | None
    data: dict[str, Any]
    account: str | None = None  # the owning subaccount's SID; None: the parent's


@dataclass(frozen=True, slots=True)
class Scope:
    """The account a request acts in: `account` is a subaccount's SID, None the parent."""

    account: str | None


# The scope of the request being answered in this thread (or task); None: the operator,
# who sees every account.
_ACTING: ContextVar[Scope | None] = ContextVar("trusthub_sandbox_acting", default=None)


@dataclass(frozen=True, slots=True)
class AccountRow:
    seq: int
    sid: str
    parent_sid: str | None  # None: the parent account
    friendly_name: str
    auth_token: str
    status: str  # active | suspended | closed
    created: float
    updated: float


@dataclass(frozen=True, slots=True)
class Filter:
    """A condition on a stored field: equality, membership, or a LIKE pattern."""

    field: str
    value: Any
    op: Literal["=", "in", "like"] = "="


@dataclass(frozen=True, slots=True)
class Review:
    bundle_sid: str
    stage: str
    submitted: float
    decide_at: float


_COLUMNS: Final = "seq, sid, kind, parent, data, account"
_ACCOUNT_COLUMNS: Final = (
    "seq, sid, parent_sid, friendly_name, auth_token, status, created, updated"
)


def _row(raw: tuple[Any, ...]) -> Row:
    return Row(raw[0], raw[1], raw[2], raw[3], json.loads(raw[4]), raw[5])


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


class Tx:
    """Queries and changes inside one transaction."""

    def __init__(self, conn: sqlite3.Connection, scope: Scope | None = None) -> None:
        self.conn = conn
        self.scope = scope  # None: every account's objects

    def unscoped(self) -> Tx:
        """The same transaction, seeing every account: for the checks that span accounts
        (a number is owned once) and the one object another account may lend (the parent's
        primary profile, through an entity assignment)."""
        return Tx(self.conn)

    # -- resources ---------------------------------------------------------------------

    def get(self, sid: str, kind: str | Sequence[str] | None = None) -> Row | None:
        raw = self.conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE sid = ?", (sid,)
        ).fetchone()
        if raw is None:
            return None
        row = _row(raw)
        if kind is not None and row.kind != kind and row.kind not in kind:
            return None
        if self.scope is not None and row.account != self.scope.account:
            return None  # another account's: absent, as Twilio answers
        return row

    def insert(self, kind: str, sid: str, parent: str | None, data: dict[str, Any]) -> Row:
        account = self.scope.account if self.scope is not None else None
        cur = self.conn.execute(
            "INSERT INTO resources (sid, kind, parent, data, account) VALUES (?, ?, ?, ?, ?)",
            (sid, kind, parent, _dumps(data), account),
        )
        return Row(int(cur.lastrowid or 0), sid, kind, parent, data, account)

    def save(self, row: Row) -> None:
        self.conn.execute(
            "UPDATE resources SET data = ? WHERE sid = ?", (_dumps(row.data), row.sid)
        )

    def delete(self, sid: str) -> None:
        self.conn.execute("DELETE FROM resources WHERE sid = ?", (sid,))

    def find(
        self, kind: str, *, parent: str | None = None, where: Sequence[Filter] = ()
    ) -> list[Row]:
        sql, args = _select(kind, parent, where, self.scope)
        return [_row(r) for r in self.conn.execute(sql + " ORDER BY seq", args)]

    def page(
        self,
        kind: str,
        *,
        parent: str | None,
        where: Sequence[Filter],
        limit: int,
        after: int | None = None,
        before: int | None = None,
        offset: int = 0,
    ) -> tuple[list[Row], bool]:
        """One page in `seq` order and whether more rows follow it. `after`/`before` are
        keyset bounds (page tokens); `offset` serves `Page=N` without a token."""
        sql, args = _select(kind, parent, where, self.scope)
        if before is not None:
            sql += " AND seq < ? ORDER BY seq DESC LIMIT ?"
            rows = [_row(r) for r in self.conn.execute(sql, (*args, before, limit))]
            return rows[::-1], True
        if after is not None:
            sql += " AND seq > ?"
            args = (*args, after)
        sql += " ORDER BY seq LIMIT ? OFFSET ?"
        rows = [_row(r) for r in self.conn.execute(sql, (*args, limit + 1, offset))]
        return rows[:limit], len(rows) > limit

    # -- reviews -----------------------------------------------------------------------

    def review(self, bundle_sid: str) -> Review | None:
        raw = self.conn.execute(
            "SELECT bundle_sid, stage, submitted, decide_at FROM reviews WHERE bundle_sid = ?",
            (bundle_sid,),
        ).fetchone()
        return Review(*raw) if raw else None

    def due_reviews(self, now: float) -> list[str]:
        rows = self.conn.execute(
            "SELECT bundle_sid FROM reviews WHERE stage = 'pending-review' OR decide_at <= ? "
            "ORDER BY submitted, bundle_sid",
            (now,),
        )
        return [r[0] for r in rows]

    def put_review(self, review: Review) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO reviews (bundle_sid, stage, submitted, decide_at) "
            "VALUES (?, ?, ?, ?)",
            (review.bundle_sid, review.stage, review.submitted, review.decide_at),
        )

    def drop_review(self, bundle_sid: str) -> None:
        self.conn.execute("DELETE FROM reviews WHERE bundle_sid = ?", (bundle_sid,))

    # -- accounts ----------------------------------------------------------------------

    def account(self, sid: str) -> AccountRow | None:
        raw = self.conn.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE sid = ?", (sid,)
        ).fetchone()
        return AccountRow(*raw) if raw else None

    def parent_account(self) -> AccountRow | None:
        raw = self.conn.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE parent_sid IS NULL ORDER BY seq LIMIT 1"
        ).fetchone()
        return AccountRow(*raw) if raw else None

    def accounts(self) -> list[AccountRow]:
        """Every account, the parent's row first, then subaccounts in creation order."""
        rows = self.conn.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY parent_sid IS NOT NULL, seq"
        ).fetchall()
        return [AccountRow(*r) for r in rows]

    def insert_account(
        self, sid: str, parent_sid: str | None, friendly_name: str, auth_token: str, now: float
    ) -> AccountRow:
        cur = self.conn.execute(
            "INSERT INTO accounts (sid, parent_sid, friendly_name, auth_token, status, created, "
            "updated) VALUES (?, ?, ?, ?, 'active', ?, ?)",
            (sid, parent_sid, friendly_name, auth_token, now, now),
        )
        seq = int(cur.lastrowid or 0)
        return AccountRow(seq, sid, parent_sid, friendly_name, auth_token, "active", now, now)

    def update_account(self, sid: str, *, friendly_name: str, status: str, now: float) -> None:
        self.conn.execute(
            "UPDATE accounts SET friendly_name = ?, status = ?, updated = ? WHERE sid = ?",
            (friendly_name, status, now, sid),
        )

    # -- meta --------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        raw = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if raw is None else str(raw[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _select(
    kind: str, parent: str | None, where: Sequence[Filter], scope: Scope | None
) -> tuple[str, tuple[Any, ...]]:
    sql = f"SELECT {_COLUMNS} FROM resources WHERE kind = ?"
    args: list[Any] = [kind]
    if scope is not None:
        sql += " AND account IS ?"
        args.append(scope.account)
    if parent is not None:
        sql += " AND parent = ?"
        args.append(parent)
    for f in where:
        # Field names come from the handlers' own tables, never from requests.
        column = f"json_extract(data, '$.{f.field}')"
        if f.op == "in":
            values = list(f.value)
            sql += f" AND {column} IN ({','.join('?' * len(values))})"
            args.extend(values)
        elif f.op == "like":
            sql += f" AND {column} LIKE ? ESCAPE '\\'"
            args.append(f.value)
        else:
            sql += f" AND {column} = ?"
            args.append(f.value)
    return sql, tuple(args)


class Store:
    """A small pool of connections to the sandbox file, shared by all threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = _file_lock(path)
        self._idle: list[sqlite3.Connection] = []
        self._all: list[sqlite3.Connection] = []
        self._pool_guard = threading.Lock()
        self._create_file()
        self._init_schema()

    def _create_file(self) -> None:
        try:
            make_private_dir(self.path.parent)  # a .trusthub it makes is 0700, like the state's
            # Created 0600 up front: SQLite gives the -wal and -shm files the same mode.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            os.chmod(self.path, 0o600)
        except OSError as e:
            raise StateError(f"cannot open the sandbox database {self.path}: {e}") from None

    def _init_schema(self) -> None:
        conn = self._acquire()
        try:
            with self._lock:
                conn.executescript(_SCHEMA)
                self._migrate(conn)
        except sqlite3.DatabaseError as e:
            raise StateError(f"the sandbox database {self.path} is unusable: {e}") from None
        finally:
            self._release(conn)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Step the file up to SCHEMA_VERSION, all in one transaction (the version is read
        inside it: another process may have stepped it meanwhile)."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            raw = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            version = 1 if raw is None else int(raw[0])  # none yet: made at 1 just now
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"the sandbox database {self.path} was made by a newer trusthub "
                    f"(schema {version}); upgrade trusthub or run `trusthub sandbox reset`"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if raw is None or version < SCHEMA_VERSION:
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)",
                    (str(SCHEMA_VERSION),),
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit is durable against a process crash without an fsync each.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _acquire(self) -> sqlite3.Connection:
        with self._pool_guard:
            if self._idle:
                return self._idle.pop()
        conn = self._connect()
        with self._pool_guard:
            self._all.append(conn)
        return conn

    def _release(self, conn: sqlite3.Connection) -> None:
        with self._pool_guard:
            self._idle.append(conn)

    @contextmanager
    def acting_as(self, account: str | None) -> Iterator[None]:
        """Every `Tx` opened inside sees only `account`'s objects (a subaccount's SID, or
        None for the parent) and makes objects owned by it."""
        token = _ACTING.set(Scope(account))
        try:
            yield
        finally:
            _ACTING.reset(token)

    @contextmanager
    def as_operator(self) -> Iterator[None]:
        """Every `Tx` opened inside sees every account: what the sandbox does on its own
        (reviews coming due, deliveries) and what its operator does."""
        token = _ACTING.set(None)
        try:
            yield
        finally:
            _ACTING.reset(token)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction: all of it is committed, or none of it."""
        conn = self._acquire()
        try:
            with self._lock:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield Tx(conn, _ACTING.get())
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:  # also when COMMIT itself failed
                        conn.execute("ROLLBACK")
                    raise
        finally:
            self._release(conn)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A consistent snapshot for several queries; never blocks writers."""
        conn = self._acquire()
        try:
            conn.execute("BEGIN")
            try:
                yield Tx(conn, _ACTING.get())
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")  # nothing was written
        finally:
            self._release(conn)

    def close(self) -> None:
        with self._pool_guard:
            conns, self._all, self._idle = self._all, [], []
        for conn in conns:
            conn.close()
