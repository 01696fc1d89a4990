"""The plan policy through the CLI (`trusthub.app.policy`): plans are made with the options
of the workspace's target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Run


def test_on_twilio_plan_never_submits_a_primary(
    run: Run, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = workspace / "trusthub.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "target: twilio\n", "utf-8")
    result = run("plan", "--no-refresh", "--format", "json")
    data = json.loads(result.stdout)
    verbs = {(a["resource"], a["verb"]) for a in data["actions"]}
    for primary in ("acme-isv", "jordan-rivera"):
        assert (primary, "create") in verbs
        assert (primary, "submit") not in verbs
        assert (primary, "waiting") in verbs
