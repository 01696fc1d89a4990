"""The generated GitHub workflow: valid against GitHub's workflow schema, its scripts clean
under shellcheck, and its pull-request plan step run for real (bash, trusthub) with `gh`
replaced by a stub that records the calls and answers the comment listing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.workflow.helpers import REPO, VENV_BIN, load_yaml, record_applied, require_tool, run
from trusthub.app.scaffold import EXAMPLE_PROFILE, PLAN_MARKER

WORKFLOW = ".github/workflows/trusthub.yml"
EXAMPLE = f"profiles/{EXAMPLE_PROFILE}.yaml"
COMMENTS = "repos/acme/compliance/issues/7/comments"

GH_STUB = """#!{python}
# Stands in for the gh CLI: logs each call (and the comment body it would send), answers
# the comment listing from $GH_STUB_COMMENTS.
import json, os, sys
args = sys.argv[1:]
entry = {{"args": args, "token": os.environ.get("GH_TOKEN")}}
for arg in args:
    if arg.startswith("body=@"):
        entry["body"] = open(arg[len("body=@"):], encoding="utf-8").read()
with open(os.environ["GH_STUB_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(entry) + "\\n")
if "--paginate" in args:
    sys.stdout.write(open(os.environ["GH_STUB_COMMENTS"], encoding="utf-8").read())
else:
    sys.stdout.write('{{"id": 1}}')
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    result = run(root, "init")
    assert result.exit_code == 0, result.output
    return root


def steps(workflow: dict[str, Any], job: str) -> dict[str, dict[str, Any]]:
    """The job's steps by id, or by name when they have none."""
    return {s.get("id") or s.get("name") or s["uses"]: s for s in workflow["jobs"][job]["steps"]}


def test_workflow_is_valid_for_github(workspace: Path) -> None:
    require_tool("check-jsonschema", module="check_jsonschema")
    for path in (workspace / WORKFLOW, REPO / ".github/workflows/ci.yml"):
        checked = subprocess.run(
            [
                sys.executable,
                "-m",
                "check_jsonschema",
                "--builtin-schema",
                "vendor.github-workflows",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_workflow_shape(workspace: Path) -> None:
    workflow = load_yaml(workspace / WORKFLOW)
    on = workflow[True]  # YAML 1.1 reads `on` as true
    assert set(on) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert on["schedule"] == [{"cron": "17 * * * *"}]
    assert workflow["env"]["TRUSTHUB_MAX_STATE_AGE_HOURS"] == "24"
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert set(jobs) == {"plan", "apply"}
    plan, apply = jobs["plan"], jobs["apply"]
    assert plan["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert apply["permissions"] == {"contents": "read"}
    # One job, one concurrency group, for merges, the schedule and manual runs alike; never
    # from another branch, nor for a pull request.
    assert apply["if"] == ("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'")
    assert apply["concurrency"] == {"group": "trusthub-apply", "cancel-in-progress": False}
    assert apply["env"]["TWILIO_ACCOUNT_SID"] == "${{ secrets.TWILIO_ACCOUNT_SID }}"
    assert apply["env"]["TWILIO_AUTH_TOKEN"] == "${{ secrets.TWILIO_AUTH_TOKEN }}"
    assert apply["env"]["TRUSTHUB_STATE"] == "${{ secrets.TRUSTHUB_STATE }}"
    # Pull requests never get what can change anything: only read-only secrets.
    assert plan["env"] == {
        "TRUSTHUB_STATE": "${{ secrets.TRUSTHUB_STATE_READONLY }}",
        "TWILIO_ACCOUNT_SID": "${{ secrets.TWILIO_ACCOUNT_SID }}",
        "TWILIO_API_KEY": "${{ secrets.TWILIO_READONLY_API_KEY }}",
        "TWILIO_API_SECRET": "${{ secrets.TWILIO_READONLY_API_SECRET }}",
    }
    plan_text = json.dumps(plan)
    for secret in ("secrets.TRUSTHUB_STATE }}", "TWILIO_AUTH_TOKEN"):
        assert secret not in plan_text
    assert "trusthub apply --auto-approve" in steps(workflow, "apply")["Apply"]["run"]
    assert "trusthub plan --no-refresh --format markdown" in steps(workflow, "plan")["plan"]["run"]
    assert 'trusthub report --html "$page"' in steps(workflow, "apply")["Status report"]["run"]
    status_upload = steps(workflow, "apply")["Upload the status page"]
    assert status_upload["with"]["name"] == "trusthub-status"
    assert status_upload["if"] == "${{ !cancelled() }}"
    assert "trusthub validate --format github" in steps(workflow, "plan")["Validate"]["run"]
    # Only GitHub's own actions.
    uses = {
        s["uses"].split("@")[0]
        for job in ("plan", "apply")
        for s in jobs[job]["steps"]
        if "uses" in s
    }
    assert uses == {"actions/checkout", "actions/setup-python", "actions/upload-artifact"}
    upload = steps(workflow, "plan")["Upload the JSON plan"]
    assert upload["with"]["name"] == "trusthub-plan"
    assert upload["with"]["path"] == "${{ runner.temp }}/trusthub-plan.json"
    assert '--out "$RUNNER_TEMP/trusthub-plan.json"' in steps(workflow, "plan")["plan"]["run"]


def run_scripts(workflow: dict[str, Any]) -> list[str]:
    return [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "run" in s]


def test_workflow_scripts_pass_shellcheck(workspace: Path, tmp_path: Path) -> None:
    require_tool("shellcheck")
    from tests.workflow.helpers import tool_path

    shellcheck = tool_path("shellcheck")
    assert shellcheck is not None
    scripts = run_scripts(load_yaml(workspace / WORKFLOW))
    scripts += run_scripts(load_yaml(REPO / ".github/workflows/ci.yml"))
    for number, script in enumerate(scripts):
        # Expressions go through env:, so a pull request's text never becomes shell code.
        assert "${{" not in script
        path = tmp_path / f"step{number}.sh"
        path.write_text(script, encoding="utf-8")
        checked = subprocess.run(
            [shellcheck, "--shell=bash", str(path)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, f"{script}\n{checked.stdout}"


class Runner:
    """Runs one `run:` script of the workflow as GitHub's `shell: bash` does, in the
    workspace, with gh stubbed and the runner's variables set."""

    def __init__(self, workspace: Path, tmp: Path) -> None:
        self.workspace = workspace
        self.log = tmp / "gh.log"
        self.comments = tmp / "comments.json"
        self.summary = tmp / "summary.md"
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        stubs = tmp / "stubs"
        stubs.mkdir()
        gh = stubs / "gh"
        gh.write_text(GH_STUB.format(python=sys.executable), encoding="utf-8")
        gh.chmod(0o755)
        self.path = os.pathsep.join([str(stubs), str(VENV_BIN), "/usr/bin", "/bin"])

    def __call__(self, script: str, **env: str) -> subprocess.CompletedProcess[str]:
        variables = {
            "PATH": self.path,
            "HOME": str(self.temp),
            "LANG": "C.UTF-8",
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_REPOSITORY": "acme/compliance",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "4242",
            "GH_STUB_LOG": str(self.log),
            "GH_STUB_COMMENTS": str(self.comments),
            **env,
        }
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.workspace,
            env=variables,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    def calls(self) -> list[dict[str, Any]]:
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
        self.log.unlink(missing_ok=True)
        return [json.loads(line) for line in lines]


def plan_step(workspace: Path) -> tuple[str, dict[str, str]]:
    step = steps(load_yaml(workspace / WORKFLOW), "plan")["plan"]
    env = {
        "GH_TOKEN": "ghs_test",
        "PR_NUMBER": "7",
        "HEAD_SHA": "0123456789abcdef",
    }
    assert set(step["env"]) == set(env)  # every variable the step reads is set here
    return step["run"], env


def test_plan_step_posts_then_updates_one_comment_and_fails_on_refusal(
    workspace: Path, tmp_path: Path
) -> None:
    # A recorded, approved profile edited in the pull request: Trust Hub allows no edits.
    record_applied(workspace, "twilio-approved")
    example = workspace / EXAMPLE
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("city: San Francisco", "city: Oakland"), encoding="utf-8")
    script, env = plan_step(workspace)
    runner = Runner(workspace, tmp_path)

    # First push: no comment of ours yet, so one is created.
    runner.comments.write_text(json.dumps([[{"id": 5, "body": "LGTM"}]]), encoding="utf-8")
    first = runner(script, **env)
    assert first.returncode == 1, first.stdout + first.stderr
    listing, post = runner.calls()
    assert listing["args"] == ["api", "--paginate", "--slurp", COMMENTS]
    assert post["args"][:4] == ["api", "--method", "POST", COMMENTS]
    assert post["token"] == "ghs_test"
    body = post["body"]
    assert body.startswith(PLAN_MARKER + "\n")
    assert "✗ refused" in body
    assert "1 refused" in body
    assert "the TRUSTHUB_STATE_READONLY secret is not set" in body
    assert (
        "Commit 0123456, [workflow run](https://github.com/acme/compliance/actions/runs/4242)"
        in body
    )
    assert runner.summary.read_text(encoding="utf-8") == body

    # Second push: the listing (second page) holds our comment, so it is edited in place.
    ours = {"id": 42, "body": body}
    runner.comments.write_text(json.dumps([[{"id": 5, "body": "LGTM"}], [ours]]), encoding="utf-8")
    second = runner(script, **env)
    assert second.returncode == 1, second.stdout + second.stderr
    listing, patch = runner.calls()
    assert listing["args"] == ["api", "--paginate", "--slurp", COMMENTS]
    assert patch["args"][:4] == [
        "api",
        "--method",
        "PATCH",
        "repos/acme/compliance/issues/comments/42",
    ]
    assert patch["body"].startswith(PLAN_MARKER)


def test_plan_step_passes_with_changes_only(workspace: Path, tmp_path: Path) -> None:
    script, env = plan_step(workspace)
    runner = Runner(workspace, tmp_path)
    runner.comments.write_text("[[]]", encoding="utf-8")
    result = runner(script, **env, TRUSTHUB_STATE="")
    assert result.returncode == 0, result.stdout + result.stderr
    (_, post) = runner.calls()
    assert post["args"][2] == "POST"
    assert "1 to adopt" in post["body"]


def test_plan_step_reports_an_invalid_workspace(workspace: Path, tmp_path: Path) -> None:
    example = workspace / EXAMPLE
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("country: US", "country: <USA>"), encoding="utf-8")
    script, env = plan_step(workspace)
    runner = Runner(workspace, tmp_path)
    runner.comments.write_text("[[]]", encoding="utf-8")
    result = runner(script, **env)
    assert result.returncode == 1
    (_, post) = runner.calls()
    body = post["body"]
    assert body.startswith(PLAN_MARKER + "\n### trusthub plan ✗ failed")
    assert "No plan could be made (exit code 1)" in body
    assert re.search(rf"{EXAMPLE}:\d+:\d+: error \[schema\]", body)
    assert "&lt;USA&gt;" in body  # the error text is HTML-escaped inside <pre>
    assert "<USA>" not in body


def test_plan_step_survives_a_token_that_cannot_comment(workspace: Path, tmp_path: Path) -> None:
    script, env = plan_step(workspace)
    runner = Runner(workspace, tmp_path)
    runner.comments.write_text("not json", encoding="utf-8")  # e.g. a 403 error page
    result = runner(script, **env)
    assert result.returncode == 0, result.stderr
    assert "::warning::could not read the pull request's comments" in result.stdout
    assert PLAN_MARKER in runner.summary.read_text(encoding="utf-8")


def _many_secondaries(workspace: Path, count: int) -> None:
    """`count` secondaries of the example primary, each with its own name and numbers."""
    text = (workspace / EXAMPLE).read_text(encoding="utf-8")
    for i in range(count):
        name = f"brand-{i:03d}"
        profile = (
            text.replace("name: example-primary", f"name: {name}")
            .replace("role: primary", "role: secondary\nprimary: example-primary")
            .replace("legal_name: Example Widgets, Inc.", f"legal_name: Brand {i:03d} Inc.")
            .replace("'+14155550100'", f"'+1415556{i:04d}'")
            .replace("submit: false\n", "")
        )
        profile = re.sub(r"(?m)^sid: BU\w+\n", "", profile)  # trusthub creates secondaries
        (workspace / "profiles" / f"{name}.yaml").write_text(profile, encoding="utf-8")


def test_plan_step_cuts_a_long_plan_keeps_its_footer_and_links_the_json_plan(
    workspace: Path, tmp_path: Path
) -> None:
    """Issue 16: a plan over GitHub's limit is cut by characters (not bytes: `•` is three
    of them), says what it left out, links the run whose artefact holds the full JSON plan,
    and keeps the workflow's footer."""
    _many_secondaries(workspace, 80)
    script, env = plan_step(workspace)
    runner = Runner(workspace, tmp_path)
    runner.comments.write_text("[[]]", encoding="utf-8")
    result = runner(script, **env, GITHUB_ACTIONS="true")
    assert result.returncode == 0, result.stdout + result.stderr
    (_, post) = runner.calls()
    body = post["body"]
    assert len(body.encode("utf-16-le")) // 2 <= 65536
    assert len(body.encode("utf-8")) > 65000  # the old byte count would have dropped the footer
    run_url = "https://github.com/acme/compliance/actions/runs/4242"
    assert "> **Left out** to stay under GitHub's 65,536-character comment limit" in body
    assert f"[the JSON plan, artefact `trusthub-plan` of this workflow run]({run_url})" in body
    assert body.endswith(f"<sub>Commit 0123456, [workflow run]({run_url})</sub>\n")
    saved = json.loads((runner.temp / "trusthub-plan.json").read_text(encoding="utf-8"))
    assert len(saved["plan"]["profiles"]) == 81  # the artefact holds every profile


@pytest.mark.parametrize(
    ("state", "target", "error"),
    [
        ("", "twilio", "set the TRUSTHUB_STATE secret"),
        ("/tmp/state.db", "twilio", "set the TRUSTHUB_STATE secret"),
        (
            "postgresql://ci@db.example.com/trusthub",
            "sandbox",
            "trusthub.yaml says target: sandbox",
        ),
        ("postgresql://ci@db.example.com/trusthub", "twilio", None),
    ],
)
def test_apply_guard(
    workspace: Path, tmp_path: Path, state: str, target: str, error: str | None
) -> None:
    settings = workspace / "trusthub.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^target: .*$", f"target: {target}", text), encoding="utf-8")
    guard = steps(load_yaml(workspace / WORKFLOW), "apply")["Check the settings"]["run"]
    result = Runner(workspace, tmp_path)(guard, TRUSTHUB_STATE=state)
    if error is None:
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode == 1
        assert f"::error::{error}" in result.stdout
