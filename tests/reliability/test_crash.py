"""`kill -9` of a real `trusthub apply` at random points (seeded), then the state and the
sandbox: the state opens cleanly after every kill, and rerunning apply converges to the
workspace with no duplicates. A corrupted state file is reported, never overwritten, and a
backup brings it back."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.checks import check_world
from tests.reliability.conftest import TIMEOUT, MakeWorkspace, invoke, run_cli, settings_of
from tests.reliability.processes import Process
from trusthub.state.model import LockHolder, LockInfo
from trusthub.state.sqlite import SqliteStore

PROGRESS = ("  ", "✓")  # per-step lines of an apply, after its plan
HELD_TRIES = 10  # applies started, at most, to catch one holding the lock


@dataclass
class Kills:
    killed: int = 0
    mid_apply: int = 0  # killed after the first step of the apply had been reported
    completed: int = 0  # runs that ended before their kill point
    left_locked: int = 0  # kills that left the state locked by the killed (dead) run
    took_over: int = 0  # later runs that took over the stale lock a killed run left


def _lock_key(lock: LockInfo | None) -> tuple[LockHolder, str] | None:
    return None if lock is None else (lock.holder, lock.since)


def _record(
    kills: Kills, pid: int, code: int, stderr: str, before: LockInfo | None, after: LockInfo | None
) -> None:
    """Count a run of apply from the lock row before and after it (the state's own record,
    whatever the timing). A stale lock whose row changed was taken over: only an apply does
    that. A run that ended normally says whose lock it took over."""
    if before is not None and _lock_key(after) != _lock_key(before):
        kills.took_over += 1
        if code == 0:
            note = f"note: took over a stale lock held by {before.describe()}"
            assert note in stderr, (note, stderr)
    if code == -signal.SIGKILL:
        kills.killed += 1
        kills.left_locked += after is not None and after.holder.pid == pid


def _lock_pid(state: Path, workspace: str) -> int | None:
    """The pid the state's lock row names, read without waiting on anyone: a reader of a
    WAL-mode database never waits for a writer, even a stopped one. None before the state
    and its lock table exist, or when SQLite is busy for a moment (look again)."""
    if not state.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=1.0)
        try:
            row = conn.execute("SELECT pid FROM locks WHERE workspace = ?", (workspace,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None else int(row[0])


def kill_once_it_holds_the_lock(run: Process, ws: Path) -> bool:
    """SIGKILL `run` at a moment it is known to hold the state's lock: stop it (SIGSTOP; a
    stopped process releases nothing), read the lock row, and kill it if the row names it;
    otherwise let it go on for a moment and look again. False when it ended first."""
    settings = settings_of(ws)
    state = Path(settings.state)
    deadline = time.monotonic() + TIMEOUT
    while run.proc.poll() is None:
        assert time.monotonic() < deadline, f"{run.args}: still running after {TIMEOUT} s"
        os.kill(run.pid, signal.SIGSTOP)
        if _lock_pid(state, settings.name) == run.pid:
            run.kill()  # SIGKILL ends a stopped process too
            return True
        os.kill(run.pid, signal.SIGCONT)
        time.sleep(0.002)
    return False


def kill_holding_the_lock(ws: Path, kills: Kills, log: Path) -> None:
    """Start applies until one is SIGKILLed while it holds the lock, so that the round
    leaves a stale lock for a later run to take over, however the random kills fall. (A
    run can end before it is caught: its lock is held for a fraction of a second.)"""
    for _ in range(HELD_TRIES):
        before = lock_of(ws)
        with Process(ws, "apply", "--auto-approve", log=log) as run:
            caught = kill_once_it_holds_the_lock(run, ws)
            code = run.finish()
        after = assert_state_sound(ws)
        _record(kills, run.pid, code, run.stderr, before, after)
        if caught:
            assert code == -signal.SIGKILL, (code, run.stdout[-2000:], run.stderr)
            assert after is not None
            assert after.holder.pid == run.pid, after  # and stale, as checked above
            kills.mid_apply += _stepped(run.lines)
            return
        assert code == 0, (code, run.stdout[-2000:], run.stderr)
        kills.completed += 1
    pytest.fail(f"no apply was caught holding the lock in {HELD_TRIES} runs")


def apply_and_kill(ws: Path, rng: random.Random, kills: Kills, log: Path) -> bool:
    """Start `apply --auto-approve` and SIGKILL it: after a random time (30%), or a
    random number of progress lines into the apply plus a few random milliseconds.
    Returns False when the run ended first with nothing to apply (the round is over)."""
    before = lock_of(ws)
    with Process(ws, "apply", "--auto-approve", log=log) as run:
        if rng.random() < 0.3:
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.proc.wait(timeout=rng.uniform(0.0, 1.0))
        elif run.wait_for("Plan:") is not None:
            for _ in range(rng.randint(0, 60)):
                if run.next_line() is None:
                    break
            # A few random milliseconds more, so a kill lands inside a request or a write.
            time.sleep(rng.uniform(0.0, 0.02))
        run.kill()
        code = run.finish()
    after = assert_state_sound(ws)
    _record(kills, run.pid, code, run.stderr, before, after)
    if code == -signal.SIGKILL:
        kills.mid_apply += _stepped(run.lines)
        return True
    assert code == 0, (code, run.stdout[-2000:], run.stderr)
    kills.completed += 1
    return "Nothing to apply." not in run.stdout


def _stepped(lines: list[str]) -> bool:
    """Whether a step of the apply was reported: a progress line after the plan."""
    plan_end = next((i for i, line in enumerate(lines) if line.startswith("Plan:")), None)
    return plan_end is not None and any(line.startswith(PROGRESS) for line in lines[plan_end + 1 :])


def lock_of(ws: Path) -> LockInfo | None:
    """The lock recorded in the state (None: unlocked, or no state yet)."""
    settings = settings_of(ws)
    path = Path(settings.state)
    if not path.exists():
        return None
    store = SqliteStore.open(path, settings.name, create=False)
    try:
        return store.lock_info()
    finally:
        store.close()


def assert_state_sound(ws: Path) -> LockInfo | None:
    """The state a kill left opens cleanly, passes SQLite's full integrity check, and any
    lock in it is seen to be stale (its holder is dead). Returns that lock."""
    settings = settings_of(ws)
    path = Path(settings.state)
    if not path.exists():  # killed before the state was first created
        return None
    store = SqliteStore.open(path, settings.name, create=False)
    try:
        store.check_integrity()
        lock = store.lock_info()
        assert lock is None or lock.stale, lock
    finally:
        store.close()
    shown = invoke(ws, "state", "show", "--format", "json")
    assert json.loads(shown.stdout)["workspace"] == settings.name
    return lock


STARTER = "brightframe-photo"  # the example's sole proprietor


def converge(ws: Path, kills: Kills) -> None:
    """Rerun apply (never killed) until it has nothing to do. Every rerun succeeds; the
    first takes over the stale lock if the kills left one."""
    for _ in range(8):
        before = lock_of(ws)
        done = run_cli(ws, "apply", "--auto-approve")
        after = lock_of(ws)
        assert after is None, after  # released
        _record(kills, 0, done.returncode, done.stderr, before, after)
        if "Nothing to apply." in done.stdout:
            break
    else:
        pytest.fail("apply did not converge after the kills")
    run_cli(ws, "plan", "--detailed-exitcode", "--no-refresh")
    # A run killed after Trust Hub took a submission and before the state recorded it: the
    # next refresh records the transition, so the audit may show a refresh for it.
    world = check_world(settings_of(ws), audit_submits=False)
    # Bundles and toll-free verifications, each in its own lifecycle's words; but the
    # example's starter profile, which Twilio approves only once its owner confirms the
    # brand's OTP (no apply does: `sandbox otp confirm` plays the owner).
    statuses = dict(world.statuses)
    assert statuses.pop(STARTER, "in-review") == "in-review", world.statuses
    assert set(statuses.values()) == {"twilio-approved", "TWILIO_APPROVED"}, world.statuses


def run_crash_scenario(
    make_workspace: MakeWorkspace, *, kills: int, per_round: int, profiles: int | None, seed: int
) -> Kills:
    """Rounds on fresh workspaces until `kills` runs were killed: an apply killed while it
    holds the lock, then up to `per_round - 1` randomly killed applies in a row (the state
    checked after each), then apply until converged.

    Every lock a kill leaves is taken over by a later run, since a round ends unlocked:
    `took_over == left_locked`, at least one per round."""
    rng = random.Random(seed)
    done = Kills()
    rounds = 0
    while done.killed < kills:
        # Reviews are decided at the next read: the applies of a round create, submit,
        # then create and submit trust products, so kills land in every kind of step.
        ws = make_workspace(f"crash{rounds}", profiles=profiles, review_delay=0)
        log = ws.parent / f"crash{rounds}.err"
        kill_holding_the_lock(ws, done, log)
        for _ in range(per_round - 1):
            if not apply_and_kill(ws, rng, done, log):
                break
        converge(ws, done)
        rounds += 1
    assert done.mid_apply >= done.killed // 3, done
    assert done.left_locked >= rounds, done
    assert done.took_over == done.left_locked, done
    print(f"{rounds} rounds: {done}")
    return done


def test_sigkilled_apply_converges_without_duplicates(make_workspace: MakeWorkspace) -> None:
    run_crash_scenario(make_workspace, kills=20, per_round=5, profiles=None, seed=3)


@pytest.mark.slow
def test_sigkilled_apply_of_30_profiles_converges(make_workspace: MakeWorkspace) -> None:
    run_crash_scenario(make_workspace, kills=60, per_round=6, profiles=30, seed=30)


# -- a corrupted state file ------------------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(path.stat().st_size))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damaged_page(path: Path) -> None:
    """Scramble bytes inside a b-tree page of a table: the header is intact, SQLite only
    finds out when it checks the pages."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'resources'"
        ).fetchone()
    finally:
        conn.close()
    start = (int(root) - 1) * page_size
    for i in range(start + 8, start + 200):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


CORRUPTIONS = {"garbage": _garbage, "truncated": _truncated, "damaged-page": _damaged_page}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupted_state_is_reported_never_overwritten_and_restored_from_backup(
    make_workspace: MakeWorkspace, corruption: str
) -> None:
    ws = make_workspace("corrupt", review_delay=86400)
    run_cli(ws, "apply", "--auto-approve")
    backup = ws.parent / "before.db"
    run_cli(ws, "state", "backup", str(backup))
    path = (ws / ".trusthub" / "state.db").resolve()  # as messages name it
    assert not Path(f"{path}-wal").exists()  # the last run checkpointed: all in one file
    CORRUPTIONS[corruption](path)
    damaged = path.read_bytes()

    for command in (
        ["plan"],
        ["plan", "--no-refresh", "--format", "json"],
        ["apply", "--auto-approve"],
        ["refresh"],
        ["status"],
        ["history", "acme-isv"],
        ["state", "show"],
        ["state", "backup", str(ws.parent / "again.db")],
    ):
        done = run_cli(ws, *command, code=1)
        assert f"state file {path} is corrupted" in done.stderr, (command, done.stderr)
        assert "trusthub state restore" in done.stderr
        assert "Traceback" not in done.stderr + done.stdout
        assert path.read_bytes() == damaged, f"{command} changed the damaged file"
    assert not (ws.parent / "again.db").exists()

    restored = run_cli(ws, "state", "restore", str(backup))
    kept = sorted(path.parent.glob("state.db.corrupt-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == damaged  # moved aside, not deleted
    assert str(kept[0]) in restored.stdout
    plan = run_cli(ws, "plan", "--detailed-exitcode", "--no-refresh")
    assert "No changes" in plan.stdout
    run_cli(ws, "refresh")
    check_world(settings_of(ws))


def test_state_backup_and_restore_round_trip_through_the_cli(make_workspace: MakeWorkspace) -> None:
    ws = make_workspace("roundtrip", review_delay=86400)
    thames = ws / "profiles" / "thames-tea-partners.yaml"  # kept a draft: it can be deleted
    thames.write_text(thames.read_text(encoding="utf-8") + "submit: false\n", encoding="utf-8")
    run_cli(ws, "apply", "--auto-approve")
    backup = ws.parent / "state-backup.db"
    run_cli(ws, "state", "backup", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600
    before = json.loads(run_cli(ws, "state", "show", "--format", "json").stdout)
    history = json.loads(run_cli(ws, "history", "brightsmile-dental", "--format", "json").stdout)[
        "events"
    ]
    own = [e["action"] for e in history if e["name"] == "brightsmile-dental"]
    assert own == ["create", "evaluate", "submit"]  # beside its Messaging Services' creates

    # The state moves on (a profile is deleted from Trust Hub and the state), then is
    # restored: same lineage and resources, a higher serial, and the history kept whole.
    (ws / "profiles" / "thames-tea-partners.yaml").unlink()
    run_cli(ws, "apply", "--auto-approve")
    moved = json.loads(run_cli(ws, "state", "show", "--format", "json").stdout)
    assert moved["resources"]["total"] == before["resources"]["total"] - 1

    run_cli(ws, "state", "restore", str(backup))
    after = json.loads(run_cli(ws, "state", "show", "--format", "json").stdout)
    assert after["lineage"] == before["lineage"]
    assert after["resources"] == before["resources"]
    assert after["serial"] > moved["serial"]
    # The audit log is never cut short: what happened after the backup (a refresh, the
    # deletion) is still there.
    kept_history = json.loads(
        run_cli(ws, "history", "brightsmile-dental", "--format", "json").stdout
    )["events"]
    assert kept_history[: len(history)] == history
    assert [e["action"] for e in kept_history[len(history) :]] == ["refresh"]
    thames = json.loads(run_cli(ws, "history", "thames-tea-partners", "--format", "json").stdout)[
        "events"
    ]
    assert [e["action"] for e in thames][-1] == "delete"
    # The state replaced by the restore is kept, private.
    kept = list((ws / ".trusthub" / "backups").iterdir())
    assert len(kept) == 1
    assert kept[0].stat().st_mode & 0o777 == 0o600
