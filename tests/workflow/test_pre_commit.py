"""The pre-commit hook trusthub offers, and the config `trusthub init` writes to use it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.workflow.helpers import REPO, load_yaml, run
from trusthub import __version__
from trusthub.app.scaffold import SOURCE_REPO


def test_hook_definition() -> None:
    (hook,) = load_yaml(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "trusthub-validate"
    assert hook["language"] == "python"
    assert hook["entry"] == "trusthub validate"
    # The staged files; cross-profile rules read the others' facts from the cache.
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for path in ("profiles/acme.yaml", "profiles/acme.yml", "trusthub.yaml"):
        assert files.search(path), path
    for path in ("README.md", "other/profiles/acme.yaml", "profiles/notes.txt", "x/trusthub.yaml"):
        assert not files.search(path), path


def test_generated_config_uses_the_hook(tmp_path: Path) -> None:
    assert run(tmp_path, "init").exit_code == 0
    config = load_yaml(tmp_path / ".pre-commit-config.yaml")
    (repo,) = config["repos"]
    assert repo["repo"] == SOURCE_REPO
    assert repo["rev"] == f"v{__version__}"
    assert [h["id"] for h in repo["hooks"]] == ["trusthub-validate"]


def test_project_ci_runs_the_ci_script() -> None:
    ci = load_yaml(REPO / ".github/workflows/ci.yml")
    (job,) = ci["jobs"].values()
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert [s["run"] for s in job["steps"] if "run" in s] == ["bash scripts/test.sh"]
    assert "scripts/test.sh" in (REPO / ".ci/run").read_text(encoding="utf-8")
