"""The test support itself: the CLI runner keeps the caller's environment out of the runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import SCRUBBED, run_cli


def test_the_cli_runner_scrubs_the_callers_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SCRUBBED:
        monkeypatch.setenv(name, "from-the-shell")
    monkeypatch.setenv("TRUSTHUB_STATE", str(tmp_path / "elsewhere.db"))
    (tmp_path / "profiles").mkdir()
    shown = run_cli("state", "show", workspace=tmp_path, code=0)
    assert "elsewhere" not in shown.stdout
    assert not (tmp_path / "elsewhere.db").exists()
    unknown = run_cli("no-such-command", code=2)
    assert "No such command" in unknown.stderr
