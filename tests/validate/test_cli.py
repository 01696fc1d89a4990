from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from tests.validate.conftest import CASES, HERE, copy_tree, make_workspace, run_cli

GOLDEN = HERE / "golden"
SARIF_SCHEMA = HERE.parent / "support" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("text", "txt"), ("json", "json"), ("github", "github.txt"), ("sarif", "sarif.json")],
)
def test_output_formats_match_golden_files(
    fmt: str, suffix: str, tmp_path: Path, golden: Callable[[str, Path], None]
) -> None:
    workspace = copy_tree(GOLDEN / "workspace", tmp_path / "ws")
    result = run_cli(workspace, "--format", fmt)
    assert result.exit_code == 1
    assert result.stderr == ""
    golden(result.stdout, GOLDEN / f"validate.{suffix}")


def test_github_format_is_chosen_on_github_actions(tmp_path: Path) -> None:
    workspace = copy_tree(GOLDEN / "workspace", tmp_path / "ws")
    on_ci = run_cli(workspace, env={"GITHUB_ACTIONS": "true"})
    assert on_ci.stdout == (GOLDEN / "validate.github.txt").read_text(encoding="utf-8")
    forced = run_cli(workspace, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert forced.stdout == (GOLDEN / "validate.txt").read_text(encoding="utf-8")


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    workspace = copy_tree(CASES / "unique-friendly-names", tmp_path / "ws")
    result = run_cli(workspace)
    assert result.exit_code == 0
    assert result.stdout.endswith("4 profiles checked, 0 errors, 2 warnings in 2 files\n")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--format", "xml"], "Invalid value for '--format'"),
        (["profiles/nope.yaml"], "profiles/nope.yaml does not exist"),
        (["--bogus"], "No such option '--bogus'"),
    ],
)
def test_usage_errors_exit_2_with_nothing_on_stdout(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    workspace = make_workspace(tmp_path, {}, primary=True)
    result = run_cli(workspace, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert fragment in result.stderr


def test_paths_are_checked_against_the_whole_workspace(tmp_path: Path) -> None:
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    # The secondary's primary lives in another file: not reported as missing.
    one = run_cli(workspace, "profiles/brightsmile.yaml")
    assert (one.exit_code, one.stdout) == (0, "1 profile checked, no problems\n")
    draft = (
        (workspace / "profiles" / "brightsmile.yaml")
        .read_text()
        .replace("name: brightsmile", "name: brightsmile-2")
    )
    make_workspace(workspace, {"drafts/new.yaml": draft.replace("83-2716540", "83-271654")})
    result = run_cli(workspace, "drafts")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        (
            "drafts/new.yaml:8:15: warning [unique-friendly-names] the console would show this "
            "profile under the same name as 'brightsmile' (profiles/brightsmile.yaml); set a "
            "distinct friendly_name ($.business.legal_name)"
        ),
        (
            "drafts/new.yaml:14:13: error [registration-number-format] EIN must look like "
            "12-3456789 (2 digits, a dash, 7 digits) ($.business.registration.number)"
        ),
        (
            "drafts/new.yaml:33:17: error [phone-number-unique] this number already belongs to "
            "profile 'brightsmile' (profiles/brightsmile.yaml); a number can be assigned to one "
            "profile only ($.phone_numbers[0])"
        ),
        "1 profile checked, 2 errors, 1 warning in 1 file",
    ]


def test_the_whole_workspace_as_a_path_skips_trusthub_yaml(tmp_path: Path) -> None:
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    result = run_cli(workspace, ".")
    assert (result.exit_code, result.stdout) == (0, "3 profiles checked, no problems\n")


def test_naming_trusthub_yaml_checks_every_profile(tmp_path: Path) -> None:
    """What the pre-commit hook passes when trusthub.yaml is staged: its settings apply to
    every profile, so every profile is checked."""
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    make_workspace(workspace, {"trusthub.yaml": "name: clean\n"})
    result = run_cli(workspace, "trusthub.yaml", "profiles/brightsmile.yaml")
    assert (result.exit_code, result.stdout) == (0, "3 profiles checked, no problems\n")


def test_an_internal_error_exits_3_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("trusthub.cli.validate_cmd.load_workspace", broken)
    result = run_cli(make_workspace(tmp_path, {}, primary=True))
    assert result.exit_code == 3
    assert "internal error (RuntimeError)" in result.stderr
    assert "Traceback" not in result.output


def test_colour_only_on_a_terminal_and_never_with_no_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = copy_tree(CASES / "unique-friendly-names", tmp_path / "ws")
    assert "\x1b[" not in run_cli(workspace).stdout
    monkeypatch.setattr("trusthub.cli.validate_cmd._stdout_is_terminal", lambda: True)
    assert "\x1b[33mwarning\x1b[0m" in run_cli(workspace, "--no-cache").stdout
    assert "\x1b[" not in run_cli(workspace, env={"NO_COLOR": "1"}).stdout


def test_a_missing_profiles_directory_is_an_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "profiles:1:1: error [missing-path] the profiles directory profiles/ does not exist; "
        "create it or set profiles: in trusthub.yaml"
    )


def test_sarif_output_is_a_valid_sarif_2_1_0_log_of_every_problem(tmp_path: Path) -> None:
    schema = json.loads((SARIF_SCHEMA).read_text(encoding="utf-8"))
    workspace = copy_tree(GOLDEN / "workspace", tmp_path / "ws")
    sarif = json.loads(run_cli(workspace, "--format", "sarif").stdout)
    jsonschema.Draft4Validator(schema).validate(sarif)
    listed = json.loads(run_cli(workspace, "--format", "json").stdout)["problems"]
    (run,) = sarif["runs"]
    results = run["results"]
    assert len(results) == len(listed) > 0
    rules = run["tool"]["driver"]["rules"]
    for result, problem in zip(results, listed, strict=True):
        assert result["ruleId"] == problem["rule"]
        assert rules[result["ruleIndex"]]["id"] == problem["rule"]
        assert result["level"] == problem["severity"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == problem["path"]
        assert physical["region"]["startLine"] == problem["line"]
        assert physical["region"]["startColumn"] == problem["column"]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == problem["json_path"]
    described = [r for r in rules if r["shortDescription"]["text"] != r["id"]]
    assert described  # the business rules are described from their modules
