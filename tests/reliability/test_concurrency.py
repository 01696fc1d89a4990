"""Two `trusthub apply` processes on one workspace at once, on SQLite and on PostgreSQL
(issue 7: "two processes applying against one database at once"), and the lock a killed
apply leaves behind."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.checks import check_world
from tests.reliability.conftest import TIMEOUT, MakeWorkspace, invoke, run_cli, settings_of
from tests.reliability.processes import Process
from trusthub.errors import LockedError
from trusthub.state import LockHolder, open_store
from trusthub.state.actor import current_holder

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
HOST = socket.gethostname()
# Every sandbox request takes this long: an apply of the example workspace holds the lock
# for a few seconds, so two runs started together always meet.
LATENCY = 0.05


@pytest.fixture(params=BACKENDS)
def state_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment selecting the state backend (SQLite: the workspace's own file)."""
    if request.param == "sqlite":
        return {}
    url: str = request.getfixturevalue("pg_database")
    return {"TRUSTHUB_STATE": url}


def _workspace(make_workspace: MakeWorkspace) -> Path:
    return make_workspace("together", review_delay=86400, latency=LATENCY)


def _converged(ws: Path, env: dict[str, str], *, audit_submits: bool = True) -> None:
    """Neither run damaged anything: the state reads, is unlocked, plans no change, and
    the sandbox holds exactly the workspace."""
    shown = json.loads(invoke(ws, "state", "show", "--format", "json", env=env).stdout)
    assert shown["lock"] is None
    assert shown["open_intents"] == 0
    invoke(ws, "plan", "--detailed-exitcode", env=env)
    check_world(settings_of(ws, env), audit_submits=audit_submits)


def test_two_applies_at_once_one_is_refused_naming_the_holder(
    make_workspace: MakeWorkspace, state_env: dict[str, str], tmp_path: Path
) -> None:
    ws = _workspace(make_workspace)
    with contextlib.ExitStack() as stack:
        runs = [
            stack.enter_context(
                Process(ws, "apply", "--auto-approve", env=state_env, log=tmp_path / f"run{i}.err")
            )
            for i in range(2)
        ]
        codes = [run.finish() for run in runs]
    assert sorted(codes) == [0, 5], [(r.stdout[-500:], r.stderr) for r in runs]
    winner, loser = (runs[0], runs[1]) if codes[0] == 0 else (runs[1], runs[0])
    assert "Apply complete" in winner.stdout
    assert re.search(
        rf"error: state is locked by \S+ \(pid {winner.pid} on host {re.escape(HOST)}\) "
        r"since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; if that run is gone, run `trusthub state unlock`",
        loser.stderr,
    ), loser.stderr
    assert "Apply" not in loser.stdout  # refused before it planned anything
    _converged(ws, state_env)


def test_two_applies_at_once_with_a_lock_timeout_run_one_after_the_other(
    make_workspace: MakeWorkspace, state_env: dict[str, str], tmp_path: Path
) -> None:
    ws = _workspace(make_workspace)
    with contextlib.ExitStack() as stack:
        runs = [
            stack.enter_context(
                Process(
                    ws,
                    "apply",
                    "--auto-approve",
                    "--lock-timeout",
                    str(TIMEOUT),
                    env=state_env,
                    log=tmp_path / f"run{i}.err",
                )
            )
            for i in range(2)
        ]
        codes = [run.finish() for run in runs]
    assert codes == [0, 0], [(r.stdout[-500:], r.stderr) for r in runs]
    outcomes = sorted(
        "applied"
        if "Apply complete" in r.stdout
        else "nothing"
        if "Nothing to apply." in r.stdout
        else "?"
        for r in runs
    )
    # The waiter planned only once the other had finished: it found nothing left to do.
    assert outcomes == ["applied", "nothing"], [r.stdout[-500:] for r in runs]
    _converged(ws, state_env)


def _kill_while_locked(ws: Path, env: dict[str, str], log: Path) -> int:
    """Start an apply, SIGKILL it once it holds the lock and has begun; return its pid."""
    with Process(ws, "apply", "--auto-approve", env=env, log=log) as run:
        assert run.wait_for("Plan:") is not None  # printed under the lock
        assert run.wait_for("  ") is not None  # the first step is done
        run.kill()
        assert run.finish() < 0
        return run.pid


def _wait_stale(ws: Path, env: dict[str, str], pid: int) -> dict[str, object]:
    """The lock the killed run left, once seen to be stale. SQLite sees it at once (the pid
    is gone); PostgreSQL once the server has ended the dead client's session."""
    deadline = time.monotonic() + 30
    while True:
        lock = json.loads(invoke(ws, "state", "show", "--format", "json", env=env).stdout)["lock"]
        assert lock is not None
        assert lock["pid"] == pid, lock
        if lock["stale"] or time.monotonic() > deadline:
            assert lock["stale"], lock
            return dict(lock)
        time.sleep(0.1)


def test_a_lock_left_by_a_killed_apply_is_stale_and_cleared_or_taken_over(
    make_workspace: MakeWorkspace, state_env: dict[str, str], tmp_path: Path
) -> None:
    ws = _workspace(make_workspace)

    # 1. The next apply takes the stale lock over, says so, and finishes the work.
    pid = _kill_while_locked(ws, state_env, tmp_path / "killed1.err")
    _wait_stale(ws, state_env, pid)
    shown = invoke(ws, "state", "show", env=state_env).stdout
    assert f"pid {pid} on host {HOST}" in shown
    assert "stale: its holder is gone" in shown
    took = run_cli(ws, "apply", "--auto-approve", env=state_env)
    assert "note: took over a stale lock held by" in took.stderr
    assert f"(pid {pid} on host {HOST})" in took.stderr

    _converged(ws, state_env, audit_submits=False)

    # 2. `state unlock` clears a stale lock; the next apply then finds the state unlocked.
    ws = make_workspace("unlocked", review_delay=86400, latency=LATENCY)
    pid = _kill_while_locked(ws, state_env, tmp_path / "killed2.err")
    _wait_stale(ws, state_env, pid)
    cleared = invoke(ws, "state", "unlock", env=state_env)
    assert "cleared the stale lock of" in cleared.stdout
    assert f"pid {pid}" in cleared.stdout
    assert invoke(ws, "state", "unlock", env=state_env).stdout.strip() == "state is not locked"
    after = run_cli(ws, "apply", "--auto-approve", env=state_env)
    assert "took over" not in after.stderr
    _converged(ws, state_env, audit_submits=False)


@pytest.mark.postgres
def test_a_run_refused_while_the_holder_records_itself_is_told_who_holds_it(
    pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL takes the advisory lock first and writes the holder row a moment later.
    A run refused in between used to be told only "another session"; it now looks again
    and names the holder. The moment is made as long as the test needs: the holder writes
    its row only after the other run's first attempt has failed."""
    holder = LockHolder(user="alice", host=HOST, pid=4242, operation="apply")
    first = open_store(pg_database, "race")
    second = open_store(pg_database, "race")
    taken, refused_once, release = threading.Event(), threading.Event(), threading.Event()
    write_holder = first._write_holder  # type: ignore[attr-defined]
    try_lock = second._try_lock  # type: ignore[attr-defined]

    def slow_write(*args: Any, **kwargs: Any) -> Any:
        taken.set()
        assert refused_once.wait(TIMEOUT)
        return write_holder(*args, **kwargs)

    def watched_try(*args: Any, **kwargs: Any) -> Any:
        result = try_lock(*args, **kwargs)
        if result == (None, None):
            refused_once.set()
        return result

    monkeypatch.setattr(first, "_write_holder", slow_write)
    monkeypatch.setattr(second, "_try_lock", watched_try)

    def hold() -> None:
        with first.lock(holder):
            release.wait(TIMEOUT)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert taken.wait(TIMEOUT)
        with pytest.raises(LockedError) as refused, second.lock(current_holder("apply")):
            pass
        assert refused_once.is_set()
        assert f"locked by alice (pid 4242 on host {HOST}) since" in refused.value.message
    finally:
        release.set()
        thread.join(TIMEOUT)
        first.close()
        second.close()
