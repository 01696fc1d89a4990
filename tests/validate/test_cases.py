"""The rule corpus: each `cases/<case>/` is a workspace, `expected.txt` lists every problem
it must produce as `path:line:col:rule-id`, exactly and in order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.validate.conftest import CASES, copy_tree, run_cli
from trusthub.rules import RULES

ALL_CASES = sorted(p for p in CASES.iterdir() if p.is_dir())


def expected_lines(case: Path) -> list[str]:
    return (case / "expected.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.name)
def test_case_produces_exactly_the_expected_problems(case: Path, tmp_path: Path) -> None:
    workspace = copy_tree(case, tmp_path / case.name)
    result = run_cli(workspace, "--format", "json", "--no-cache")
    report = json.loads(result.stdout)
    found = [f"{p['path']}:{p['line']}:{p['column']}:{p['rule']}" for p in report["problems"]]
    assert found == expected_lines(case)
    has_error = any(p["severity"] == "error" for p in report["problems"])
    assert result.exit_code == (1 if has_error else 0)
    assert report["status"] == ("fail" if has_error else "ok")
    assert result.stderr == ""


def test_every_rule_has_a_failing_case() -> None:
    covered = {line.rsplit(":", 1)[1] for case in ALL_CASES for line in expected_lines(case)}
    assert set(RULES) <= covered, f"rules without a failing case: {set(RULES) - covered}"


def test_example_workspace_validates_clean(tmp_path: Path) -> None:
    repo = Path(__file__).parents[2]
    workspace = tmp_path / "examples"
    copy_tree(repo / "profiles", workspace / "profiles")
    # the clients' defaults, and the subaccount northwind-outfitters lives in
    shutil.copy(repo / "trusthub.yaml", workspace / "trusthub.yaml")
    result = run_cli(workspace)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "9 profiles checked, no problems\n",  # the primaries acme-isv, jordan-rivera; 7 clients
        "",
    )
