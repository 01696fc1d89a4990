"""State migrated from SQLite to PostgreSQL plans with no changes (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Run


@pytest.mark.postgres
def test_migrated_state_plans_with_no_changes(
    run: Run,
    workspace: Path,
    pg_database: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("apply", "--auto-approve")
    before = run("plan", "--detailed-exitcode", "--no-refresh").stdout
    result = run("state", "migrate", "--to", pg_database)
    assert "verified" in result.stdout.lower() or result.exit_code == 0
    monkeypatch.setenv("TRUSTHUB_STATE", pg_database)
    after = run("plan", "--detailed-exitcode", "--no-refresh").stdout
    assert after == before
    history = run("history", "acme-isv").stdout
    assert "submit" in history
