"""The plan policy through the CLI (`trusthub.app.policy`): plans are made with the options
of the workspace's target, and `plan` and `apply` share one refusal policy: they refuse the
same plans, for the same reason, and `--force` lets both through the safety valve only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Run
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.policy import refusal
from trusthub.config.settings_file import load_settings
from trusthub.state import open_store


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _policy_says(workspace: Path, *, force: bool) -> str | None:
    """What the refusal policy says about the plan of `workspace` now."""
    settings = load_settings(workspace)
    loaded = load_valid(settings)
    with open_store(settings.state, settings.name) as store:
        error = refusal(make_plan(settings, store, loaded).plan, force=force)
    return None if error is None else str(error)


def _statuses(run: Run) -> dict[str, str | None]:
    data = json.loads(run("status", "--format", "json").stdout)
    return {p["profile"]: p["status"] for p in data["profiles"]}


def test_plan_and_apply_refuse_a_plan_that_refuses_a_change(run: Run, workspace: Path) -> None:
    run("apply", "--auto-approve", "--no-refresh")
    assert _statuses(run)["brightsmile-dental"] == "pending-review"
    _edit(
        workspace / "profiles" / "brightsmile-dental.yaml",
        "website: https://brightsmile-dental.example.com",
        "website: https://brightsmile.example.com",
    )
    expected = _policy_says(workspace, force=False)
    assert expected is not None
    assert expected.startswith("the plan refuses 1 change(s); nothing was applied")
    assert _policy_says(workspace, force=True) == expected  # --force does not lift it

    for force in ([], ["--force"]):
        planned = run("plan", "--no-refresh", *force, code=1)
        assert "✗ refused   brightsmile-dental" in planned.stdout
        assert "1 refused" in planned.stdout
        applied = run("apply", "--auto-approve", "--no-refresh", *force, code=1)
        assert applied.stdout == planned.stdout  # apply shows the same plan first
        assert applied.stderr == f"error: {expected}\n"
    assert _statuses(run)["brightsmile-dental"] == "pending-review"


@pytest.fixture
def strict_safety(workspace: Path) -> None:
    """The safety valve from one recorded profile, at 10% of them."""
    settings = workspace / "trusthub.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text + "safety:\n  min_profiles: 1\n  max_update_percent: 10\n", encoding="utf-8"
    )


@pytest.mark.usefixtures("strict_safety")
def test_plan_and_apply_refuse_an_unsafe_plan_unless_forced(run: Run, workspace: Path) -> None:
    path = workspace / "profiles" / "thames-tea-partners.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "submit: false\n", encoding="utf-8")
    run("apply", "--auto-approve", "--no-refresh")
    assert _statuses(run)["thames-tea-partners"] == "draft"  # kept a draft
    _edit(workspace / "profiles" / "thames-tea-partners.yaml", "Managing Partner", "Partner")
    expected = _policy_says(workspace, force=False)
    assert expected is not None
    assert expected.startswith("the plan would update 1 of 9 recorded profiles (11%")
    assert _policy_says(workspace, force=True) is None

    planned = run("plan", "--no-refresh", code=1)
    assert f"✗ unsafe: {expected}" in planned.stdout
    applied = run("apply", "--auto-approve", "--no-refresh", code=1)
    assert applied.stdout == planned.stdout
    assert applied.stderr == f"error: {expected}\n"

    run("plan", "--no-refresh", "--force", "--detailed-exitcode", code=4)
    applied = run("apply", "--auto-approve", "--no-refresh", "--force")
    assert "Apply complete" in applied.stdout
    run("plan", "--no-refresh", "--detailed-exitcode")  # nothing left to do


def test_a_saved_plan_that_refuses_is_refused_by_apply(
    run: Run, workspace: Path, tmp_path: Path
) -> None:
    run("apply", "--auto-approve", "--no-refresh")
    (workspace / "profiles" / "maple-leaf-freight.yaml").unlink()  # pending-review: cannot delete
    plan_file = tmp_path / "plan.json"
    run("plan", "--no-refresh", "--out", str(plan_file), code=1)
    expected = _policy_says(workspace, force=False)
    assert expected is not None
    result = run("apply", str(plan_file), "--auto-approve", code=1)
    assert result.stderr == f"error: {expected}\n"


def test_on_twilio_a_primary_is_adopted_never_created_or_submitted(
    run: Run, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = workspace / "trusthub.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "target: twilio\n", "utf-8")
    result = run("plan", "--no-refresh", "--format", "json")
    data = json.loads(result.stdout)
    verbs = {(a["resource"], a["verb"]) for a in data["actions"]}
    for primary in ("acme-isv", "jordan-rivera"):
        assert (primary, "adopt") in verbs
        assert (primary, "create") not in verbs
        assert (primary, "submit") not in verbs


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_show_sensitive_with_a_shareable_format_is_a_usage_error(run: Run, fmt: str) -> None:
    """Not silently ignored: the user asked for something the format will not do."""
    refused = run("plan", "--show-sensitive", "--format", fmt, code=2)
    assert "--show-sensitive shows personal data in the text format only" in refused.stderr
    assert refused.stdout == ""
