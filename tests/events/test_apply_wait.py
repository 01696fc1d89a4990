"""`trusthub apply --wait`: with the sandbox's reviews taking their time, one command takes
the example workspace from empty to every profile, trust product, brand and toll-free
verification decided, applying what each decision unlocks; Ctrl-C stops the waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.events.conftest import World
from tests.support.cli import COMMAND, run_cli
from tests.support.console import console_primaries
from tests.support.example import copy_example, write_settings
from trusthub.config.settings_file import load_settings
from trusthub.model.kinds import KINDS
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]


def _workspace(root: Path, delay: float) -> Path:
    copy_example(root)
    write_settings(
        root,
        "apiVersion: trusthub/v1\nkind: Workspace\nname: wait\n"
        f"sandbox:\n  review_delay: {delay}\n",
    )
    console_primaries(root)  # made in the Twilio Console, approved
    return root


def test_apply_wait_takes_the_example_from_empty_to_every_decision(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", 0.4)
    # Without the sole proprietor: its starter profile stays in-review until the owner
    # confirms the OTP (`sandbox otp confirm`), which no review brings, and `--wait` would
    # wait for it until --wait-timeout. (northwind-outfitters' Authentication+ holds only
    # its campaign, which the plan shows as waiting: no review to wait for.)
    (root / "profiles" / "brightframe-photo.yaml").unlink()
    result = run_cli(
        "apply", "--auto-approve", "--wait", "--poll-interval", "0.2", "--poll-max", "1",
        "--wait-timeout", "120", workspace=root, code=0,
    )  # fmt: skip
    out = result.stdout
    assert "Waiting" in out
    assert "Decisions came in; applying what they unlock:" in out
    assert "Nothing more can move without you." in out
    settings = load_settings(root)
    with open_store(settings.state, settings.name) as store:
        resources = list(store.snapshot())
    kinds = {r.kind for r in resources}
    assert {"profile", "trust_product", "a2p_brand", "tollfree_verification"} <= kinds
    for r in resources:
        lifecycle = KINDS[r.kind].lifecycle
        assert r.status not in lifecycle.under_review, (r.name, r.status)
        assert r.status in (lifecycle.approved, lifecycle.rejected), (r.name, r.status)
    # A second apply finds nothing the decisions left to do.
    again = run_cli("apply", "--auto-approve", workspace=root, code=0).stdout
    assert "Nothing to apply." in again


def test_apply_wait_needs_auto_approve(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", 0.4)
    result = run_cli("apply", "--wait", workspace=root, code=1)
    assert "--auto-approve --wait" in result.stderr


def test_ctrl_c_stops_the_waiting_cleanly(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws", 3600)
    env = {k: v for k, v in os.environ.items() if k != "TRUSTHUB_STATE"}
    proc = subprocess.Popen(
        [*COMMAND, "-C", str(root), "apply", "--auto-approve", "--wait", "--poll-interval", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        seen = ""
        while not (line := proc.stdout.readline()).startswith("Waiting"):
            assert line, "apply ended before it waited"
            seen += line
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=20)
        stopped_in = time.monotonic() - started
        out = seen + line + rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert stopped_in < 5
    assert "Stopped waiting." in out
    # The primary came approved from the Console: its secondaries were submitted at once.
    assert "waits on Trust Hub: brightsmile-dental is pending-review" in out, out
    assert "interrupted while waiting" in err
    # The state is whole: the next apply carries on from it.
    assert run_cli("apply", "--auto-approve", workspace=root, code=0).exit_code == 0


def test_apply_wait_moves_on_as_soon_as_the_receiver_records_a_decision(world: World) -> None:
    """With a poll every minute, a decision the receiver records is acted on in seconds."""
    world.start()
    env = {k: v for k, v in os.environ.items() if k != "TRUSTHUB_STATE"}
    proc = subprocess.Popen(
        [*COMMAND, "-C", str(world.root), "apply", "--auto-approve", "--wait",
         "--poll-interval", "60", "--wait-timeout", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        while not (line := proc.stdout.readline()).startswith("Waiting"):
            assert line, "apply ended before it waited"
        approved = time.monotonic()
        world.sandbox.approve(world.sid("profile", "brightsmile-dental", "bundle"))
        lines = []
        while not (line := proc.stdout.readline()).startswith("Waiting"):
            assert line, "apply ended"
            lines.append(line)
        reacted = time.monotonic() - approved
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(lines)
    assert "The state moved (an event came in); planning again." in text
    assert "Decisions came in; applying what they unlock:" in text
    assert "create brightsmile-dental/a2p_messaging" in text, text
    assert reacted < 15
    assert proc.returncode == 130
