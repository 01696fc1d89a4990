"""The whole loop on the example workspace, through the CLI, against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import Run


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _status(run: Run) -> dict[str, str | None]:
    data = json.loads(run("status", "--format", "json").stdout)
    return {p["profile"]: p["status"] for p in data["profiles"]}


def test_review_lifecycle_end_to_end(run: Run, workspace: Path) -> None:
    # 1. apply creates everything it can; primaries are submitted, secondaries wait.
    result = run("apply", "--auto-approve")
    assert "Apply complete" in result.stdout
    statuses = _status(run)
    assert statuses["acme-isv"] == "in-review" or statuses["acme-isv"] == "pending-review"
    assert statuses["brightsmile-dental"] == "draft"

    # 2. a second plan has nothing to change.
    result = run("plan", "--detailed-exitcode")
    assert "No changes" in result.stdout or "0 to create, 0 to update" in result.stdout

    # 3. the sandbox approves the primary; refresh records it.
    run("sandbox", "approve", "acme-isv")
    result = run("refresh")
    assert "acme-isv" in result.stdout
    assert _status(run)["acme-isv"] == "twilio-approved"

    # 4. now the plan submits the secondaries and creates the primary's trust products.
    result = run("plan", "--detailed-exitcode", "--no-refresh", code=4)
    assert "submit    brightsmile-dental" in result.stdout
    assert "create    CNAM acme-isv/cnam" in result.stdout
    run("apply", "--auto-approve")

    # 5. one secondary is rejected; fixing its YAML makes the plan resubmit it.
    run("sandbox", "reject", "brightsmile-dental", "--reason", "[email] - Unknown email domain.")
    run("refresh")
    assert _status(run)["brightsmile-dental"] == "twilio-rejected"
    result = run("plan", "--no-refresh")
    assert "Unknown email domain" in result.stdout
    _edit(
        workspace / "profiles" / "brightsmile-dental.yaml",
        "email: trust+brightsmile-dental@acme-messaging.example.com",
        "email: compliance+brightsmile@acme-messaging.example.com",
    )
    result = run("plan", "--no-refresh", "--detailed-exitcode", code=4)
    assert "resubmit  brightsmile-dental" in result.stdout
    run("apply", "--auto-approve", "--no-refresh")
    assert _status(run)["brightsmile-dental"] in ("pending-review", "in-review")

    # 6. an edit to the approved primary is refused, and the command fails.
    _edit(
        workspace / "profiles" / "acme-isv.yaml",
        "website: https://acme-messaging.example.com",
        "website: https://acme.example.com",
    )
    result = run("plan", "--no-refresh", code=1)
    assert (
        "acme-isv is twilio-approved: Trust Hub does not allow edits (error 70002)" in result.stdout
    )
    result = run("apply", "--auto-approve", "--no-refresh", code=1)
    assert "nothing was applied" in result.stderr
