"""`.trusthub` found with modes others can read (issue 17): trusthub tightens what it owns,
and refuses what belongs to another user."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from trusthub.errors import ExitCode


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "profiles").mkdir(parents=True)
    assert run_cli("state", "show", workspace=root).exit_code == 0  # makes the state
    return root


def test_a_loose_trusthub_dir_and_cache_are_tightened(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    top = root / ".trusthub"
    (top / "cache").mkdir(exist_ok=True)
    (top / "cache" / "entry").write_bytes(b"cached")
    os.chmod(top, 0o755)
    os.chmod(top / "cache", 0o777)
    os.chmod(top / "cache" / "entry", 0o666)
    os.chmod(top / "state.db", 0o644)

    done = run_cli("state", "show", workspace=root)
    assert done.exit_code == 0, done.output
    assert _mode(top) == 0o700
    assert _mode(top / "cache") == 0o700
    assert _mode(top / "cache" / "entry") == 0o600
    assert _mode(top / "state.db") == 0o600
    assert "note: made .trusthub private (0755 -> 0700)" in done.stderr
    assert "note: made .trusthub/cache private (0777 -> 0700)" in done.stderr
    again = run_cli("state", "show", workspace=root)
    assert "note:" not in again.stderr  # nothing left to tighten


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_loose_dir_of_another_user_is_refused_and_left_alone(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    top = root / ".trusthub"
    os.chmod(top, 0o755)
    os.chown(top, 4242, -1)
    done = run_cli("state", "show", workspace=root)
    assert done.exit_code == ExitCode.PROBLEMS
    assert ".trusthub is mode 0755 and belongs to user id 4242, not to you" in done.stderr
    assert "chmod -R go-rwx .trusthub" in done.stderr
    assert "Traceback" not in done.output
    assert _mode(top) == 0o755
