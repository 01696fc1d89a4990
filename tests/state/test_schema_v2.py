"""Schema step 2: the kind and status CHECK lists are gone, and a state written at schema 1
(by the previous trusthub) opens, migrates and keeps every row and its whole history."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.state.conftest import WORKSPACE
from tests.state.helpers import add_profile
from tests.state.kinds import BRAND
from trusthub.errors import StateError
from trusthub.state import StateStore, open_store
from trusthub.state import migrations as m
from trusthub.state.migrations import LATEST, Migration

_TABLES = ("workspaces", "resources", "specs", "remote_objects", "audit", "locks")


@pytest.fixture
def at_schema_1(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """While in effect, stores make and open states at schema 1, as the previous trusthub
    did; calling the result ends it."""
    monkeypatch.setattr(m, "SQLITE", m.SQLITE[:1])
    monkeypatch.setattr(m, "POSTGRES", m.POSTGRES[:1])
    return monkeypatch.undo


def _fill(store: StateStore) -> None:
    """Some of everything: both kinds, every remote state, statuses, evaluations."""
    add_profile(store, "acme", industry="retail")
    add_profile(store, "acme/cnam", display="ACME")
    add_profile(store, "globex", status=None)
    with store.transaction() as tx:
        tx.confirm("profile", "acme", "bundle", "BU0001")
        tx.record_intent("trust_product", "acme/cnam", "bundle", {"friendly_name": "ACME CNAM"})
        tx.confirm("profile", "acme", "end_user:business", "IT0001")
        tx.forget("profile", "acme", "end_user:business")
        tx.set_status(
            "profile",
            "acme",
            "twilio-rejected",
            reasons=["EIN mismatch"],
            evaluation={"status": "noncompliant", "results": [{"ok": False}]},
            valid_until="2031-01-01T00:00:00Z",
            plan_checksum="sha256:plan",
        )
        tx.put_resource("profile", "acme", spec={"industry": "tech"}, spec_hash="h2")
    with store.transaction() as tx:
        tx.delete_resource("profile", "globex")


def _alter_resources(location: str, change: str) -> None:
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location) as pg:
            pg.execute(f"ALTER TABLE trusthub.resources {change}")
    else:
        conn = sqlite3.connect(location)
        try:
            conn.execute(f"ALTER TABLE resources {change}")
        finally:
            conn.close()  # not left to the collector: the store's close must checkpoint


@contextmanager
def _account_column(location: str) -> Iterator[None]:
    """Today's code records each resource's account (schema step 6), which a schema 1 state
    has no column for. While it fills one, the column is there; it is dropped after, so the
    state left is schema 1 again, and the export taken meanwhile shows what a migrated state
    must hold (every resource in the parent account)."""
    _alter_resources(location, "ADD COLUMN account TEXT NOT NULL DEFAULT 'parent'")
    try:
        yield
    finally:
        _alter_resources(location, "DROP COLUMN account")


def _make_v1(
    location: str, at_schema_1: Callable[[], None], *, others: Callable[[], None] = lambda: None
) -> dict[str, Any]:
    """A state at schema 1 with data; returns its export. `others` fills other workspaces
    of the same database."""
    with open_store(location, WORKSPACE) as store:
        assert store.meta().schema_version == 1
        with _account_column(location):
            others()
            _fill(store)
            data = store.export()
    at_schema_1()
    return data


def _sqlite_schema(path: Path) -> dict[str, Any]:
    """What a table is, beyond its CHECK constraints: columns, keys, indexes, triggers."""
    with sqlite3.connect(path) as conn:
        out: dict[str, Any] = {}
        for table in _TABLES:
            indexes = conn.execute(f"PRAGMA index_list({table})").fetchall()
            columns = {
                i[1]: conn.execute(f"PRAGMA index_xinfo({i[1]})").fetchall() for i in indexes
            }
            out[table] = {
                "columns": conn.execute(f"PRAGMA table_xinfo({table})").fetchall(),
                "foreign keys": conn.execute(f"PRAGMA foreign_key_list({table})").fetchall(),
                # (name, unique, origin, partial) and the indexed columns
                "indexes": sorted((*i[1:], columns[i[1]]) for i in indexes),
                "without rowid": conn.execute(
                    "SELECT wr FROM pragma_table_list WHERE name = ?", (table,)
                ).fetchone(),
            }
        out["triggers"] = conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall()
        return out


def _table_sql(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))


def test_a_schema_1_sqlite_state_migrates_keeping_everything(
    tmp_path: Path, at_schema_1: Callable[[], None], brand: str
) -> None:
    path = tmp_path / ".trusthub" / "state.db"
    before = _make_v1(str(path), at_schema_1)
    v1_schema = _sqlite_schema(path)
    assert "CHECK (kind IN" in _table_sql(path)["resources"]

    with open_store(str(path), WORKSPACE) as store:
        assert store.meta().schema_version == LATEST
        after = store.export()
        assert after["schema_version"] == LATEST
        # Every row and the whole audit log, byte for byte; the hash leaves out only the
        # schema version.
        for key in ("lineage", "serial", "resources", "remote_objects", "audit"):
            assert after[key] == before[key], key
        assert after["content_hash"] == before["content_hash"]
        conn: sqlite3.Connection = store._conn  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)  # back on
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

        # The rebuilt tables work as before: the spec cascades, the log is append-only,
        # remote object states are still checked.
        with store.transaction() as tx:
            tx.delete_resource("trust_product", "acme/cnam")
        assert store.specs(["acme/cnam"]) == {}
        for sql in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO remote_objects (workspace, name, role, kind, state, updated_at) "
                "VALUES (?, 'acme', 'x', 'profile', 'created', 'now')",
                (WORKSPACE,),
            )
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute(
                "INSERT INTO specs (workspace, name, spec) VALUES (?, 'nobody', '{}')",
                (WORKSPACE,),
            )

        # ... and take a kind the old schema would not have.
        with store.transaction() as tx:
            tx.put_resource(brand, BRAND, spec={"brand_type": "STANDARD"}, spec_hash="b")
            tx.confirm(brand, BRAND, "brand_registration", "BN0001")
            tx.set_status(brand, BRAND, "PENDING", action="create")
        assert store.resource(brand, BRAND).status == "PENDING"  # type: ignore[union-attr]
        assert store.audit(BRAND)[-1].kind == brand

    # Only the kind and status lists went (step 2), step 3 added the binding columns to
    # `workspaces`, step 5 the refresh time and step 6 each resource's account: otherwise
    # columns, keys, indexes, triggers are as they were.
    schema = _sqlite_schema(path)
    v1_columns = len(v1_schema["workspaces"]["columns"])
    added = schema["workspaces"]["columns"][v1_columns:]
    assert [c[1] for c in added] == [
        "bound_target",
        "bound_account_shown",
        "bound_account_fingerprint",
        "refreshed_at",
    ]
    schema["workspaces"]["columns"] = schema["workspaces"]["columns"][:v1_columns]
    # Step 6 gave each resource its account.
    v1_resource_columns = len(v1_schema["resources"]["columns"])
    assert [c[1] for c in schema["resources"]["columns"][v1_resource_columns:]] == ["account"]
    schema["resources"]["columns"] = schema["resources"]["columns"][:v1_resource_columns]
    # (a WITHOUT ROWID table's primary key index lists every column)
    schema["resources"]["indexes"] = [
        (*index[:-1], [c for c in index[-1] if c[2] != "account"])
        for index in schema["resources"]["indexes"]
    ]
    assert schema == v1_schema
    tables = _table_sql(path)
    assert not any(f"CHECK ({col} IN" in tables[t] for t in tables for col in ("kind", "status"))
    assert "CHECK (state IN ('intent', 'created', 'deleted'))" in tables["remote_objects"]
    assert "CHECK (state <> 'created' OR sid IS NOT NULL)" in tables["remote_objects"]
    assert "new_" not in "".join(tables)


def test_a_fresh_state_has_the_schema_a_migrated_one_has(
    tmp_path: Path, at_schema_1: Callable[[], None]
) -> None:
    migrated = tmp_path / "old" / "state.db"
    _make_v1(str(migrated), at_schema_1)
    open_store(str(migrated), WORKSPACE).close()
    fresh = tmp_path / "new" / "state.db"
    open_store(str(fresh), WORKSPACE).close()
    assert _sqlite_schema(fresh) == _sqlite_schema(migrated)
    assert _table_sql(fresh) == _table_sql(migrated)


def test_a_migration_that_fails_leaves_the_schema_1_state(
    tmp_path: Path, at_schema_1: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.db"
    before = _make_v1(str(path), at_schema_1)
    step = m.SQLITE[1]
    statements = (*step.statements, "SELECT * FROM no_such_table")
    broken = Migration(2, step.description, statements, rebuilds_tables=True)
    monkeypatch.setattr(m, "SQLITE", (m.SQLITE[0], broken))
    with pytest.raises(StateError, match="no_such_table"):
        open_store(str(path), WORKSPACE)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        assert "CHECK (kind IN" in _table_sql(path)["resources"]
        assert conn.execute("SELECT count(*) FROM specs").fetchone() == (len(before["resources"]),)
    monkeypatch.undo()
    with open_store(str(path), WORKSPACE) as store:
        assert store.export()["content_hash"] == before["content_hash"]


def test_a_schema_1_sqlite_backup_restores(
    tmp_path: Path, at_schema_1: Callable[[], None], new_location: Callable[[], str]
) -> None:
    """A backup made by the previous trusthub is a schema 1 state file: restore migrates a
    copy of it, and leaves the file itself as it was."""
    backup = tmp_path / "old.backup"
    before = _make_v1(str(backup), at_schema_1)
    made = backup.read_bytes()
    with open_store(new_location(), WORKSPACE) as store:
        store.restore(backup)
        after = store.export()
        for key in ("lineage", "resources", "remote_objects", "audit"):
            assert after[key] == before[key], key
    assert backup.read_bytes() == made


@pytest.mark.postgres
def test_a_schema_1_postgresql_state_migrates_keeping_everything(
    pg_database: str, at_schema_1: Callable[[], None], brand: str
) -> None:
    import psycopg

    constraints = (
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'trusthub'::regnamespace ORDER BY 1, 2"
    )
    triggers = (
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger t JOIN pg_class c "
        "ON c.oid = t.tgrelid WHERE c.relnamespace = 'trusthub'::regnamespace "
        "AND NOT tgisinternal"
    )
    indexes = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'trusthub'"

    def other_workspace() -> None:  # another workspace in the database
        with open_store(pg_database, "other-team") as other:
            add_profile(other, "initech")

    before = _make_v1(pg_database, at_schema_1, others=other_workspace)
    with psycopg.connect(pg_database) as conn:
        v1 = [conn.execute(q).fetchall() for q in (constraints, triggers, indexes)]

    with open_store(pg_database, WORKSPACE) as store:
        assert store.meta().schema_version == LATEST
        after = store.export()
        for key in ("lineage", "serial", "resources", "remote_objects", "audit"):
            assert after[key] == before[key], key
        with store.transaction() as tx:
            tx.put_resource(brand, BRAND, spec={"brand_type": "STANDARD"}, spec_hash="b")
            tx.set_status(brand, BRAND, "APPROVED", action="refresh")
        assert store.audit(BRAND)[-1].to_status == "APPROVED"
        with pytest.raises(StateError, match="append-only"), store.transaction():
            store.execute("DELETE FROM audit")  # type: ignore[attr-defined]
    with open_store(pg_database, "other-team") as other:
        assert [r.name for r in other.snapshot()] == ["initech"]

    with psycopg.connect(pg_database) as conn:
        now = [conn.execute(q).fetchall() for q in (constraints, triggers, indexes)]
    # Step 4 adds a table of its own (received_events); the tables of step 1 are compared.
    now = [[row for row in rows if "received_events" not in str(row)] for rows in now]
    dropped = {"resources_kind_check", "resources_status_check"}
    dropped |= {"remote_objects_kind_check", "audit_kind_check"}
    assert sorted(name for _, name, _ in v1[0] if name in dropped) == sorted(dropped)
    assert now[0] == [c for c in v1[0] if c[1] not in dropped]
    assert ("trusthub.remote_objects", "remote_objects_state_check") in {c[:2] for c in now[0]}
    assert now[1:] == v1[1:]  # triggers and indexes untouched
