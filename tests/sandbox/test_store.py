"""The sandbox's own SQLite file."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tests.sandbox import builders as b
from trusthub.config.settings import SandboxSettings
from trusthub.errors import StateError
from trusthub.sandbox import Sandbox
from trusthub.sandbox.sids import is_sid


def test_data_and_credentials_survive_between_processes(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "sandbox.db"
    with Sandbox(path) as first:
        built = b.profile(first.client())
        credentials = (first.account_sid, first.auth_token)
    with Sandbox.from_settings(SandboxSettings(database=path)) as second:
        assert (second.account_sid, second.auth_token) == credentials
        assert second.client().trusthub.v1.customer_profiles(built.sid).fetch().status == "draft"
        second.reset()
        assert second.client().trusthub.v1.end_users.list() == []
        assert (second.account_sid, second.auth_token) == credentials  # reset keeps them
    assert is_sid(credentials[0], "AC")
    assert len(credentials[1]) == 32


def test_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    with Sandbox(path) as sandbox:
        b.address(sandbox.client())
        for file in tmp_path.iterdir():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    Sandbox(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="made by a newer trusthub"):
        Sandbox(path)


def test_unusable_location_is_a_state_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StateError, match="cannot open the sandbox database"):
        Sandbox(blocker / "sandbox.db")


def _as_schema_1(path: Path) -> None:
    """Turn a sandbox file back into what schema 1 made: no owning account on objects, no
    accounts table."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        DROP INDEX resources_by_account;
        ALTER TABLE resources DROP COLUMN account;
        DROP TABLE accounts;
        UPDATE meta SET value = '1' WHERE key = 'schema';
        """
    )
    conn.close()


def test_a_schema_1_file_is_migrated_its_objects_the_parents(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    with Sandbox(path) as old:
        built = b.profile(old.client())
        credentials = (old.account_sid, old.auth_token)
    _as_schema_1(path)
    conn = sqlite3.connect(path)
    assert "account" not in [r[1] for r in conn.execute("PRAGMA table_info(resources)")]
    conn.close()

    with Sandbox(path) as migrated:
        assert (migrated.account_sid, migrated.auth_token) == credentials
        parent = migrated.client()
        assert parent.trusthub.v1.customer_profiles(built.sid).fetch().status == "draft"
        assert len(parent.trusthub.v1.end_users.list()) == len(built.end_users)
        assert [a.sid for a in migrated.accounts()] == [credentials[0]]
        sub = migrated.client(migrated.create_subaccount("Customer A").sid)
        assert sub.trusthub.v1.customer_profiles.list() == []
        assert sub.trusthub.v1.end_users.list() == []
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
    owners = conn.execute("SELECT DISTINCT account FROM resources").fetchall()
    assert owners == [(None,)]  # every schema-1 object is the parent's
    parent_rows = conn.execute("SELECT sid, auth_token FROM accounts WHERE parent_sid IS NULL")
    assert parent_rows.fetchall() == [credentials]
    conn.close()
    with Sandbox(path) as again:  # opening a current file changes nothing
        assert len(again.accounts()) == 2
