"""The recorded state: what was applied, the Trust Hub objects made for it, and the audit
log of every change, in SQLite (a file in the workspace) or PostgreSQL (shared).

May import: `model`, `common`, `errors`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from trusthub.common.locations import is_conninfo
from trusthub.errors import StateError
from trusthub.state.base import StateStore, StateTransaction
from trusthub.state.model import (
    KEEP,
    AuditEvent,
    LockHolder,
    LockInfo,
    Meta,
    RecordedResource,
    RemoteObject,
    Snapshot,
)

__all__ = [
    "KEEP",
    "AuditEvent",
    "LockHolder",
    "LockInfo",
    "Meta",
    "RecordedResource",
    "RemoteObject",
    "Snapshot",
    "StateStore",
    "StateTransaction",
    "open_store",
]

_PG_SCHEMES = ("postgresql", "postgres")


def open_store(location: str, workspace: str) -> StateStore:
    """A file path opens (or creates) a SQLite state; a postgresql:// or postgres:// URL,
    or a libpq `host=... dbname=...` connection string, opens the workspace's state in that
    database (created on first use)."""
    scheme, sep, _ = location.partition("://")
    if not sep and not is_conninfo(location):
        from trusthub.state.sqlite import SqliteStore

        return SqliteStore.open(Path(location), workspace)
    if not sep or scheme.lower() in _PG_SCHEMES:  # a URL, or a libpq `key=value` string
        if importlib.util.find_spec("psycopg") is None:  # an optional dependency
            raise StateError(
                "a PostgreSQL state needs psycopg", hint="pip install 'trusthub[postgresql]'"
            )
        from trusthub.state.postgres import PostgresStore

        return PostgresStore.open(location, workspace)
    raise StateError(
        f"unsupported state location {scheme}://...; use a file path (SQLite) or a "
        "postgresql://user@host/db URL (PostgreSQL)"
    )
