"""Machine output of status, refresh and apply (`--format json`, versioned), and status
while a profile's file is broken."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.e2e.conftest import Run

NAME = "brightsmile-dental"


def _break(workspace: Path, name: str) -> None:
    path = workspace / "profiles" / f"{name}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  : broken: [\n", encoding="utf-8")


def test_apply_json_says_what_was_done_and_sends_people_lines_to_stderr(run: Run) -> None:
    result = run("apply", "--auto-approve", "--format", "json")
    report = json.loads(result.stdout)  # stdout is the document alone
    assert report["format_version"] == 1
    assert report["status"] == "complete"
    assert re.fullmatch(r"[0-9a-f]{64}", report["plan_checksum"])
    assert f"{NAME}:create" in report["done"]
    assert (report["failed"], report["skipped"], report["not_started"]) == ([], [], [])
    assert report["held_back"] == []
    assert "Apply complete" in result.stderr
    assert "Apply complete" not in result.stdout

    again = json.loads(run("apply", "--auto-approve", "--format", "json").stdout)
    assert again["status"] == "nothing to apply"
    assert again["done"] == []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_apply_json_of_a_refused_plan_lists_what_was_left(workspace: Path, run: Run) -> None:
    thames = workspace / "profiles" / "thames-tea-partners.yaml"
    thames.write_text(thames.read_text(encoding="utf-8") + "submit: false\n", encoding="utf-8")
    run("apply", "--auto-approve", "--no-refresh")
    # maple-leaf-freight is pending-review: the edit is refused; thames-tea-partners is a
    # draft (submit: false).
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
    result = run("apply", "--auto-approve", "--no-refresh", "--format", "json", code=1)
    report = json.loads(result.stdout)
    assert report["status"] == "refused"
    assert report["done"] == []
    assert "thames-tea-partners:update" in report["not_started"]
    assert "nothing was applied" in result.stderr

    args = ("apply", "--auto-approve", "--no-refresh", "--skip-refused", "--format", "json")
    report = json.loads(run(*args, code=1).stdout)
    assert report["status"] == "complete"
    assert "thames-tea-partners:update" in report["done"]
    assert {"action": "maple-leaf-freight:refused", "because": "refused"} in report["held_back"]


def test_apply_json_needs_auto_approve(run: Run) -> None:
    result = run("apply", "--format", "json", code=1)
    assert "--auto-approve" in result.stderr
    assert result.stdout == ""


def test_refresh_json_lists_changes(run: Run) -> None:
    run("apply", "--auto-approve")
    run("sandbox", "approve", "maple-leaf-freight")
    report = json.loads(run("refresh", "--format", "json").stdout)
    assert report["format_version"] == 1
    approved = {"resource": "maple-leaf-freight", "from": "pending-review", "to": "twilio-approved"}
    assert approved in report["changed"]
    assert report["read"] >= 1
    assert report["gone"] == []
    assert json.loads(run("refresh", "--format", "json").stdout)["changed"] == []


def test_status_json_has_sids_and_works_while_a_file_is_broken(workspace: Path, run: Run) -> None:
    run("apply", "--auto-approve")
    rows = {
        r["profile"]: r for r in json.loads(run("status", "--format", "json").stdout)["profiles"]
    }
    bundle = rows[NAME]["sids"][NAME]["bundle"]
    assert re.fullmatch(r"BU[0-9a-f]{32}", bundle)
    assert rows[NAME]["file_problems"] is False

    _break(workspace, "acme-isv")
    result = run("status", "--format", "json")
    rows = {r["profile"]: r for r in json.loads(result.stdout)["profiles"]}
    assert rows["acme-isv"]["file_problems"] is True
    assert rows["acme-isv"]["status"] == "twilio-approved"  # approved in the Console
    assert rows["acme-isv"]["sids"]["acme-isv"]["bundle"].startswith("BU")
    assert rows[NAME]["sids"][NAME]["bundle"] == bundle
    text = run("status")
    assert "acme-isv *" in text.stdout
    assert "its file has problems (acme-isv)" in text.stderr
    # history too, workspace-wide and per profile.
    assert json.loads(run("history", "--format", "json").stdout)["events"]
    assert "acme-isv" in run("history", "acme-isv").stdout
