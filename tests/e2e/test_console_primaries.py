"""Primaries are made in the Twilio Console and adopted by SID (issue 11, item 1).

Against `target: twilio` aimed at a loopback sandbox server (the TRUSTHUB_TWILIO_BASE_URL
hook), every request trusthub sends is inspected: none creates a bundle with a primary
policy, and none writes the primary bundle (status or fields); its phone numbers are the
only thing assigned to it. The adoption's checks fail with the profile, the SID and the fix.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cli import run_cli
from tests.support.console import console_primaries
from tests.support.example import copy_example, write_settings
from trusthub.app.console import console_form
from trusthub.model import mapping
from trusthub.sandbox import Sandbox
from trusthub.sandbox import policies as p
from trusthub.sandbox.console import create_primary
from trusthub.sandbox.protocol import Reply, Request
from trusthub.sandbox.server import SandboxServer

REPO = Path(__file__).resolve().parents[2]
ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "t" * 32
PRIMARY_POLICIES = {p.PRIMARY_BUSINESS, p.PRIMARY_INDIVIDUAL}


def _profiles(ws: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((ws / "profiles").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["name"]] = data
    return out


@dataclass
class Recorded:
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def twilio_side(tmp_path: Path) -> Iterator[tuple[Sandbox, SandboxServer, Recorded]]:
    """A loopback sandbox server standing in for Twilio, recording every request."""
    with Sandbox(tmp_path / "twilio.db", credentials=(ACCOUNT_SID, AUTH_TOKEN)) as sb:
        recorded = Recorded()
        dispatch = sb.app.dispatch

        def recording(request: Request) -> Reply:
            with recorded.lock:
                recorded.requests.append((request.method, request.path, dict(request.form)))
            return dispatch(request)

        sb.app.dispatch = recording  # type: ignore[method-assign]
        with SandboxServer(sb, "127.0.0.1", 0).start() as server:
            yield sb, server, recorded


def test_on_twilio_no_request_creates_a_primary_or_writes_one(
    tmp_path: Path,
    twilio_side: tuple[Sandbox, SandboxServer, Recorded],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sb, server, recorded = twilio_side
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    ws = tmp_path / "ws"
    copy_example(ws)
    # The account as Twilio hands it over: the primaries made in the Console, approved,
    # the subaccount of northwind-outfitters opened, and the numbers bought (on real Twilio
    # trusthub buys none: a client's are bought in its subaccount, so that one exists
    # before apply and is declared by SID).
    northwind = sb.create_subaccount("Northwind Outfitters").sid
    write_settings(
        ws,
        "apiVersion: trusthub/v1\nkind: Workspace\nname: live\ntarget: twilio\n"
        f"accounts:\n  northwind: {{sid: {northwind}}}\n",
    )
    profiles = _profiles(ws)
    client = sb.client()
    primaries = {}
    for name, data in profiles.items():
        if data["role"] == "primary":
            primaries[name] = create_primary(sb, console_form(data)).sid
    for data in profiles.values():
        owner = sb.client(northwind) if data.get("account") == "northwind" else client
        for number in data.get("phone_numbers", []):
            owner.incoming_phone_numbers.create(phone_number=number)
    assert primaries == {n: profiles[n]["sid"] for n in primaries}

    def held(sid: str) -> tuple[str, str, str, str]:
        # What the Console owns (its `date_updated` moves when its numbers are assigned).
        b = client.trusthub.v1.customer_profiles(sid).fetch()
        return (b.status, b.friendly_name, b.email, b.policy_sid)

    before = {sid: held(sid) for sid in primaries.values()}
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TRUSTHUB_TWILIO_BASE_URL": server.url,
    }

    def run(*args: str, code: int = 0) -> str:
        return run_cli(*args, workspace=ws, env=env, code=code).stdout

    planned = run("plan", "--format", "json")
    verbs = {(a["resource"], a["verb"]) for a in yaml.safe_load(planned)["actions"]}
    for name in primaries:
        assert (name, "adopt") in verbs
        assert not {(name, v) for v in ("create", "submit", "update", "delete")} & verbs
    for _ in range(4):  # adopt, create and submit; the sandbox decides; products; brands
        run("apply", "--auto-approve")
    # The primary's YAML edited: drift to make in the Console, nothing sent for it.
    path = ws / "profiles" / "acme-isv.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Head of Compliance", "Compliance Lead"), encoding="utf-8")
    assert "≠ drift     acme-isv" in run("plan", "--detailed-exitcode", code=4)
    assert "Nothing to apply." in run("apply", "--auto-approve")
    path.write_text(text, encoding="utf-8")
    run("plan", "--detailed-exitcode")  # converged: nothing left to do
    run("refresh")
    status = run("status")
    # (an ACCOUNT column once a profile lives in a subaccount, which is a row of its own)
    assert "acme-isv                 primary     business    parent     twilio-approved" in status

    posts = [(path, form) for method, path, form in recorded.requests if method == "POST"]
    assert posts, "trusthub sent nothing"
    created = [form for path, form in posts if path == "/v1/CustomerProfiles"]
    assert created  # the secondaries
    assert all(form["PolicySid"][0] not in PRIMARY_POLICIES for form in created)
    for sid in primaries.values():
        bundle = f"/v1/CustomerProfiles/{sid}"
        written = [path for path, _ in posts if path == bundle]
        assert written == [], f"a request wrote the primary {sid}"
        assert not [m for m, path, _ in recorded.requests if m == "DELETE" and path == bundle]
        subs = {path.removeprefix(bundle) for path, _ in posts if path.startswith(bundle + "/")}
        assert subs <= {"/ChannelEndpointAssignments"}, subs  # its numbers, nothing else
        assert held(sid) == before[sid]
    # Each secondary names the adopted primary in its entity assignments.
    secondary = yaml.safe_load(run("status", "--format", "json"))
    assert {p["profile"] for p in secondary["profiles"]} == {*profiles, "account:northwind"}
    assigned = {
        form["ObjectSid"][0]
        for path, form in posts
        if path.endswith("/EntityAssignments") and "ObjectSid" in form
    }
    assert primaries["acme-isv"] in assigned


@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example workspace on the embedded sandbox, its Console still empty."""
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    ws = tmp_path / "ws"
    copy_example(ws)
    return ws


def _failure(ws: Path, resource: str) -> str:
    result = run_cli("apply", "--auto-approve", workspace=ws, code=1)
    return next(ln for ln in result.stderr.splitlines() if f"adopt {resource}:" in ln)


def test_adopting_an_unknown_sid_fails_with_the_fix(local: Path) -> None:
    line = _failure(local, "acme-isv")
    assert "acme-isv (profiles/acme-isv.yaml): there is no customer profile" in line
    assert "BUf05d83172ffb9b8de2e18c6fdbdb18fd" in line
    assert "`trusthub sandbox console create-primary profiles/acme-isv.yaml`" in line
    # Once the Console has made it (here: the sandbox playing it), the same apply adopts it.
    console_primaries(local)
    run_cli("apply", "--auto-approve", workspace=local, code=0)
    run_cli("plan", "--detailed-exitcode", "--no-refresh", workspace=local, code=0)


def test_adopting_a_secondary_profile_sid_fails_with_the_fix(local: Path) -> None:
    console_primaries(local)
    with Sandbox(local / ".trusthub" / "sandbox.db") as sb:
        other = sb.client().trusthub.v1.customer_profiles.create(
            friendly_name="a brand", email="x@example.com", policy_sid=p.SECONDARY_BUSINESS
        )
    path = local / "profiles" / "acme-isv.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("BUf05d83172ffb9b8de2e18c6fdbdb18fd", other.sid), "utf-8")
    line = _failure(local, "acme-isv")
    assert f"{other.sid} is not a primary customer profile" in line
    assert mapping.POLICY_PRIMARY_BUSINESS in line
    assert "put the SID of the account's primary profile in `sid:`" in line


def test_adopting_a_primary_that_is_not_an_isv_fails_when_secondaries_name_it(
    local: Path,
) -> None:
    profiles = _profiles(local)
    profiles["acme-isv"]["business"]["identity"] = "Direct Customer"  # as made in the Console
    with Sandbox(local / ".trusthub" / "sandbox.db") as sb:
        for name in ("acme-isv", "jordan-rivera"):
            create_primary(sb, console_form(profiles[name]))
    line = _failure(local, "acme-isv")
    assert "BUf05d83172ffb9b8de2e18c6fdbdb18fd has business identity direct_customer" in line
    assert "brightsmile-dental" in line
    assert "ISV Reseller or Partner" in line
    # Without secondaries naming it, the same primary is adopted.
    for name, data in profiles.items():
        if data["role"] == "secondary":
            (local / "profiles" / f"{name}.yaml").unlink()
    run_cli("apply", "--auto-approve", workspace=local, code=0)
