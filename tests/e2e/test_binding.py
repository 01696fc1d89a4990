"""The state belongs to the target and account it was made on (issue 11, item 5): a switch
of target or account is refused, naming both (account SIDs masked), until `trusthub state
rebind`, which forgets what belongs to the old account; rehearse on the sandbox, then go
live."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result

from tests.e2e.conftest import Run
from tests.support.cli import run_cli
from trusthub.app.session import open_workspace_store
from trusthub.config.settings_file import load_settings
from trusthub.state.model import AuditEvent

ACCOUNT = "AC" + "4f" * 15 + "9876"
TWILIO = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": "t" * 32}


def _twilio(workspace: Path, *args: str, code: int | None = 0) -> Result:
    return run_cli(*args, workspace=workspace, env=TWILIO, code=code, catch_exceptions=False)


def _set(workspace: Path, line: str) -> None:
    config = workspace / "trusthub.yaml"
    config.write_text(config.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def _recorded(workspace: Path) -> set[str]:
    with open_workspace_store(load_settings(workspace)) as store:
        return {r.name for r in store.snapshot()}


def test_a_switch_to_twilio_is_refused_until_rebind(run: Run, workspace: Path) -> None:
    run("apply", "--auto-approve")
    assert _recorded(workspace)
    _set(workspace, "target: twilio")

    for command in (("refresh",), ("plan",), ("apply", "--auto-approve")):
        out = _twilio(workspace, *command, code=1).output
        assert "belongs to sandbox account AC…" in out, out
        assert "this command reaches twilio account AC…9876" in out, out
        assert "trusthub state rebind" in out, out
        assert ACCOUNT not in out
    # A plan from the recorded state alone reaches no target: nothing to refuse.
    _twilio(workspace, "plan", "--no-refresh", code=None)

    out = _twilio(workspace, "state", "rebind").output
    assert "forgot" in out, out
    assert "recorded on sandbox account AC…" in out, out
    assert "the state now belongs to twilio account AC…9876" in out, out
    assert ACCOUNT not in out
    assert _recorded(workspace) == set()
    assert "twilio account AC…9876" in run("state", "show").output
    out = _twilio(workspace, "state", "rebind").output
    assert "nothing to do" in out, out
    # The audit log keeps why each record went.
    assert any(e.action == "rebind" for e in _audit(workspace))


def test_another_sandbox_account_is_refused_too(run: Run, workspace: Path) -> None:
    run("refresh")
    _set(workspace, "sandbox:\n  database: .trusthub/other-sandbox.db")
    config = workspace / "trusthub.yaml"
    text = config.read_text(encoding="utf-8")
    # One `sandbox:` mapping: keep the review delay of the fixture.
    config.write_text(
        text.replace("sandbox:\n  review_delay: 86400\n", "").replace(
            "sandbox:\n", "sandbox:\n  review_delay: 86400\n"
        ),
        encoding="utf-8",
    )
    out = run("plan", code=1).output
    assert "belongs to sandbox account AC…" in out, out
    assert "reaches sandbox account AC…" in out, out
    run("state", "rebind")
    run("plan", code=None)


def _audit(workspace: Path) -> list[AuditEvent]:
    with open_workspace_store(load_settings(workspace)) as store:
        return store.audit()
