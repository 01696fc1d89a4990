"""Partial work (issue 16): `plan|apply --target NAME` and `apply --skip-refused`, through
the CLI against the sandbox. A refused action is never sent: the tests read the sandbox's
own database, not trusthub's state."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.conftest import Run


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _sandbox_text(workspace: Path) -> str:
    """Everything the sandbox holds, as one string."""
    db = sqlite3.connect(workspace / ".trusthub" / "sandbox.db")
    try:
        return "\n".join(row[0] for row in db.execute("SELECT data FROM resources"))
    finally:
        db.close()


def _trust_products(workspace: Path) -> int:
    db = sqlite3.connect(workspace / ".trusthub" / "sandbox.db")
    try:
        (count,) = db.execute(
            "SELECT count(*) FROM resources WHERE kind = 'trust_product'"
        ).fetchone()
        return int(count)
    finally:
        db.close()


def _keep_a_draft(workspace: Path) -> None:
    """Before the first apply: thames-tea-partners stays a draft (editable)."""
    path = workspace / "profiles" / "thames-tea-partners.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "submit: false\n", encoding="utf-8")


def _refuse_one_and_edit_another(workspace: Path) -> None:
    """maple-leaf-freight is pending-review (an edit is refused); thames-tea-partners is a
    draft (see `_keep_a_draft`)."""
    _edit(
        workspace / "profiles" / "maple-leaf-freight.yaml",
        "website: https://mapleleaf-freight.example.ca",
        "website: https://mapleleaf-refused.example.ca",
    )
    _edit(
        workspace / "profiles" / "thames-tea-partners.yaml",
        "business_title: Managing Partner",
        "business_title: Senior Partner",
    )


def test_skip_refused_applies_the_rest_and_never_sends_the_refused_change(
    run: Run, workspace: Path
) -> None:
    _keep_a_draft(workspace)
    run("apply", "--auto-approve", "--no-refresh")
    _refuse_one_and_edit_another(workspace)

    plain = run("apply", "--auto-approve", "--no-refresh", code=1)
    assert "nothing was applied" in plain.stderr
    assert "Senior Partner" not in _sandbox_text(workspace)

    result = run("apply", "--auto-approve", "--no-refresh", "--skip-refused", code=1)
    assert "- not applied maple-leaf-freight:refused: refused" in result.stderr
    assert "1 refused change(s) and 0 action(s) that depend on them were held back" in (
        result.stderr
    )
    assert "✓" in result.stdout
    assert "update thames-tea-partners" in result.stdout
    held = _sandbox_text(workspace)
    assert "Senior Partner" in held  # the unrelated edit went through
    assert "mapleleaf-refused.example.ca" not in held  # the refused one was never sent
    assert "https://mapleleaf-freight.example.ca" in held

    again = run("plan", "--no-refresh", code=1)
    assert "✗ refused   maple-leaf-freight" in again.stdout
    assert "update    thames-tea-partners" not in again.stdout  # applied: nothing left


def test_skip_refused_holds_back_the_refused_profile_and_its_dependents(
    run: Run, workspace: Path
) -> None:
    run("apply", "--auto-approve", "--no-refresh")
    # A refused edit of maple-leaf-freight (approved) and a new trust product of the same
    # profile: the product is held back with the refusal (a profile is judged as one).
    path = workspace / "profiles" / "maple-leaf-freight.yaml"
    _edit(path, "website: https://mapleleaf-freight.example.ca",
          "website: https://mapleleaf-refused.example.ca")  # fmt: skip
    run("sandbox", "approve", "maple-leaf-freight")
    run("refresh")
    before = _trust_products(workspace)  # acme-isv's, made in the first apply
    result = run("apply", "--auto-approve", "--no-refresh", "--skip-refused", code=1)
    assert "- not applied maple-leaf-freight:refused: refused" in result.stderr
    assert (
        "- not applied maple-leaf-freight/a2p_messaging:create: held back with "
        "maple-leaf-freight:refused" in result.stderr
    )
    assert "mapleleaf-refused.example.ca" not in _sandbox_text(workspace)
    assert _trust_products(workspace) == before  # the held-back create was never sent
    _edit(path, "website: https://mapleleaf-refused.example.ca",
          "website: https://mapleleaf-freight.example.ca")  # fmt: skip
    run("apply", "--auto-approve", "--no-refresh", "--skip-refused")  # nothing refused: 0
    assert _trust_products(workspace) == before + 1  # its A2P messaging product


def test_target_plans_and_applies_one_profile_with_what_it_needs(run: Run, workspace: Path) -> None:
    planned = run("plan", "--no-refresh", "--target", "brightsmile-dental")
    text = planned.stdout
    assert text.startswith(
        "Partial plan: only --target brightsmile-dental and what they depend on; "
        "8 other profiles not planned."  # 7 of the example's 9, and the subaccount northwind
    )
    # Its primary must be adopted first (it is made in the Console): the adopt comes with it.
    assert "⇐ adopt     acme-isv" in text
    assert "create    acme-isv" not in text
    assert "jordan-rivera" not in text
    # Not planned (the adopt's note names it only as one of acme-isv's secondaries).
    assert "\nthames-tea-partners: " not in text
    assert "thames-tea-partners  [" not in text

    data = json.loads(run("plan", "--no-refresh", "--target", "brightsmile-dental",
                          "--format", "json").stdout)  # fmt: skip
    assert data["format_version"] == 2
    assert data["targets"] == ["brightsmile-dental"]
    assert {a["profile"] for a in data["actions"]} == {"acme-isv", "brightsmile-dental"}

    run("apply", "--auto-approve", "--no-refresh", "--target", "brightsmile-dental")
    statuses = {
        p["profile"]: p["status"]
        for p in json.loads(run("status", "--format", "json").stdout)["profiles"]
    }
    assert statuses["brightsmile-dental"] is not None
    assert statuses["acme-isv"] is not None
    assert statuses["jordan-rivera"] is None
    assert statuses["thames-tea-partners"] is None


def test_target_unknown_name_is_a_usage_error(run: Run) -> None:
    result = run("plan", "--no-refresh", "--target", "no-such-profile", code=2)
    assert "--target no-such-profile: no profile of the workspace" in result.stderr


def test_saved_partial_plan_applies_with_its_targets(run: Run, workspace: Path) -> None:
    out = workspace / "partial.json"
    run("plan", "--no-refresh", "--target", "jordan-rivera", "--out", str(out))
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["plan"]["targets"] == ["jordan-rivera"]
    wrong = run("apply", str(out), "--auto-approve", "--target", "acme-isv", code=1)
    assert "was made with jordan-rivera; apply cannot change its targets" in wrong.stderr
    applied = run("apply", str(out), "--auto-approve")
    assert "Partial plan: only --target jordan-rivera." in applied.stdout
    statuses = {
        p["profile"]: p["status"]
        for p in json.loads(run("status", "--format", "json").stdout)["profiles"]
    }
    assert statuses["jordan-rivera"] is not None
    assert statuses["acme-isv"] is None


def test_saved_plan_with_a_refusal_applies_the_rest_with_skip_refused(
    run: Run, workspace: Path
) -> None:
    _keep_a_draft(workspace)
    run("apply", "--auto-approve", "--no-refresh")
    _refuse_one_and_edit_another(workspace)
    out = workspace / "plan.json"
    run("plan", "--no-refresh", "--out", str(out), code=1)
    run("apply", str(out), "--auto-approve", "--skip-refused", code=1)
    held = _sandbox_text(workspace)
    assert "Senior Partner" in held
    assert "mapleleaf-refused.example.ca" not in held


def test_plan_without_credentials_says_it_has_not_read_trust_hub(run: Run, workspace: Path) -> None:
    """Issue 16 item 7: against `target: twilio` with no credentials, plan compares with
    the recorded state only, and must not claim that Trust Hub matches the workspace."""
    run("apply", "--auto-approve", "--no-refresh")
    settings = workspace / "trusthub.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "target: twilio\n", "utf-8")
    result = run("plan")
    assert "Trust Hub matches" not in result.stdout
    assert "note: planning from the recorded state" in result.stderr
    assert result.stdout.rstrip().endswith(
        "No changes against the recorded state. Trust Hub was not read (target is twilio "
        "but no credentials are set; the state never read it), so it may differ from the "
        "workspace."
    )
