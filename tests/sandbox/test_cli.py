"""`trusthub sandbox ...` through click's runner, on a workspace in a temporary directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from tests.sandbox import builders as b
from tests.support.cli import COMMAND, run_cli
from trusthub.config.settings import default_settings
from trusthub.sandbox import Sandbox
from trusthub.sandbox.sids import is_sid
from trusthub.sandbox.transport import server_client


def _run(workspace: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = run_cli("sandbox", *args, workspace=workspace, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _submitted(workspace: Path, callback: str | None = None) -> str:
    with Sandbox.from_settings(default_settings(workspace), review_delay=3600) as sandbox:
        client = sandbox.client()
        built = b.submittable(client, callback=callback)
        client.trusthub.v1.customer_profiles(built.sid).update(status="pending-review")
        return built.sid


def test_approve_and_reject(tmp_path: Path) -> None:
    sid = _submitted(tmp_path)
    code, out, _ = _run(tmp_path, "reject", sid, "--reason", "[address_sids] - Invalid Street.")
    assert code == 0
    assert out.splitlines() == [
        f"{sid} (BrightSmile Dental): twilio-rejected",
        "  reason: [address_sids] - Invalid Street.",
    ]
    code, out, _ = _run(tmp_path, "approve", sid)
    assert code == 0
    assert out.startswith(f"{sid} (BrightSmile Dental): twilio-approved, valid until ")


def test_unknown_name_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, "approve", "acme-isv")
    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
    assert "'acme-isv'" in err


def test_operator_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path, "approve", "BU" + "0" * 32)
    assert code == 1
    assert err.startswith("error: the sandbox has no customer profile or trust product")
    code, _, err = _run(tmp_path, "serve", "--host", "0.0.0.0")
    assert code == 1
    assert "loopback only" in err
    code, _, err = _run(tmp_path, "serve", "--fault", "flood=0.5")
    assert code == 2
    assert "the kind must be one of" in err


def test_callbacks_listing(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "callbacks")
    assert (code, out) == (0, "no status callbacks yet\n")
    sid = _submitted(tmp_path, callback="https://hooks.example.com/trusthub")
    _run(tmp_path, "reject", sid, "--reason", "[email] - Unknown email domain.")
    code, out, _ = _run(tmp_path, "callbacks", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [(r["state"], r["params"]["Status"]) for r in records] == [
        ("outbox", "pending-review"),
        ("outbox", "twilio-rejected"),
    ]
    assert records[1]["params"]["FailureReason"] == "[email] - Unknown email domain."
    code, out, _ = _run(tmp_path, "callbacks")
    lines = out.splitlines()
    assert lines[0].split()[2:5] == ["outbox", "pending-review", sid]
    assert "reason: [email] - Unknown email domain." in out


def test_reset_asks_first(tmp_path: Path) -> None:
    sid = _submitted(tmp_path)
    code, _, _ = _run(tmp_path, "reset", stdin="n\n")
    assert code == 1  # aborted
    with Sandbox.from_settings(default_settings(tmp_path)) as sandbox:
        assert sandbox.bundle(sid).status == "in-review"
    code, out, _ = _run(tmp_path, "reset", "--yes")
    assert code == 0
    assert out.startswith("sandbox reset")
    with Sandbox.from_settings(default_settings(tmp_path)) as sandbox:
        assert sandbox.client().trusthub.v1.customer_profiles.list() == []


def test_serve_command_answers_the_sdk(tmp_path: Path) -> None:
    sid, token = "AC" + "c" * 32, "env-token"
    with Sandbox.from_settings(default_settings(tmp_path)) as sandbox:
        sub = sandbox.account_credentials(sandbox.create_subaccount("Customer A").sid)
    env = {**os.environ, "TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token}
    command = [*COMMAND, "-C", str(tmp_path), "sandbox", "serve"]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            assert first.startswith("Trust Hub sandbox listening on http://127.0.0.1:")
            client = server_client(first.split()[-1], sid, token)
            assert len(client.trusthub.v1.policies.list()) >= 15
            # Every account's credentials: the subaccount's act in the subaccount.
            in_sub = server_client(first.split()[-1], *sub)
            made = in_sub.trusthub.v1.end_users.create(friendly_name="A", type="business")
            assert made.account_sid == sub[0]
            assert client.trusthub.v1.end_users.list() == []
            assert [a.owner_account_sid for a in client.api.v2010.accounts.list()] == [sid, sid]
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
            # Not communicate(): it reads the pipe itself and misses what readline() buffered.
            out = process.stdout.read() if process.stdout is not None else ""
    assert process.returncode == 0
    assert "auth token   from TWILIO_AUTH_TOKEN" in out
    assert "subaccounts  1, each with its own credentials" in out
    assert out.rstrip().endswith("stopped")


def test_subaccounts_in_the_console(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path, "console", "create-subaccount", "BrightSmile Dental")
    assert code == 0
    sid = out.strip()
    assert is_sid(sid, "AC")  # the SID only, as create-primary's
    with Sandbox.from_settings(default_settings(tmp_path)) as sandbox:
        parent, token = sandbox.account_sid, sandbox.account_credentials(sid)[1]
    code, out, _ = _run(tmp_path, "accounts")
    assert code == 0
    assert out.splitlines() == [
        f"{parent}  active     parent  trusthub sandbox",
        f"{sid}  active     subaccount of {parent}  BrightSmile Dental",
    ]
    assert token not in out
    code, out, _ = _run(tmp_path, "console", "suspend-account", sid)
    assert (code, out) == (0, f"{sid} (BrightSmile Dental): suspended\n")
    code, out, _ = _run(tmp_path, "console", "close-account", sid)
    assert (code, out) == (0, f"{sid} (BrightSmile Dental): closed\n")
    code, out, _ = _run(tmp_path, "accounts", "--format", "json")
    assert json.loads(out) == [
        {"sid": parent, "friendly_name": "trusthub sandbox", "status": "active",
         "parent_sid": None},
        {"sid": sid, "friendly_name": "BrightSmile Dental", "status": "closed",
         "parent_sid": parent},
    ]  # fmt: skip
    assert token not in out

    code, _, err = _run(tmp_path, "console", "suspend-account", sid)
    assert code == 1
    assert err.startswith("error: ")
    assert "cannot be reopened" in err
    code, _, err = _run(tmp_path, "console", "close-account", "acme")
    assert code == 1
    assert "'acme' is not an account SID" in err
    code, _, err = _run(tmp_path, "console", "close-account", parent)
    assert code == 1
    assert "parent account stays active" in err
    code, _, err = _run(tmp_path, "console", "close-account", "AC" + "0" * 32)
    assert code == 1
    assert "the sandbox has no account" in err

    code, _, _ = _run(tmp_path, "reset", "--yes")
    assert code == 0
    code, out, _ = _run(tmp_path, "accounts")
    assert out.splitlines() == [f"{parent}  active     parent  trusthub sandbox"]
