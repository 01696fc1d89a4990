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
    # 1. apply adopts the primaries made in the Console (approved), creates and submits the
    #    secondaries, and creates the primary's trust products.
    result = run("apply", "--auto-approve")
    assert "Apply complete" in result.stdout
    statuses = _status(run)
    assert statuses["acme-isv"] == "twilio-approved"
    assert statuses["brightsmile-dental"] in ("pending-review", "in-review")

    # 2. a second plan has nothing to change.
    result = run("plan", "--detailed-exitcode")
    assert "No changes" in result.stdout or "0 to create, 0 to update" in result.stdout

    # 3. the sandbox approves a secondary; refresh records it; the plan goes on from there.
    run("sandbox", "approve", "brightsmile-dental")
    result = run("refresh")
    assert "brightsmile-dental" in result.stdout
    assert _status(run)["brightsmile-dental"] == "twilio-approved"
    result = run("plan", "--detailed-exitcode", "--no-refresh", code=4)
    assert "create    A2P 10DLC messaging brightsmile-dental/a2p_messaging" in result.stdout

    # 4. another secondary is rejected; fixing its YAML makes the plan resubmit it.
    run("sandbox", "reject", "maple-leaf-freight", "--reason", "[email] - Unknown email domain.")
    run("refresh")
    assert _status(run)["maple-leaf-freight"] == "twilio-rejected"
    result = run("plan", "--no-refresh")
    assert "Unknown email domain" in result.stdout
    _edit(
        workspace / "profiles" / "maple-leaf-freight.yaml",
        "email: trust+maple-leaf-freight@acme-messaging.example.com",
        "email: compliance+maple@acme-messaging.example.com",
    )
    result = run("plan", "--no-refresh", "--detailed-exitcode", code=4)
    assert "resubmit  maple-leaf-freight" in result.stdout
    run("apply", "--auto-approve", "--no-refresh")
    assert _status(run)["maple-leaf-freight"] in ("pending-review", "in-review")

    # 5. an edit to an approved secondary is refused, and the command fails.
    _edit(
        workspace / "profiles" / "brightsmile-dental.yaml",
        "website: https://brightsmile-dental.example.com",
        "website: https://brightsmile.example.com",
    )
    result = run("plan", "--no-refresh", code=1)
    assert (
        "brightsmile-dental is twilio-approved: Trust Hub does not allow edits (error 70002)"
        in result.stdout
    )
    result = run("apply", "--auto-approve", "--no-refresh", code=1)
    assert "nothing was applied" in result.stderr
    _edit(
        workspace / "profiles" / "brightsmile-dental.yaml",
        "website: https://brightsmile.example.com",
        "website: https://brightsmile-dental.example.com",
    )

    # 6. an edit to the primary is drift to make in the Console: shown, not refused, and
    #    apply sends nothing for it.
    _edit(
        workspace / "profiles" / "acme-isv.yaml",
        "website: https://acme-messaging.example.com",
        "website: https://acme.example.com",
    )
    result = run("plan", "--no-refresh", "--detailed-exitcode", code=4)
    assert "≠ drift     acme-isv" in result.stdout
    assert "managed in the Twilio Console: change this there" in result.stdout
    result = run("apply", "--auto-approve", "--no-refresh")
    assert "drift" not in result.stderr
