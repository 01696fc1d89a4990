"""The state as stored: file modes, damage detected (never repaired by overwriting), schema
migrations, and writes interrupted by a kill."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tests.state.conftest import WORKSPACE
from tests.state.helpers import Worker, add_profile
from trusthub.errors import StateError
from trusthub.state import migrations as m
from trusthub.state import open_store
from trusthub.state.migrations import LATEST, Migration


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    path = tmp_path / ".trusthub" / "state.db"
    with open_store(str(path), WORKSPACE) as store, store.transaction() as tx:
        for i in range(300):
            tx.put_resource("profile", f"p{i}", spec={"blob": "x" * 200}, spec_hash=str(i))
    return path


def test_state_directory_and_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "ws" / ".trusthub" / "state.db"
    with open_store(str(path), WORKSPACE) as store:
        add_profile(store, "acme")
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists()
        assert shm.exists()
        assert (_mode(path.parent), _mode(path), _mode(wal), _mode(shm)) == (
            0o700,
            0o600,
            0o600,
            0o600,
        )
        backup = tmp_path / "backups" / "state.bak"
        store.backup(backup)
    assert (_mode(backup.parent), _mode(backup)) == (0o700, 0o600)
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda data: b"", "the file is empty"),
        (lambda data: b"\x89PNG garbage " * 100, "not a SQLite database"),
        (lambda data: data[:60], "header is truncated"),
        (lambda data: data[: len(data) // 2], "truncated"),
        (lambda data: data[:8192] + b"\xa5" * 4096 + data[12288:], "corrupted"),
    ],
    ids=["empty", "garbage", "short-header", "half", "bad-page"],
)
def test_damaged_state_is_reported_and_left_alone(state_file: Path, damage, why: str) -> None:
    damaged = damage(state_file.read_bytes())
    state_file.write_bytes(damaged)
    with pytest.raises(StateError) as refused:
        open_store(str(state_file), WORKSPACE)
    text = str(refused.value)
    assert str(state_file) in text
    assert why in text
    assert "trusthub state restore" in text
    assert state_file.read_bytes() == damaged  # never re-initialised or repaired


def test_state_with_a_table_missing_is_damaged(state_file: Path) -> None:
    with sqlite3.connect(state_file) as conn:
        conn.execute("DROP TABLE remote_objects")
    with pytest.raises(StateError, match="tables missing: remote_objects"):
        open_store(str(state_file), WORKSPACE)


def test_another_sqlite_database_is_not_taken_for_state(tmp_path: Path) -> None:
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (id INTEGER)")
    with pytest.raises(StateError, match="not a trusthub state"):
        open_store(str(other), WORKSPACE)
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("users",)]


def test_a_sqlite_file_is_its_own_workspace(state_file: Path) -> None:
    with open_store(str(state_file), "renamed-directory") as store:
        assert store.workspace == WORKSPACE
        assert len(store.snapshot()) == 300


def _set_schema_version(location: str, version: int) -> None:
    if "://" in location:
        import psycopg

        with psycopg.connect(location, autocommit=True) as conn:
            conn.execute("UPDATE trusthub.schema_version SET version = %s", (version,))
    else:
        with sqlite3.connect(location) as conn:
            conn.execute(f"PRAGMA user_version = {version}")


def test_a_newer_schema_is_refused(location: str) -> None:
    with open_store(location, WORKSPACE) as store:
        add_profile(store, "acme")
    _set_schema_version(location, LATEST + 1)
    with pytest.raises(StateError) as refused:
        open_store(location, WORKSPACE)
    assert refused.value.message == (
        f"state schema version {LATEST + 1} is newer than this trusthub supports ({LATEST}); "
        "upgrade trusthub"
    )


def test_migrations_bring_an_older_state_up_to_date(
    location: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(location, WORKSPACE) as store:
        add_profile(store, "acme")
        lineage = store.meta().lineage
    steps = m.SQLITE if backend == "sqlite" else m.POSTGRES
    name = "SQLITE" if backend == "sqlite" else "POSTGRES"
    extra = "ALTER TABLE resources ADD COLUMN note TEXT"

    broken = Migration(LATEST + 1, "fails half-way", (extra, "SELECT * FROM no_such_table"))
    monkeypatch.setattr(m, name, (*steps, broken))
    with pytest.raises(StateError):
        open_store(location, WORKSPACE)

    monkeypatch.setattr(m, name, (*steps, Migration(LATEST + 1, "add a note", (extra,))))
    with open_store(location, WORKSPACE) as store:  # the failed step left nothing behind
        assert store.meta().schema_version == LATEST + 1
        assert store.meta().lineage == lineage
        assert store.resource("profile", "acme") is not None
        assert store.execute("SELECT note FROM resources").fetchall() == [(None,)]  # type: ignore[attr-defined]


def test_migration_lists_are_numbered_and_end_together() -> None:
    for steps in (m.SQLITE, m.POSTGRES):
        assert [s.version for s in steps] == list(range(1, len(steps) + 1))
    assert m.SQLITE[-1].version == m.POSTGRES[-1].version == LATEST


def test_a_write_killed_before_commit_leaves_the_previous_state(location: str) -> None:
    with open_store(location, WORKSPACE) as store:
        add_profile(store, "acme")
        before = store.export()
    writer = Worker("write", location, WORKSPACE)
    try:
        writer.expect("writing")
        writer.kill()
    finally:
        writer.close()
    with open_store(location, WORKSPACE) as store:
        assert store.export() == before
        with store.transaction() as tx:  # and it is writable: nothing is left locked
            tx.put_resource("profile", "globex", spec={}, spec_hash="g")
        assert store.meta().serial == before["serial"] + 1
