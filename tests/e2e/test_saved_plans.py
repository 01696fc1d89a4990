"""A saved plan is applied exactly, or refused when the state or the workspace moved."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import Run


def test_saved_plan_applies_then_is_stale(run: Run, workspace: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    run("plan", "--no-refresh", "--out", str(plan_file))
    saved = json.loads(plan_file.read_text(encoding="utf-8"))
    assert saved["kind"] == "trusthub-plan"
    text = plan_file.read_text(encoding="utf-8")
    for secret in ("dana.whitfield@", "+14155550123", "47-1234567", "500 Howard Street"):
        assert secret not in text  # saved plans hold no personal data

    result = run("apply", str(plan_file), "--auto-approve")
    assert "Apply complete" in result.stdout
    # The state moved (serial went up): the same file is now stale.
    result = run("apply", str(plan_file), "--auto-approve", code=1)
    assert "is stale: the state moved from serial" in result.stderr


def test_saved_plan_refused_when_the_workspace_changed(
    run: Run, workspace: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    run("plan", "--no-refresh", "--out", str(plan_file))
    path = workspace / "profiles" / "thames-tea-partners.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Managing Partner", "Senior Partner"),
        encoding="utf-8",
    )
    result = run("apply", str(plan_file), "--auto-approve", code=1)
    assert "no longer matches the workspace" in result.stderr
    result = run("status", "--format", "json")
    assert all(p["status"] is None for p in json.loads(result.stdout)["profiles"])


def test_apply_without_a_terminal_needs_auto_approve(run: Run) -> None:
    result = run("apply", "--no-refresh", code=1)
    assert "no terminal to ask on" in result.stderr
