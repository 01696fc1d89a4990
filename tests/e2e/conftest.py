from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.pg_cluster import pg_database, pg_server  # noqa: F401  (fixtures)
from tests.support.cli import run_cli
from tests.support.console import console_primaries
from tests.support.example import copy_example, write_settings

REPO = Path(__file__).resolve().parents[2]

Run = Callable[..., Result]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the example workspace whose sandbox reviews wait to be decided by hand."""
    ws = tmp_path / "ws"
    copy_example(ws)
    write_settings(
        ws, "apiVersion: trusthub/v1\nkind: Workspace\nname: e2e\nsandbox:\n  review_delay: 86400\n"
    )
    console_primaries(ws)  # made in the Twilio Console, as on a real account
    return ws


@pytest.fixture
def run(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    # Also for what the tests do in-process beside the CLI (opening the state).
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def invoke(*args: str, code: int | None = 0) -> Result:
        return run_cli(*args, workspace=workspace, code=code, catch_exceptions=False)

    return invoke
