"""Losing the state never duplicates what is on Trust Hub (issue 17): a state deleted, its
WAL scrambled, or an older backup restored, and the next applies adopt trusthub's objects
(by SID when the state still has it, then by the friendly names trusthub gives them)
instead of making second copies.

`check_world` then holds the sandbox to exactly one of everything, each recorded.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from tests.reliability.checks import check_world, read_sandbox
from tests.reliability.conftest import (
    FULL_ENV,
    MakeWorkspace,
    full_reliability,
    run_cli,
    settings_of,
)
from tests.reliability.processes import Process

STATE_FILES = ("state.db", "state.db-wal", "state.db-shm")


def _state_dir(ws: Path) -> Path:
    return ws / ".trusthub"


def _delete_state(ws: Path) -> None:
    for name in STATE_FILES:
        (_state_dir(ws) / name).unlink(missing_ok=True)


def _scramble_wal(ws: Path, rng: random.Random) -> None:
    wal = _state_dir(ws) / "state.db-wal"
    if wal.exists() and wal.stat().st_size:
        wal.write_bytes(rng.randbytes(wal.stat().st_size))


def _converge(ws: Path, *, runs: int = 8) -> None:
    for _ in range(runs):
        done = run_cli(ws, "apply", "--auto-approve")
        if "Nothing to apply." in done.stdout:
            break
    else:
        pytest.fail("apply did not converge")
    check_world(settings_of(ws), audit_submits=False)


def _counts(ws: Path) -> dict[str, int]:
    sandbox = read_sandbox(settings_of(ws).sandbox.database)
    return {kind: len(rows) for kind, rows in sandbox.rows.items()}


def test_a_deleted_state_is_detected_and_apply_adopts_instead_of_duplicating(
    make_workspace: MakeWorkspace,
) -> None:
    ws = make_workspace("lost", review_delay=0)
    _converge(ws)
    before = _counts(ws)
    _delete_state(ws)

    plan = run_cli(ws, "plan", "--no-refresh")
    assert "has applied before" in plan.stderr, plan.stderr
    assert "adopt" in plan.stderr
    done = run_cli(ws, "apply", "--auto-approve")
    assert "adopted" in done.stdout
    _converge(ws)
    assert _counts(ws) == before


def test_an_older_backup_restored_warns_and_the_next_apply_adopts(
    make_workspace: MakeWorkspace,
) -> None:
    """Issue 11's case: backup, add a profile, apply, restore the older backup, apply: one
    customer profile for the new file, not two."""
    ws = make_workspace("older", review_delay=86400)
    profiles = sorted((ws / "profiles").glob("*.yaml"))
    extra = profiles[-1]
    held = extra.read_text(encoding="utf-8")
    extra.unlink()
    run_cli(ws, "apply", "--auto-approve")
    backup = ws.parent / "older.db"
    run_cli(ws, "state", "backup", str(backup))
    extra.write_text(held, encoding="utf-8")
    run_cli(ws, "apply", "--auto-approve")
    before = _counts(ws)

    restored = run_cli(ws, "state", "restore", str(backup))
    assert "older than the state it replaced" in restored.stderr, restored.stderr
    done = run_cli(ws, "apply", "--auto-approve")
    assert "adopted" in done.stdout
    assert _counts(ws) == before
    check_world(settings_of(ws), audit_submits=False, audit_chain=False)


# -- kill and tamper -------------------------------------------------------------------------


def _tamper(ws: Path, rng: random.Random) -> str:
    """Delete the state files or scramble the WAL: what a careless `rm` or a torn disk does."""
    how = rng.choice(("delete", "delete", "scramble-wal"))
    if how == "delete":
        _delete_state(ws)
    else:
        _scramble_wal(ws, rng)
    return how


def run_kill_and_tamper(
    make_workspace: MakeWorkspace, *, rounds: int, seed: int, budget: float
) -> dict[str, int]:
    rng = random.Random(seed)
    started = time.monotonic()
    seen: dict[str, int] = {}
    for n in range(rounds):
        ws = make_workspace(f"tamper{n}", review_delay=0)
        log = ws.parent / f"tamper{n}.err"
        for _ in range(rng.randint(1, 3)):
            with Process(ws, "apply", "--auto-approve", log=log) as run:
                if run.wait_for("Plan:") is not None:
                    for _ in range(rng.randint(0, 40)):
                        if run.next_line() is None:
                            break
                # Tamper while the apply runs (a delete under a live process), then kill.
                how = _tamper(ws, rng)
                seen[how] = seen.get(how, 0) + 1
                time.sleep(rng.uniform(0.0, 0.02))
                run.kill()
                run.finish()
            if rng.random() < 0.5:  # and sometimes again once it is dead
                how = _tamper(ws, rng)
                seen[how] = seen.get(how, 0) + 1
        _corrupt_leftovers(ws)
        _converge(ws)
        assert time.monotonic() - started < budget, f"over {budget} s after {n + 1} rounds"
    return seen


def _corrupt_leftovers(ws: Path) -> None:
    """A scrambled WAL may leave a main file SQLite reports as corrupt: the user's way out
    is to set it aside (keep it) and let trusthub start a state that reconciles."""
    done = run_cli(ws, "state", "show", "--format", "json", code=None)
    if done.returncode != 0:
        assert "Traceback" not in done.stderr, done.stderr
        assert "corrupted" in done.stderr, done.stderr
        for name in STATE_FILES:
            part = _state_dir(ws) / name
            if part.exists():
                part.rename(part.with_name(part.name + ".damaged"))
    else:
        json.loads(done.stdout)


def test_state_files_deleted_or_scrambled_during_applies_never_duplicate(
    make_workspace: MakeWorkspace, request: pytest.FixtureRequest
) -> None:
    full = full_reliability(request.config)
    seen = run_kill_and_tamper(
        make_workspace, rounds=8 if full else 3, seed=17, budget=600.0 if full else 240.0
    )
    print(f"tampered ({FULL_ENV}={int(full)}): {seen}")
    assert seen.get("delete", 0) >= 1


# -- gone from Trust Hub ------------------------------------------------------------------


def test_after_a_sandbox_reset_the_plan_says_what_is_gone_and_apply_recreates_it(
    make_workspace: MakeWorkspace,
) -> None:
    """Issue 11: after `sandbox reset` every apply failed with 20001 on the dead SIDs."""
    ws = make_workspace("reset", review_delay=86400)
    run_cli(ws, "apply", "--auto-approve")
    run_cli(ws, "sandbox", "reset", "--yes")
    plan = run_cli(ws, "plan", code=None)
    assert "warning: acme-isv: its bundle BU" in plan.stderr, plan.stderr
    assert "is gone from Trust Hub (deleted in the Console, or a sandbox reset)" in plan.stderr
    # A primary is the Console's: it is adopted again once made there, never created.
    assert "⇐ adopt     acme-isv" in plan.stdout, plan.stdout
    assert "+ create    acme-isv " not in plan.stdout
    assert "+ create    thames-tea-partners" in plan.stdout, plan.stdout
    history = run_cli(ws, "history", "acme-isv", "--format", "json")
    assert json.loads(history.stdout)["events"][-1]["action"] == "gone"
    run_cli(ws, "sandbox", "console", "create-primary", "profiles/acme-isv.yaml")
    run_cli(ws, "sandbox", "console", "create-primary", "profiles/jordan-rivera.yaml")
    run_cli(ws, "apply", "--auto-approve")
    # The subaccount went with the reset: this apply made it again, but what lives in it
    # (northwind-outfitters) stayed recorded, unread, while the refresh before it still
    # held the old subaccount's SID; this refresh reads the new subaccount and finds it
    # gone, and the next apply recreates it. (One apply later than the parent's.)
    refreshed = run_cli(ws, "refresh")
    assert "warning: northwind-outfitters: its bundle BU" in refreshed.stderr, refreshed.stderr
    run_cli(ws, "apply", "--auto-approve")
    run_cli(ws, "refresh")
    check_world(settings_of(ws))


def test_a_bundle_deleted_in_the_console_is_recreated_and_its_end_users_adopted(
    make_workspace: MakeWorkspace,
) -> None:
    from trusthub.sandbox.store import Store
    from trusthub.state import open_store

    ws = make_workspace("console", review_delay=86400)
    run_cli(ws, "apply", "--auto-approve")
    settings = settings_of(ws)
    with open_store(settings.state, settings.name) as state:
        bundle = state.sids("profile", "thames-tea-partners")["bundle"]
    sandbox = Store(settings.sandbox.database)
    try:
        with sandbox.write() as tx:  # the Console deletes the bundle, not its end users
            for row in tx.find("entity_assignment"):
                if row.parent == bundle:
                    tx.delete(row.sid)
            tx.delete(bundle)
    finally:
        sandbox.close()
    before = _counts(ws)
    done = run_cli(ws, "apply", "--auto-approve")
    assert "thames-tea-partners: its bundle" in done.stderr, done.stderr
    assert "adopted end_user:customer_profile_business_information" in done.stdout, done.stdout
    after = _counts(ws)
    assert after["customer_profile"] == before["customer_profile"] + 1
    assert after["end_user"] == before["end_user"]  # adopted, not made again
    check_world(settings_of(ws), audit_submits=False)


def test_a_trusthub_dir_deleted_whole_is_reconciled_when_asked(
    make_workspace: MakeWorkspace,
) -> None:
    """`rm -rf .trusthub` takes the marker with the state: nothing tells apply the workspace
    applied before, so `apply --reconcile` asks for the lookups."""
    import shutil

    ws = make_workspace("whole", review_delay=0, database="../whole-sandbox.db")
    _converge(ws)
    before = _counts(ws)
    shutil.rmtree(ws / ".trusthub")
    plan = run_cli(ws, "plan", "--no-refresh")
    assert "has applied before" not in plan.stderr  # it cannot know
    done = run_cli(ws, "apply", "--auto-approve", "--reconcile")
    assert "adopted" in done.stdout
    _converge(ws)
    assert _counts(ws) == before
