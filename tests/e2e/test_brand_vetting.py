"""A political brand's Campaign Verify token and a public brand's Authentication+ retry,
end to end through the CLI on the sandbox (reference D.4, D.5):

* the token declared in the brand section is imported as a vetting once TCR registered the
  brand (the plan waits for it, then shows the fee-bearing import); an import whose answer
  was lost is matched by listing the brand's vettings, never posted twice; `status` shows
  the vetting;
* a public brand whose Authentication+ check lapsed (7 days on the sandbox's clock) makes
  campaigns wait with the fix; once brand_contact_email changes in the YAML, the plan
  updates the approved trust product's contact (the one edit Twilio takes) carrying the
  Authentication+ fee, and apply asks TCR for a new check (`POST .../2fa`).

Plans are compared with golden files (SIDs and times normalised). The workspace is the
tests' own (`vetting_workspace`), so it does not depend on the example's files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.vetting_workspace import POLITICAL, PUBLIC, TOKEN, make_workspace
from tests.support.cli import run_cli
from trusthub.app.target import open_target
from trusthub.config.settings_file import load_settings
from trusthub.sandbox import Sandbox
from trusthub.sandbox import brand_review as tcr
from trusthub.state import open_store

GOLDEN = Path(__file__).parent / "golden"
DAY = 86400.0


def _normalise(text: str) -> str:
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z", "<time>", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", text)
    text = re.sub(r"<sensitive:[0-9a-f]{4}>", "<sensitive:xxxx>", text)  # keyed by the lineage
    return re.sub(r"\b[A-Z]{2}[0-9a-f]{32}\b", "<sid>", text)


def _sandbox(ws: Path) -> Sandbox:
    target = open_target(load_settings(ws, environ={}))
    sandbox: Sandbox = target.retrying.inner.sandbox
    return sandbox


def _sid(ws: Path, kind: str, name: str, role: str) -> str | None:
    settings = load_settings(ws, environ={})
    with open_store(settings.state, settings.name) as store:
        return store.sids(kind, name).get(role)


def _apply_until(ws: Path, done: Callable[[], bool], *, rounds: int = 6) -> None:
    for _ in range(rounds):
        run_cli("apply", "--auto-approve", workspace=ws, code=0)
        if done():
            return
    raise AssertionError("apply never got there")


def test_a_campaign_verify_token_is_imported_once_the_brand_is_registered(
    tmp_path: Path, golden: Callable[[str, Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    ws = make_workspace(tmp_path, ("parks-for-all", POLITICAL))
    first = run_cli("plan", workspace=ws)
    assert "create waits for parks-for-all/a2p-brand to be APPROVED" in first.stdout
    # Apply until the brand is registered (its profile and trust product approved on read).
    _apply_until(ws, lambda: _sid(ws, "a2p_brand", "parks-for-all/a2p-brand", "brand") is not None)
    run_cli("refresh", workspace=ws, code=0)
    plan = run_cli("plan", workspace=ws)
    golden(_normalise(plan.stdout), GOLDEN / "vetting-import-plan.txt")
    assert "$ fee-bearing: vetting import" in plan.stdout
    assert "vetting import" in run_cli("plan", "--format", "json", workspace=ws).stdout

    applied = run_cli("apply", "--auto-approve", workspace=ws, code=0)
    assert "created vetting VT" in applied.stdout + applied.stderr
    brand = _sid(ws, "a2p_brand", "parks-for-all/a2p-brand", "brand")
    assert brand is not None
    listed = _sandbox(ws).client().messaging.v1.brand_registrations(brand).brand_vettings.list()
    assert [(v.vetting_provider, v.vetting_class, v.vetting_id) for v in listed] == [
        ("campaign-verify", "POLITICAL", TOKEN)
    ]
    status = run_cli("status", workspace=ws, code=0).stdout
    assert "vetting campaign-verify SUCCESS" in status
    assert "Nothing to apply." in run_cli("apply", "--auto-approve", workspace=ws).stdout


def test_a_lapsed_authentication_plus_is_retried_with_the_new_contact(
    tmp_path: Path, golden: Callable[[str, Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    ws = make_workspace(tmp_path, ("lakeshore-holdings", PUBLIC))
    name = "lakeshore-holdings/a2p-brand"
    _apply_until(ws, lambda: _sid(ws, "a2p_brand", name, "brand") is not None)
    brand = _sid(ws, "a2p_brand", name, "brand")
    assert brand is not None
    sandbox = _sandbox(ws)
    assert sandbox.client().messaging.v1.brand_registrations(brand).fetch().status == "APPROVED"
    # Eight days later the contact never clicked: TCR fails the check.
    later = sandbox.clock() + 8 * DAY
    tcr.settle(sandbox.store, lambda: later)
    run_cli("refresh", workspace=ws, code=0)
    status = run_cli("status", workspace=ws, code=0).stdout
    assert "Authentication+ FAILED" in status
    assert "21736" in status
    unchanged = run_cli("plan", workspace=ws)
    assert "$ fee-bearing" not in unchanged.stdout  # nothing is paid until the contact changes

    path = ws / "profiles" / "lakeshore-holdings.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("brand@lakeshore", "trust@lakeshore"),
        encoding="utf-8",
    )
    plan = run_cli("plan", workspace=ws)
    golden(_normalise(plan.stdout), GOLDEN / "authentication-retry-plan.txt")
    assert "POST .../2fa" in plan.stdout
    assert "$ fee-bearing: Authentication+" in plan.stdout
    applied = run_cli("apply", "--auto-approve", workspace=ws, code=0)
    assert "a new Authentication+ check was asked for" in applied.stdout + applied.stderr
    answer = sandbox.client().messaging.v1.brand_registrations(brand).fetch()
    assert (answer.status, answer.identity_status, answer.errors) == ("APPROVED", "UNVERIFIED", [])
    users = [
        u.attributes
        for u in sandbox.client().trusthub.v1.end_users.list()
        if u.type == "us_a2p_messaging_profile_information"
    ]
    assert [u["brand_contact_email"] for u in users] == ["trust@lakeshore-holdings.example.com"]
    # The new check is under way: nothing more to pay, nothing more to apply.
    again = run_cli("apply", "--auto-approve", workspace=ws, code=0)
    assert "Nothing to apply." in again.stdout
    sandbox.confirm_identity(brand)  # the new contact clicked
    run_cli("refresh", workspace=ws, code=0)
    assert "Authentication+ confirmed" in run_cli("status", workspace=ws, code=0).stdout


def test_a_token_campaign_verify_refuses_fails_the_apply_with_its_code_and_a_fix_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    expired = TOKEN.replace("0123456789ab", "000000000000")  # the sandbox's expired token
    ws = make_workspace(tmp_path, ("parks-for-all", POLITICAL.replace(TOKEN, expired)))
    _apply_until(ws, lambda: _sid(ws, "a2p_brand", "parks-for-all/a2p-brand", "brand") is not None)
    failed = run_cli("apply", "--auto-approve", workspace=ws, code=1)
    assert "Twilio error 30714" in failed.stdout + failed.stderr
    assert "Traceback" not in failed.stdout + failed.stderr
    path = ws / "profiles" / "parks-for-all.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(expired, TOKEN), encoding="utf-8")
    run_cli("apply", "--auto-approve", workspace=ws, code=0)  # nothing was recorded: a create
    brand = _sid(ws, "a2p_brand", "parks-for-all/a2p-brand", "brand")
    assert brand is not None
    listed = _sandbox(ws).client().messaging.v1.brand_registrations(brand).brand_vettings.list()
    assert [v.vetting_id for v in listed] == [TOKEN]


def test_a_vetting_the_state_does_not_know_is_adopted_not_imported_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `trusthub import` reads brands back but not their vettings, so after a state rebuilt
    # by import the token may already be on the brand: the first POST looks first.
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    ws = make_workspace(tmp_path, ("parks-for-all", POLITICAL))
    name = "parks-for-all/a2p-brand-vetting"
    _apply_until(ws, lambda: _sid(ws, "a2p_brand_vetting", name, "vetting") is not None)
    vetting = _sid(ws, "a2p_brand_vetting", name, "vetting")
    settings = load_settings(ws, environ={})
    with open_store(settings.state, settings.name) as store, store.transaction() as tx:
        tx.delete_resource("a2p_brand_vetting", name)
    assert "$ fee-bearing: vetting import" in run_cli("plan", workspace=ws).stdout
    applied = run_cli("apply", "--auto-approve", workspace=ws, code=0)
    assert "created vetting" not in applied.stdout + applied.stderr
    assert _sid(ws, "a2p_brand_vetting", name, "vetting") == vetting
    brand = _sid(ws, "a2p_brand", "parks-for-all/a2p-brand", "brand")
    assert brand is not None
    listed = _sandbox(ws).client().messaging.v1.brand_registrations(brand).brand_vettings.list()
    assert [v.vetting_id for v in listed] == [TOKEN]
