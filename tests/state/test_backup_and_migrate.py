"""Backups, restores, export/import and copies between backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.state.conftest import WORKSPACE
from tests.state.helpers import add_profile
from trusthub.errors import StateError
from trusthub.state import StateStore, open_store
from trusthub.state.actor import current_holder
from trusthub.state.exchange import content_hash
from trusthub.state.transfer import migrate_state, restore_state


def _fill(store: StateStore) -> None:
    add_profile(store, "acme", industry="retail")
    add_profile(store, "acme/cnam", display="ACME")
    with store.transaction() as tx:
        tx.confirm("profile", "acme", "bundle", "BU0001")
        tx.record_intent("trust_product", "acme/cnam", "bundle", {"friendly_name": "ACME CNAM"})
        tx.set_status(
            "profile",
            "acme",
            "twilio-rejected",
            reasons=["EIN mismatch"],
            evaluation={"status": "noncompliant", "results": [{"ok": False, "n": 1.5}]},
            detail={"note": "ünïcode"},
            plan_checksum="sha256:plan",
        )


def _content(data: dict[str, Any]) -> tuple[Any, ...]:
    return data["lineage"], data["resources"], data["remote_objects"]


def test_backup_then_restore_brings_the_state_back(store: StateStore, tmp_path: Path) -> None:
    _fill(store)
    backup = tmp_path / "state.backup"
    meta = store.backup(backup)
    saved = store.export()
    assert (meta.lineage, meta.serial) == (saved["lineage"], saved["serial"])

    add_profile(store, "globex")
    with store.transaction() as tx:
        tx.delete_resource("trust_product", "acme/cnam")
    later = store.export()

    restored = store.restore(backup)
    now = store.export()
    assert _content(now) == _content(saved)
    assert now["audit"] == later["audit"]  # the history since the backup stays
    assert restored.serial == now["serial"] == later["serial"] + 1  # plans before are stale


def test_restore_refuses_a_backup_of_another_state(
    store: StateStore, new_location: Callable[[], str], tmp_path: Path
) -> None:
    _fill(store)
    with open_store(new_location(), WORKSPACE) as other:
        add_profile(other, "initech")
        other.backup(tmp_path / "other.backup")
        theirs = other.export()
    before = store.export()
    with pytest.raises(StateError, match="another state"):
        store.restore(tmp_path / "other.backup")
    assert store.export() == before

    keep = tmp_path / "kept" / "before.backup"
    store.restore(tmp_path / "other.backup", force=True, keep_previous=keep)
    now = store.export()
    assert _content(now) == _content(theirs)
    assert now["audit"] == theirs["audit"]  # another lineage's history replaces this one's
    store.restore(keep, force=True)  # and the kept copy brings this one back
    assert _content(store.export()) == _content(before)


def test_damaged_backups_are_refused(store: StateStore, tmp_path: Path) -> None:
    _fill(store)
    before = store.export()
    json_backup = tmp_path / "state.json"
    json_backup.write_text(json.dumps(before))
    tampered = dict(before, serial=before["serial"] + 5)
    (tmp_path / "tampered.json").write_text(json.dumps(tampered))
    store.backup(tmp_path / "native.backup")
    native = (tmp_path / "native.backup").read_bytes()
    (tmp_path / "cut.backup").write_bytes(native[: len(native) // 2])
    (tmp_path / "junk").write_bytes(b"not a backup at all")

    for name, why in [
        ("tampered.json", "does not match its content hash"),
        ("cut.backup", "truncated|damaged JSON"),
        ("junk", "neither a SQLite state file nor a JSON state export"),
    ]:
        with pytest.raises(StateError, match=why):
            store.restore(tmp_path / name)
    assert store.export() == before
    store.restore(json_backup)  # either format restores into either backend
    assert _content(store.export()) == _content(before)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_restore_sets_a_damaged_state_file_aside(location: str, tmp_path: Path) -> None:
    with open_store(location, WORKSPACE) as store:
        _fill(store)
        store.backup(tmp_path / "state.backup")
        saved = store.export()
    state = Path(location)
    state.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(StateError, match="corrupted"):
        open_store(location, WORKSPACE)

    done = restore_state(
        location, WORKSPACE, tmp_path / "state.backup", holder=current_holder("restore")
    )
    assert done.previous is not None
    assert done.previous.read_bytes() == b"\x00garbage" * 1000
    assert done.previous.name.startswith("state.db.corrupt-")
    with open_store(location, WORKSPACE) as store:
        now = store.export()
    assert _content(now) == _content(saved)
    assert now["audit"] == saved["audit"]
    assert done.meta.serial == saved["serial"] + 1


def test_restore_state_keeps_the_replaced_state(
    location: str, store: StateStore, tmp_path: Path
) -> None:
    _fill(store)
    store.backup(tmp_path / "state.backup")
    add_profile(store, "globex")
    changed = store.export()
    done = restore_state(
        location,
        WORKSPACE,
        tmp_path / "state.backup",
        holder=current_holder("restore"),
        keep_dir=tmp_path / "kept",
    )
    assert done.previous is not None
    assert done.previous.parent == tmp_path / "kept"
    with open_store(location, WORKSPACE) as again:
        assert again.resource("profile", "globex") is None
        again.restore(done.previous)
        assert _content(again.export()) == _content(changed)


def test_export_import_round_trip(store: StateStore, new_location: Callable[[], str]) -> None:
    _fill(store)
    data = store.export()
    with open_store(new_location(), "elsewhere") as copy:
        meta = copy.import_(data)
        assert (meta.lineage, meta.serial) == (data["lineage"], data["serial"])
        again = copy.export()
        assert again["content_hash"] == data["content_hash"] == content_hash(again)
        with pytest.raises(StateError, match="import only into an empty state"):
            copy.import_(data)
        with copy.transaction() as tx:  # and it carries on from there
            event = tx.append_audit("profile", "acme", "refresh")
        assert event.id == len(data["audit"]) + 1


def test_import_checks_the_content_hash(store: StateStore, new_location: Callable[[], str]) -> None:
    _fill(store)
    data = store.export()
    data["resources"][0]["status"] = "twilio-approved"
    with open_store(new_location(), WORKSPACE) as copy, pytest.raises(StateError, match="hash"):
        copy.import_(data)


@pytest.mark.postgres
def test_migrate_sqlite_to_postgresql_and_back(tmp_path: Path, pg_server: str) -> None:
    from tests.pg_cluster import create_database, drop_database

    pg = create_database(pg_server)
    try:
        first = str(tmp_path / "a" / "state.db")
        with open_store(first, WORKSPACE) as store:
            _fill(store)
            original = store.export()
            to_pg = migrate_state(store, pg, WORKSPACE, holder=current_holder("migrate"))
        assert to_pg.content_hash == original["content_hash"]
        assert (to_pg.target.lineage, to_pg.target.serial) == (
            original["lineage"],
            original["serial"],
        )
        assert to_pg.audit_events == len(original["audit"])
        assert to_pg.resources == 2

        back = str(tmp_path / "b" / "state.db")
        with open_store(pg, WORKSPACE) as store:
            assert store.backend == "postgresql"
            to_sqlite = migrate_state(store, back, WORKSPACE, holder=current_holder("migrate"))
            with pytest.raises(StateError, match="empty state"):  # the target must be empty
                migrate_state(store, back, WORKSPACE, holder=current_holder("migrate"))
            with pytest.raises(StateError, match="is the state being migrated"):
                migrate_state(store, pg, WORKSPACE, holder=current_holder("migrate"))
        assert to_sqlite.content_hash == original["content_hash"]
        with open_store(back, WORKSPACE) as store:
            final = store.export()
        assert {k: v for k, v in final.items() if k != "workspace"} == {
            k: v for k, v in original.items() if k != "workspace"
        }
    finally:
        drop_database(pg_server, pg)
