"""Fixtures of the reliability tests (issue 6): workspaces, the CLI as a real process, and
PostgreSQL.

Sizes: the default run does real work at a size CI can afford (60 profiles under faults,
20 kills of `apply` on the example workspace, ...). The full sizes (200 profiles, more
kills on a larger workspace) are tests marked `slow`, skipped unless asked for:

    TRUSTHUB_FULL_RELIABILITY=1 .venv/bin/pytest tests/reliability
    .venv/bin/pytest -m slow tests/reliability
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import Result

from bench.bench_validate import generate_workspace
from tests.pg_cluster import pg_database, pg_server  # noqa: F401  (fixtures)
from tests.support.cli import COMMAND, SCRUBBED
from tests.support.cli import run_cli as run_in_process
from tests.support.console import console_primaries
from tests.support.example import copy_example
from tests.support.example import write_settings as write_example_settings
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FULL_ENV = "TRUSTHUB_FULL_RELIABILITY"
TRUSTHUB = COMMAND
TIMEOUT = 120.0  # seconds any one command may take before the test fails

# Variables that would change what a command does, dropped from every child's environment
# (as tests.support.cli drops them from in-process runs).
_SCRUBBED = SCRUBBED


def full_reliability(config: pytest.Config) -> bool:
    markexpr = str(config.getoption("markexpr", "") or "")
    selected = re.search(r"(?<!not )\bslow\b", markexpr) is not None
    return os.environ.get(FULL_ENV) == "1" or selected


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if full_reliability(config):
        return
    skip = pytest.mark.skip(reason=f"full-size reliability test: set {FULL_ENV}=1 or -m slow")
    for item in items:
        if item.get_closest_marker("slow") and HERE in item.path.parents:
            item.add_marker(skip)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a `trusthub` child process: no Twilio credentials or state
    location inherited from the developer's shell, unbuffered output (lines arrive as they
    are printed), then `extra`."""
    env = {
        k: v for k, v in os.environ.items() if k not in _SCRUBBED and not k.startswith("TWILIO_")
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def run_cli(
    ws: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    code: int | None = 0,
    timeout: float = TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """`trusthub -C ws ARGS` as a real process; checks the exit code unless `code` is None."""
    done = subprocess.run(
        [*TRUSTHUB, "-C", str(ws), *args],
        env=child_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if code is not None:
        assert done.returncode == code, (args, done.returncode, done.stdout[-3000:], done.stderr)
    return done


def invoke(
    ws: Path, *args: str, env: Mapping[str, str] | None = None, code: int | None = 0
) -> Result:
    """`trusthub -C ws ARGS` in this process (quicker, for looking at what the real
    processes left), with the same environment rules as `run_cli`."""
    return run_in_process(*args, workspace=ws, env=env, code=code)


def write_settings(ws: Path, *, example: bool = False, **sandbox: object) -> None:
    """ws/trusthub.yaml with the given `sandbox:` keys (`target=` too), then, with `example`,
    the example's settings (the defaults its clients inherit, the accounts they name)."""
    lines = ["apiVersion: trusthub/v1", "kind: Workspace", f"name: {ws.name}"]
    target = sandbox.pop("target", None)
    if target:
        lines.append(f"target: {target}")
    lines.append("sandbox:")
    lines += [f"  {k}: {v}" for k, v in {"callbacks": "none", **sandbox}.items()]
    head = "\n".join(lines) + "\n"
    if example:
        write_example_settings(ws, head)
    else:
        (ws / "trusthub.yaml").write_text(head, encoding="utf-8")


MakeWorkspace = Callable[..., Path]


@pytest.fixture
def make_workspace(tmp_path: Path) -> MakeWorkspace:
    """make_workspace(name, profiles=N or None, **sandbox settings): a workspace with the
    example profiles (profiles=None) or N generated ones (an ISV primary and N-1
    secondaries), and a trusthub.yaml with the given `sandbox:` keys (`target=` too)."""

    def make(name: str = "ws", profiles: int | None = None, **sandbox: object) -> Path:
        ws = tmp_path / name
        if profiles is None:
            copy_example(ws)
        else:
            generate_workspace(ws, profiles)
        write_settings(ws, example=profiles is None, **sandbox)
        console_primaries(ws)  # made in the Twilio Console, as on a real account
        return ws

    return make


def settings_of(ws: Path, env: Mapping[str, str] | None = None) -> Settings:
    return load_settings(ws, environ=dict(env or {}))


@pytest.fixture
def no_state_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs: no state location or CI identity from the outer environment."""
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
