"""What only the PostgreSQL backend has: many workspaces in one database, and a URL that may
carry a password."""

from __future__ import annotations

import socket

import pytest

from tests.state.helpers import add_profile
from trusthub.errors import LockedError, StateError
from trusthub.state import LockHolder, open_store
from trusthub.state.actor import current_holder

pytestmark = pytest.mark.postgres


def test_workspaces_in_one_database_do_not_clash(pg_database: str) -> None:
    with open_store(pg_database, "team-a") as a, open_store(pg_database, "team-b") as b:
        assert a.meta().lineage != b.meta().lineage
        add_profile(a, "acme")
        add_profile(a, "acme/cnam")
        add_profile(b, "acme", industry="b's own acme")
        with b.transaction() as tx:
            tx.confirm("profile", "acme", "bundle", "BU-B")

        assert (a.meta().serial, b.meta().serial) == (2, 2)
        assert sorted(r.name for r in a.snapshot()) == ["acme", "acme/cnam"]
        assert [r.name for r in b.snapshot()] == ["acme"]
        assert b.specs(["acme"]) == {"acme": {"industry": "b's own acme"}}
        assert a.sids("profile", "acme") == {}
        assert [e.id for e in a.audit()] == [1, 2]
        assert [e.id for e in b.audit()] == [1]

        # Each workspace has its own lock: both can be held at once.
        with a.lock(current_holder("apply")), b.lock(current_holder("apply")):
            assert a.lock_info() is not None
            assert b.lock_info() is not None
        with a.transaction() as tx:
            tx.delete_resource("profile", "acme")
        assert b.resource("profile", "acme") is not None
        assert a.export()["workspace"] == "team-a"


def test_the_advisory_lock_is_per_workspace_and_per_session(pg_database: str) -> None:
    with (
        open_store(pg_database, "team-a") as a,
        open_store(pg_database, "team-a") as again,
        a.lock(LockHolder("alice", "laptop", 4242)),
        pytest.raises(LockedError, match=r"alice \(pid 4242 on host laptop\)"),
        again.lock(current_holder("apply")),
    ):
        pass


def test_the_password_is_never_shown(pg_database: str) -> None:
    port = _closed_port()
    url = f"postgresql://trusthub:s3cret-pw@127.0.0.1:{port}/state"
    with pytest.raises(StateError) as refused:
        open_store(url, "team-a")
    assert "s3cret-pw" not in str(refused.value)
    assert f"postgresql://trusthub@127.0.0.1:{port}/state" in str(refused.value)
    with open_store(pg_database, "team-a") as store:
        assert ":" not in store.location.split("@")[0].removeprefix("postgresql://")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
