"""A rejection's Twilio code reaches the user with its meaning and its fix: the sandbox's
reviewer rejects a profile whose representative uses a disposable email (18604), and
`status` and `history` show it (golden files, times and actors normalised)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.console import console_primaries
from tests.support.example import copy_example, write_settings

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"


def _normalise(text: str) -> str:
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z", "<time>", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", text)
    text = re.sub(r"\b[0-9a-f]{12}\b", "<plan>", text)
    # Audit ids follow the order parallel actions finished in: not part of the output's shape.
    text = re.sub(r"(?m)^\d+ +(?=<time>)", "<id>  ", text)
    return re.sub(r"\S+@\S+(?=\s)", "<actor>", text)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    ws = tmp_path / "ws"
    copy_example(ws)
    write_settings(
        ws, "apiVersion: trusthub/v1\nkind: Workspace\nname: codes\nsandbox:\n  review_delay: 0\n"
    )
    path = ws / "profiles" / "brightsmile-dental.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("priya.raman@brightsmile-dental.example.com", "priya@mailinator.com"),
        encoding="utf-8",
    )
    console_primaries(ws)
    return ws


def test_status_and_history_show_the_rejection_code_its_meaning_and_the_fix(
    workspace: Path, golden: Callable[[str, Path], None]
) -> None:
    def run(*args: str) -> str:
        return run_cli(*args, workspace=workspace, code=None, catch_exceptions=False).stdout

    for _ in range(2):  # the secondary is submitted (rejected), then nothing more to do
        run("apply", "--auto-approve", "--parallelism", "1")  # one order of events
        run("refresh")
    status = run("status")
    assert "error 18604, authorized representative 1 could not be verified" in status
    golden(_normalise(status), GOLDEN / "rejection-status.txt")
    history = run("history", "brightsmile-dental")
    assert "rejected: error 18604" in history
    golden(_normalise(history), GOLDEN / "rejection-history.txt")


def test_a_toll_free_rejection_shows_its_code_meaning_and_fix_in_plan_status_and_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Callable[[str, Path], None]
) -> None:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    ws = tmp_path / "ws"
    copy_example(ws)
    write_settings(
        ws, "apiVersion: trusthub/v1\nkind: Workspace\nname: codes\nsandbox:\n  review_delay: 0\n"
    )
    console_primaries(ws)  # made in the Twilio Console, approved

    def run(*args: str, code: int | None = None) -> str:
        return run_cli(*args, workspace=ws, code=code, catch_exceptions=False).stdout

    for _ in range(2):  # the secondaries are approved, then the toll-free verification
        run("apply", "--auto-approve", "--parallelism", "1")  # one order of events
        run("refresh")
    name = "brightsmile-dental/tollfree-0142"
    run("sandbox", "reject", name, "--reason", "30509: The opt-in URL answered 503.", code=0)
    run("refresh", code=0)
    explained = (
        "error 30509, the opt-in URL of the toll-free verification is not accessible (The "
        "opt-in URL answered 503.); fix: give opt_in_image_urls that are public https URLs "
        "reachable without a login; if they were only down, resubmit it unchanged (trusthub "
        "apply --resubmit NAME)"
    )
    plan = run("plan", "--no-refresh", code=0)
    assert f"{name} is TWILIO_REJECTED ({explained}): fix what the review found" in plan
    status = run("status")
    assert explained in status
    golden(_normalise(status), GOLDEN / "tollfree-rejection-status.txt")
    history = run("history", name)
    assert "rejected: error 30509, the opt-in URL" in history
    golden(_normalise(history), GOLDEN / "tollfree-rejection-history.txt")
