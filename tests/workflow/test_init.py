"""`trusthub init`: a workspace that validates and plans at once, and never an overwrite."""

from __future__ import annotations

from pathlib import Path

from tests.workflow.helpers import load_yaml, run
from trusthub.app.scaffold import EXAMPLE_PROFILE
from trusthub.config.settings_file import settings_problems

FILES = [
    ".github/workflows/trusthub.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    f"profiles/{EXAMPLE_PROFILE}.yaml",
    "schemas/profile.schema.json",
    "schemas/workspace.schema.json",
    "trusthub.yaml",
]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".trusthub" not in p.parts
    }


def test_init_then_validate_and_plan(tmp_path: Path) -> None:
    result = run(tmp_path, "init")
    assert result.exit_code == 0, result.output
    assert sorted(snapshot(tmp_path)) == FILES
    for path in FILES:
        assert f"  {path}\n" in result.stdout
    assert "Next steps:" in result.stdout

    validated = run(tmp_path, "validate")
    assert validated.exit_code == 0, validated.output
    assert "1 profile checked, no problems" in validated.stdout
    planned = run(tmp_path, "plan", "--no-refresh")
    assert planned.exit_code == 0, planned.output
    assert f"⇐ adopt     {EXAMPLE_PROFILE}" in planned.stdout  # made in the Twilio Console
    assert "1 to adopt" in planned.stdout


def test_init_settings_name_every_setting(tmp_path: Path) -> None:
    workspace = tmp_path / "acme compliance"  # not a valid workspace id as it is
    assert run(workspace, "init").exit_code == 0
    path = workspace / "trusthub.yaml"
    problems, data = settings_problems(path, "trusthub.yaml")
    assert problems == []
    assert data is not None
    assert data["name"] == "acme-compliance"
    top = {"apiVersion", "kind", "name", "profiles", "state", "target", "parallelism"}
    assert top | {"sandbox", "safety"} == set(data)
    assert set(data["sandbox"]) == {"database", "review_delay", "callbacks", "latency"}
    assert set(data["safety"]) == {"max_update_percent", "max_delete_percent", "min_profiles"}
    text = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(text):  # every setting has its description above it
        if line and not line.lstrip().startswith("#"):
            assert text[number - 1].lstrip().startswith("#"), line


def test_second_init_refuses_and_changes_nothing(tmp_path: Path) -> None:
    assert run(tmp_path, "init").exit_code == 0
    before = snapshot(tmp_path)
    again = run(tmp_path, "init")
    assert again.exit_code == 1
    assert "nothing was written" in again.stderr
    for path in (".github/workflows/trusthub.yml", ".pre-commit-config.yaml", "trusthub.yaml"):
        assert path in again.stderr
    assert "--force" in again.stderr
    assert snapshot(tmp_path) == before


def test_init_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "trusthub.yaml").write_text("target: twilio\n", encoding="utf-8")
    refused = run(tmp_path, "init")
    assert refused.exit_code == 1
    assert "trusthub.yaml" in refused.stderr
    assert sorted(snapshot(tmp_path)) == ["trusthub.yaml"]  # nothing else either
    assert run(tmp_path, "init", "--force").exit_code == 0
    assert load_yaml(tmp_path / "trusthub.yaml")["target"] == "sandbox"


def test_init_extends_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/", encoding="utf-8")
    assert run(tmp_path, "init").exit_code == 0
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "node_modules/"
    assert ".trusthub/" in lines


def test_init_keeps_existing_profiles(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    mine = (Path(__file__).parents[2] / "profiles" / "jordan-rivera.yaml").read_bytes()
    (profiles / "jordan-rivera.yaml").write_bytes(mine)
    result = run(tmp_path, "init")
    assert result.exit_code == 0, result.output
    assert "no example profile was written" in result.stdout
    assert sorted(p.name for p in profiles.iterdir()) == ["jordan-rivera.yaml"]
    assert run(tmp_path, "validate").exit_code == 0


def test_init_directory_argument_and_options(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "init",
        "ws",
        "--name",
        "acme",
        "--branch",
        "release",
        "--package",
        "trusthub==9.9.9",
    )
    assert result.exit_code == 0, result.output
    workspace = tmp_path / "ws"
    assert load_yaml(workspace / "trusthub.yaml")["name"] == "acme"
    workflow = load_yaml(workspace / ".github/workflows/trusthub.yml")
    assert workflow[True]["push"]["branches"] == ["release"]  # YAML 1.1 reads `on` as true
    assert workflow["env"]["TRUSTHUB_PACKAGE"] == "trusthub==9.9.9"


def test_init_rejects_bad_options(tmp_path: Path) -> None:
    bad_name = run(tmp_path, "init", "--name", "-x")
    assert bad_name.exit_code == 1
    assert "invalid workspace name" in bad_name.stderr
    bad_branch = run(tmp_path, "init", "--branch", "main\nx")
    assert bad_branch.exit_code == 1
    assert "invalid branch name" in bad_branch.stderr
    assert list(tmp_path.iterdir()) == []
