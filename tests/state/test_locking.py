"""The state lock, between real processes."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest

from tests.state.conftest import WORKSPACE
from tests.state.helpers import Worker
from trusthub.errors import ExitCode, LockedError
from trusthub.state import LockHolder, StateStore, open_store
from trusthub.state.actor import current_holder

HOST = socket.gethostname()


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for w in started:
        w.close()


def _start(workers: list[Worker], location: str, timeout: float = 0) -> Worker:
    w = Worker("hold", location, WORKSPACE, timeout)
    workers.append(w)
    w.expect("started")
    return w


def test_one_waits_for_the_lock_another_is_refused(
    store: StateStore, location: str, workers: list[Worker]
) -> None:
    holder = _start(workers, location)
    holder.expect(f"locked {holder.pid}")

    with pytest.raises(LockedError) as refused, store.lock(current_holder("apply")):
        pass
    message = refused.value.message
    assert f"pid {holder.pid} on host {HOST}" in message
    assert "if that run is gone, run `trusthub state unlock`" in message
    assert refused.value.exit_code == ExitCode.LOCKED
    info = store.lock_info()
    assert info is not None
    assert info.holder.pid == holder.pid
    assert not info.stale
    assert info.holder.operation == "test"

    waiter = _start(workers, location, timeout=30)
    assert waiter.line(timeout=1.0) is None  # still waiting: the holder has it
    assert holder.finish() == ["released"]
    waiter.expect(f"locked {waiter.pid}", timeout=10)

    started = time.monotonic()
    with (
        pytest.raises(LockedError, match=f"pid {waiter.pid} on host"),
        store.lock(current_holder("apply"), timeout=0.6),
    ):
        pass
    assert time.monotonic() - started >= 0.5  # it waited before giving up
    assert waiter.finish() == ["released"]
    assert store.lock_info() is None


def test_lock_is_released_at_the_end_of_the_block(store: StateStore, location: str) -> None:
    me = current_holder("apply")
    with store.lock(me) as info:
        assert info.holder == me
        assert info.took_over is None
        assert store.lock_info() == info
        with pytest.raises(LockedError), store.lock(me):  # not re-entrant
            pass
        with (
            open_store(location, WORKSPACE) as other,
            pytest.raises(LockedError),
            other.lock(me),
        ):
            pass
    assert store.lock_info() is None
    with pytest.raises(ValueError, match="inside"), store.lock(me):
        raise ValueError("inside")  # an error in the block still releases
    assert store.lock_info() is None


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_killed_holder_leaves_a_stale_sqlite_lock(
    store: StateStore, location: str, workers: list[Worker]
) -> None:
    holder = _start(workers, location)
    holder.expect("locked")
    holder.kill()

    stale = store.lock_info()
    assert stale is not None
    assert stale.stale
    assert stale.holder.pid == holder.pid
    with store.lock(current_holder("apply")) as taken:  # taken over, and said so
        assert taken.took_over is not None
        assert taken.took_over.holder.pid == holder.pid

    holder = _start(workers, location)
    holder.expect("locked")
    holder.kill()
    cleared = store.unlock()  # no --force needed for a stale lock
    assert cleared is not None
    assert cleared.stale
    assert cleared.holder.pid == holder.pid
    assert store.lock_info() is None


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_live_or_foreign_sqlite_lock_needs_force(store: StateStore, location: str) -> None:
    dead_pid = 2**22 + 12345  # above the kernel's pid_max
    with open_store(location, WORKSPACE) as other:
        with other.lock(LockHolder("bob", "build-7", dead_pid)):
            info = store.lock_info()
            assert info is not None
            assert not info.stale
            with pytest.raises(LockedError, match="--force"):
                store.unlock()
            assert store.unlock(force=True) == info
            assert store.lock_info() is None
        with other.lock(LockHolder("bob", HOST, dead_pid)):
            assert store.lock_info().stale  # type: ignore[union-attr]
        with (
            other.lock(current_holder("apply")),
            pytest.raises(LockedError, match="may still be running"),
        ):
            store.unlock()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_dead_postgres_session_releases_the_lock(
    store: StateStore, location: str, workers: list[Worker]
) -> None:
    holder = _start(workers, location)
    holder.expect("locked")
    assert store.lock_info().holder.pid == holder.pid  # type: ignore[union-attr]
    holder.kill()  # the connection dies with it; PostgreSQL drops its advisory lock

    with store.lock(current_holder("apply"), timeout=10) as taken:
        assert taken.took_over is not None
        assert taken.took_over.holder.pid == holder.pid
    assert store.lock_info() is None


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_force_unlock_ends_the_postgres_session(
    store: StateStore, location: str, workers: list[Worker]
) -> None:
    holder = _start(workers, location)
    holder.expect("locked")
    with pytest.raises(LockedError, match="may still be running"):
        store.unlock()
    cleared = store.unlock(force=True)
    assert cleared is not None
    assert cleared.holder.pid == holder.pid
    assert store.lock_info() is None
    with store.lock(current_holder("apply")):
        pass
    # The holder's session was ended: its next use of the state fails; it does not go on.
    assert holder.proc.stdin is not None
    assert holder.proc.stderr is not None
    holder.proc.stdin.close()
    assert holder.proc.wait(timeout=30) != 0
    assert "lost the connection to the state database" in holder.proc.stderr.read()


def test_holder_describes_a_ci_run() -> None:
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_RUN_ID": "42",
        "GITHUB_ACTOR": "octocat",
        "GITHUB_REPOSITORY": "acme/compliance",
    }
    holder = current_holder("apply", env)
    assert holder.user == "octocat"
    assert holder.ci_run == "https://github.com/acme/compliance/actions/runs/42"
    assert holder.pid == os.getpid()
    assert holder.who == "octocat in CI run https://github.com/acme/compliance/actions/runs/42"
