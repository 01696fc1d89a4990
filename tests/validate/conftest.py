"""Helpers for the validate tests: workspaces in tmp_path and the CLI. (Golden files use
the `golden` fixture of tests/conftest.py: `--update-goldens` rewrites them.)"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from click.testing import Result

from tests.support.cli import run_cli as run_trusthub

HERE = Path(__file__).parent
REPO = HERE.parent.parent
CASES = HERE / "cases"
PRIMARY = CASES / "clean" / "profiles" / "acme-isv.yaml"


def run_cli(workspace: Path, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
    """`trusthub -C workspace validate ARGS` (no CI auto-detection, no colour switch from
    the caller: see tests.support.cli)."""
    return run_trusthub("validate", *args, workspace=workspace, env=env)


def make_workspace(root: Path, files: Mapping[str, str | bytes], *, primary: bool = False) -> Path:
    """A workspace under `root` with `files` (paths relative to it) and optionally the
    corpus's valid ISV primary profile at profiles/acme-isv.yaml."""
    (root / "profiles").mkdir(parents=True, exist_ok=True)
    if primary:
        shutil.copy(PRIMARY, root / "profiles" / "acme-isv.yaml")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target
