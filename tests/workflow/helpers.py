"""Helpers of the workflow tests: run the CLI, record state as an apply would, and find the
tools that check workflow files."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.support.cli import run_cli
from trusthub.app.planning import load_valid
from trusthub.config.settings_file import load_settings
from trusthub.model.kinds import desired_resources
from trusthub.model.privacy import fingerprint_key
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent  # trusthub, python and the dev tools live here


def run(workspace: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`trusthub -C workspace ARGS`; the developer's own settings do not leak into the runs
    (see tests.support.cli)."""
    return run_cli(*args, workspace=workspace, env=env)


def record_applied(workspace: Path, status: str) -> None:
    """Record every profile of the workspace as applied and now in `status`, with the
    spec hashes and sealed bodies an apply records (see trusthub.apply.converge)."""
    settings = load_settings(workspace, environ={})
    loaded = load_valid(settings)
    store = open_store(settings.state, settings.name)
    try:
        key = fingerprint_key(store.snapshot().lineage)
        desired = desired_resources(
            (name, doc.data, doc.path) for name, doc in sorted(loaded.profiles.items())
        )
        with store.transaction() as tx:
            for name, resource in desired.items():
                tx.put_resource(
                    resource.kind,
                    name,
                    spec=resource.sealed(key).to_data(),
                    spec_hash=resource.spec_hash(key),
                )
                tx.set_status(resource.kind, name, status)
    finally:
        store.close()


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def require_tool(name: str, *, module: str | None = None) -> None:
    """Skip when a dev tool is missing locally; in CI (CI set) a missing tool fails."""
    found = importlib.util.find_spec(module) is not None if module else tool_path(name) is not None
    if found:
        return
    message = f"{name} is not installed (it comes with the dev extras: pip install -e '.[dev]')"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def tool_path(name: str) -> str | None:
    return shutil.which(name, path=os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")]))
