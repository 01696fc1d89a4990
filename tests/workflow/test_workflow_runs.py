"""The generated workflow's jobs, run as far as they can be without GitHub: their shell steps
(bash, trusthub, `gh` stubbed) against the embedded sandbox and a shared PostgreSQL state
on the throwaway cluster, with the secrets each job gets.

- The scheduled (or manual) apply moves onboarding on after an approval, with no commit,
  and writes the status page.
- A pull request that fixes a rejected profile: with read-only credentials it is planned
  from a fresh view as a resubmission, the rejection reason in the comment; without, it is
  planned from the recorded state, whose age the comment gives (a warning when too old).
  The shared state is never changed by a pull request's job."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.pg_cluster import pg_database, pg_server  # noqa: F401  (fixtures)
from tests.support.console import console_primaries
from tests.workflow.helpers import load_yaml, run
from tests.workflow.test_github_workflow import WORKFLOW, Runner, plan_step, steps
from tests.workflow.test_readonly_state import admin, as_role
from trusthub.app.scaffold import EXAMPLE_PROFILE, PLAN_MARKER

pytestmark = pytest.mark.postgres

EXAMPLE = f"profiles/{EXAMPLE_PROFILE}.yaml"
SECONDARY = "profiles/brand-a.yaml"
REASON = "[email] - Unknown email domain."


class Shared:
    """A workspace whose state is a PostgreSQL database, with a read-only role for pull
    requests (`state grant-readonly`)."""

    def __init__(self, root: Path, url: str, role: str) -> None:
        self.root = root
        self.url = url
        self.role = role
        self.readonly = as_role(url, role)

    def cli(self, *args: str, code: int = 0) -> str:
        result = run(self.root, *args, env={"TRUSTHUB_STATE": self.url})
        assert result.exit_code == code, result.output
        return result.stdout

    def status(self, name: str) -> str | None:
        with psycopg.connect(self.url) as conn:
            row = conn.execute(
                "SELECT status FROM trusthub.resources WHERE name = %s", (name,)
            ).fetchone()
        return None if row is None else str(row[0])

    def edit(self, path: str, old: str, new: str) -> None:
        file = self.root / path
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def shared(tmp_path: Path, pg_database: str) -> Iterator[Shared]:  # noqa: F811
    root = tmp_path / "repo"
    assert run(root, "init").exit_code == 0
    role = f"trusthub_pr_{uuid.uuid4().hex[:8]}"
    admin(pg_database, sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    ws = Shared(root, pg_database, role)
    # Reviews take a day: nothing is decided unless the test says so.
    ws.edit("trusthub.yaml", "review_delay: 0.0", "review_delay: 86400")
    ws.edit(EXAMPLE, "\nsubmit: false\n", "\n")
    # The primary of a workspace with secondaries is an ISV's.
    ws.edit(EXAMPLE, "identity: Direct Customer", "identity: ISV Reseller or Partner")
    console_primaries(root)  # made in the Twilio Console, approved
    yield ws
    admin(pg_database, sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    admin(pg_database, sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def add_secondary(ws: Shared) -> None:
    text = (ws.root / EXAMPLE).read_text(encoding="utf-8")
    profile = (
        text.replace("name: example-primary", "name: brand-a")
        .replace("role: primary", "role: secondary\nprimary: example-primary")
        .replace("legal_name: Example Widgets, Inc.", "legal_name: Brand A Inc.")
        .replace("identity: ISV Reseller or Partner", "identity: Direct Customer")
        .replace("'+14155550100'", "'+14155550177'")
    )
    profile = re.sub(r"(?m)^sid: BU\w+\n", "", profile)  # trusthub creates secondaries
    # Created once brand-a is approved: what an approval moves on.
    profile += "trust_products:\n  a2p_messaging:\n    company_type: private\n"
    (ws.root / SECONDARY).write_text(profile, encoding="utf-8")


def job_env(ws: Shared, job: str) -> dict[str, str]:
    """What the job's `env:` gives its steps, each secret read from `secrets`."""
    workflow = load_yaml(ws.root / WORKFLOW)
    values: dict[str, str] = {}
    for name, expression in workflow["jobs"][job]["env"].items():
        match = re.fullmatch(r"\$\{\{ secrets\.(\w+) \}\}", expression)
        assert match, expression
        values[name] = ws_secrets(ws).get(match[1], "")
    values.update({k: str(v) for k, v in workflow["env"].items()})
    return values


def ws_secrets(ws: Shared) -> dict[str, str]:
    # The sandbox takes any credentials: those given only prove the step chooses a path
    # by which secrets are set.
    return {
        "TRUSTHUB_STATE": ws.url,
        "TRUSTHUB_STATE_READONLY": ws.readonly,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "rw-token",
        "TWILIO_READONLY_API_KEY": "SK" + "1" * 32,
        "TWILIO_READONLY_API_SECRET": "ro-secret",
    }


def comment(runner: Runner) -> str:
    posts = [c for c in runner.calls() if "body" in c]
    assert len(posts) == 1
    body: str = posts[0]["body"]
    assert body.startswith(PLAN_MARKER)
    return body


def test_scheduled_apply_moves_onboarding_on_after_an_approval(
    shared: Shared, tmp_path: Path
) -> None:
    ws = shared
    add_secondary(ws)
    ws.cli("state", "grant-readonly", ws.role)
    ws.cli("apply", "--auto-approve")
    assert ws.status("example-primary") == "twilio-approved"  # adopted from the Console
    assert ws.status("brand-a") == "pending-review"  # its primary is approved already
    assert ws.status("brand-a/a2p_messaging") is None  # created once brand-a is approved

    workflow = load_yaml(ws.root / WORKFLOW)
    apply_steps = steps(workflow, "apply")
    env = job_env(ws, "apply")
    runner = Runner(ws.root, tmp_path)
    # Twilio approves brand-a overnight; the schedule (no commit) runs the job.
    ws.cli("sandbox", "approve", "brand-a")
    result = runner(apply_steps["Apply"]["run"], **env, GITHUB_EVENT_NAME="schedule")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ws.status("brand-a") == "twilio-approved"
    assert ws.status("brand-a/a2p_messaging") == "pending-review"  # the approval moved it on
    report = runner(apply_steps["Status report"]["run"], **env)
    assert report.returncode == 0, report.stdout + report.stderr
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("### trusthub apply (exit code 0)")
    assert "### trusthub status" in summary
    assert "brand-a" in summary
    page = (runner.temp / "trusthub-status.html").read_text(encoding="utf-8")
    assert "<html" in page
    assert "brand-a" in page


def test_a_fix_of_a_rejected_profile_is_planned_as_a_resubmission(
    shared: Shared, tmp_path: Path
) -> None:
    ws = shared
    add_secondary(ws)  # the primary is the Console's: Twilio reviews what trusthub submits
    ws.cli("state", "grant-readonly", ws.role)
    ws.cli("apply", "--auto-approve")
    ws.cli("sandbox", "reject", "brand-a", "--reason", REASON)
    assert ws.status("brand-a") == "pending-review"  # nothing has refreshed yet
    # The pull request fixes what the review found.
    ws.edit(SECONDARY, "email: compliance@example.com", "email: compliance@example.org")
    script, step_env = plan_step(ws.root)
    env = {**job_env(ws, "plan"), **step_env}
    assert env["TRUSTHUB_STATE"] == ws.readonly  # never the read-write URL
    assert "TWILIO_AUTH_TOKEN" not in env

    # With read-only credentials: a fresh view, so the fix is a resubmission.
    runner = Runner(ws.root, tmp_path)
    runner.comments.write_text("[[]]", encoding="utf-8")
    fresh = runner(script, **env)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    body = comment(runner)
    assert "1 to resubmit" in body, body
    assert "resubmits after Twilio rejected it" in body, body
    assert "Unknown email domain" in body
    assert "Planned from statuses read from Trust Hub just now" in body
    saved = json.loads((runner.temp / "trusthub-plan.json").read_text(encoding="utf-8"))
    assert '"resubmit"' in json.dumps(saved["plan"])
    # The pull request's job changed nothing shared.
    assert ws.status("brand-a") == "pending-review"

    # Without Twilio credentials: from the recorded state, which says the review is under
    # way; the comment says how old that is, and warns when older than the threshold.
    with psycopg.connect(ws.url) as conn:
        conn.execute("UPDATE trusthub.workspaces SET refreshed_at = '2026-01-01T00:00:00Z'")
    stale_env = {**env, "TWILIO_API_KEY": "", "TWILIO_API_SECRET": ""}
    stale = runner(script, **stale_env)
    assert stale.returncode == 1, stale.stdout + stale.stderr  # the edit is refused
    body = comment(runner)
    assert "✗ refused" in body
    assert re.search(
        r"> \*\*Warning:\*\* the recorded state read Trust Hub \d+ h \d+ min ago", body
    )
    assert "over 24 h" in body
    assert "::warning::the recorded state read Trust Hub" in stale.stdout

    recent = runner(script, **{**stale_env, "TRUSTHUB_MAX_STATE_AGE_HOURS": "100000"})
    assert recent.returncode == 1
    body = comment(runner)
    assert "> **Note:** the recorded state read Trust Hub" in body
    assert "Warning" not in body


def test_a_state_never_refreshed_says_so(shared: Shared, tmp_path: Path) -> None:
    ws = shared
    ws.cli("state", "grant-readonly", ws.role)
    ws.cli("plan", "--no-refresh")  # makes the workspace's record, reads nothing
    script, step_env = plan_step(ws.root)
    env: dict[str, Any] = {**job_env(ws, "plan"), **step_env}
    env.update(TWILIO_API_KEY="", TWILIO_API_SECRET="")
    runner = Runner(ws.root, tmp_path)
    runner.comments.write_text("[[]]", encoding="utf-8")
    result = runner(script, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    body = comment(runner)
    assert "the recorded state has never been refreshed from Trust Hub" in body
