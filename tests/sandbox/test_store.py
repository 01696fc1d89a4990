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
