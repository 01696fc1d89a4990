"""Ctrl-C and SIGTERM during a real `trusthub apply` (a child process over the sandbox):
the first signal lets the calls in flight finish and be recorded and starts nothing else;
the second aborts at once. Either way the next apply converges, with no duplicates."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest

from tests.reliability.checks import check_world
from tests.reliability.conftest import MakeWorkspace, full_reliability, run_cli, settings_of
from tests.reliability.processes import Process

PROFILES = 20
LATENCY = 0.02  # seconds per sandbox request: the apply lasts long enough to be interrupted


def _signal_mid_apply(
    ws: Path, log: Path, signals: list[signal.Signals], *, after: int = 3
) -> tuple[Process, int]:
    with Process(ws, "apply", "--auto-approve", "--parallelism", "4", log=log) as run:
        # `after` actions done (by default the primary and the first secondaries); others
        # are in flight (each secondary takes a dozen requests).
        for _ in range(after):
            assert run.wait_for("✓") is not None
        for i, sig in enumerate(signals):
            run.proc.send_signal(sig)
            if i + 1 < len(signals):
                # Python runs a handler once for signals that arrive before it gets to run
                # it (a busy machine): the next signal goes once this one was taken.
                _await_stderr(run, "stopping:")
        return run, run.finish()


def _await_stderr(run: Process, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in run.stderr:
        assert time.monotonic() < deadline, f"{text!r} never came: {run.stderr}"
        time.sleep(0.005)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_first_signal_stops_starting_actions_and_says_what_was_left(
    make_workspace: MakeWorkspace, tmp_path: Path, sig: signal.Signals
) -> None:
    ws = make_workspace("stop", profiles=PROFILES, latency=LATENCY, review_delay=86400)
    run, code = _signal_mid_apply(ws, tmp_path / "apply.err", [sig])
    assert code == 130, run.stderr
    assert "stopping: the calls in flight finish and are recorded" in run.stderr
    summary = [line for line in run.lines if line.startswith("Apply ")]
    assert len(summary) == 1, run.stdout
    assert summary[0].startswith("Apply interrupted:"), run.stdout
    assert " not started in " in summary[0]
    assert "- not started: " in run.stderr
    assert "error: interrupted: " in run.stderr
    assert "Traceback" not in run.stderr

    # Every call the interrupted run made is in the state (submissions included: the
    # audit names apply, not a later refresh), and the next apply finishes the rest.
    finished = run_cli(ws, "apply", "--auto-approve")
    assert "Apply complete" in finished.stdout, finished.stderr
    run_cli(ws, "refresh")  # statuses the sandbox moved on since (a review under way)
    check_world(settings_of(ws), audit_submits=True)


def test_a_second_signal_aborts_at_once_and_the_next_apply_converges(
    make_workspace: MakeWorkspace, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    ws = make_workspace("abort", profiles=PROFILES, latency=LATENCY, review_delay=86400)
    started = time.monotonic()
    run, code = _signal_mid_apply(ws, tmp_path / "apply.err", [signal.SIGINT, signal.SIGINT])
    assert code == 130, run.stderr
    assert "aborted; `trusthub apply` carries on" in run.stderr
    assert not any(line.startswith("Apply ") for line in run.lines)  # no summary: at once
    assert time.monotonic() - started < (60 if full_reliability(request.config) else 30)

    again = run_cli(ws, "apply", "--auto-approve")
    assert "Apply complete" in again.stdout, again.stderr
    # An abort may cut a submission between Trust Hub's answer and the state's record;
    # the next run's refresh records it (as after a kill).
    run_cli(ws, "refresh")
    check_world(settings_of(ws), audit_submits=False)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigint_at_a_random_moment_of_a_200_profile_apply(
    make_workspace: MakeWorkspace, tmp_path: Path, seed: int
) -> None:
    """The issue's size: SIGINT after a seeded random number of finished actions of a
    200-profile apply. Nothing starts after it, the exit is 130, and every call made is in
    the state: the next apply finishes the rest without duplicates."""
    ws = make_workspace("stop200", profiles=200, latency=LATENCY, review_delay=86400)
    after = random.Random(seed).randint(3, 150)
    run, code = _signal_mid_apply(ws, tmp_path / "apply.err", [signal.SIGINT], after=after)
    assert code == 130, run.stderr
    output = run.stdout + run.stderr
    assert "stopping: the calls in flight finish and are recorded" in run.stderr
    # No action starts after the signal: at most the ones in flight then (--parallelism
    # 4) end after it; the rest are listed as not started.
    ended = [line for line in run.lines if line.startswith(("✓ [", "✗ ["))]
    assert after <= len(ended) <= after + 4, (after, len(ended))
    assert "- not started: " in output
    assert "Traceback" not in run.stderr
    finished = run_cli(ws, "apply", "--auto-approve")
    assert "Apply complete" in finished.stdout, finished.stderr
    run_cli(ws, "refresh")
    check_world(settings_of(ws), audit_submits=True)
