"""The test support itself: golden files are never written unless asked, and the CLI
runner keeps the caller's environment out of the runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import SCRUBBED, run_cli
from tests.support.golden import check_golden


def test_a_missing_golden_file_fails_and_says_how_to_create_it(tmp_path: Path) -> None:
    path = tmp_path / "golden" / "out.txt"
    with pytest.raises(pytest.fail.Exception, match=r"is missing.*--update-goldens"):
        check_golden("output\n", path, update=False)
    assert not path.exists()


def test_a_different_golden_file_fails_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"differs.*--update-goldens"):
        check_golden("new\n", path, update=False)
    assert path.read_text(encoding="utf-8") == "old\n"


def test_golden_files_are_written_only_on_request(tmp_path: Path) -> None:
    path = tmp_path / "golden" / "out.txt"
    check_golden("output\n", path, update=True)
    assert path.read_text(encoding="utf-8") == "output\n"
    check_golden("output\n", path, update=False)


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
