"""ISVs with one subaccount per client (issue 14): the parent holds the Console-owned
primary, each client's secondary and everything it asks for live in its own subaccount,
made with that subaccount's credentials (read through the parent), and linked to the
parent's primary.

The workspace: the example's ISV primary in the parent, three clients in three
subaccounts (two that exist already, one trusthub creates). The stock twilio SDK with each
subaccount's own credentials then finds exactly that client's objects there, and nothing of
the others'."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.support.cli import run_cli
from tests.support.console import console_primaries
from tests.support.example import write_settings
from trusthub.config.settings_file import load_settings
from trusthub.sandbox import Sandbox
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
CLIENTS = {  # profile -> account
    "brightsmile-dental": "brightsmile",
    "greenfield-growers-coop": "greenfield",
    "maple-leaf-freight": "mapleleaf",
}


def _move_to(path: Path, account: str) -> None:
    # Appended as text: dumping the file again would unquote strings YAML 1.2 reads as numbers.
    with path.open("a", encoding="utf-8") as f:
        f.write(f"account: {account}\n")


@pytest.fixture
def isv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """The workspace, and the SIDs of the two subaccounts that existed before trusthub."""
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    ws = tmp_path / "ws"
    (ws / "profiles").mkdir(parents=True)
    shutil.copy(REPO / "profiles" / "acme-isv.yaml", ws / "profiles")
    for profile, account in CLIENTS.items():
        shutil.copy(REPO / "profiles" / f"{profile}.yaml", ws / "profiles")
        _move_to(ws / "profiles" / f"{profile}.yaml", account)
    write_settings(ws, "apiVersion: trusthub/v1\nkind: Workspace\nname: isv\n")
    settings = load_settings(ws)
    with Sandbox.from_settings(settings) as sb:  # the ISV made two subaccounts in the Console
        existing = {
            "brightsmile": sb.create_subaccount("BrightSmile Dental").sid,
            "greenfield": sb.create_subaccount("Greenfield Growers").sid,
        }
    write_settings(
        ws,
        "apiVersion: trusthub/v1\nkind: Workspace\nname: isv\naccounts:\n"
        f"  brightsmile: {{sid: {existing['brightsmile']}}}\n"
        f"  greenfield: {{sid: {existing['greenfield']}}}\n"
        "  mapleleaf: {friendly_name: Maple Leaf Freight}\n",
    )
    console_primaries(ws)
    return ws, existing


def _friendly_name(ws: Path, profile: str) -> str:
    data = yaml.safe_load((ws / "profiles" / f"{profile}.yaml").read_text("utf-8"))
    return str(data.get("friendly_name") or data["business"]["legal_name"])


def _holdings(sb: Sandbox, account_sid: str | None) -> dict[str, set[str]]:
    """What the stock SDK sees with one account's own credentials."""
    client = sb.client(account_sid)
    v1 = client.trusthub.v1
    return {
        "profiles": {p.friendly_name for p in v1.customer_profiles.list()},
        "products": {p.friendly_name for p in v1.trust_products.list()},
        "end_users": {e.sid for e in v1.end_users.list()},
        "numbers": {n.phone_number for n in client.incoming_phone_numbers.list()},
        "brands": {b.sid for b in client.messaging.v1.brand_registrations.list()},
    }


def test_three_clients_in_three_subaccounts_converge_apart(
    isv: tuple[Path, dict[str, str]],
) -> None:
    ws, existing = isv
    plan = run_cli("plan", workspace=ws).output
    assert "+ create    subaccount account:mapleleaf" in plan, plan
    assert "⇐ adopt     subaccount account:brightsmile" in plan
    assert "in account brightsmile" in plan

    run_cli("apply", "--auto-approve", workspace=ws)
    with open_store(str(ws / ".trusthub" / "state.db"), "isv") as store:
        recorded = {r.name: r for r in store.snapshot()}
        made = store.sids("subaccount", "account:mapleleaf")["account"]
    for profile, account in CLIENTS.items():
        assert recorded[profile].account == account
        assert recorded[profile].status == "pending-review", profile
    assert recorded["acme-isv"].account == "parent"

    settings = load_settings(ws)
    with Sandbox.from_settings(settings) as sb:
        accounts = {a.friendly_name: a for a in sb.accounts()}
        assert accounts["Maple Leaf Freight"].sid == made  # exactly one was created
        assert sum(a.friendly_name == "Maple Leaf Freight" for a in sb.accounts()) == 1
        sids = {**existing, "mapleleaf": made}
        parent = _holdings(sb, None)
        assert parent["profiles"] == {_friendly_name(ws, "acme-isv")}
        seen: dict[str, dict[str, set[str]]] = {}
        for profile, account in CLIENTS.items():
            held = _holdings(sb, sids[account])
            data = yaml.safe_load((ws / "profiles" / f"{profile}.yaml").read_text("utf-8"))
            assert held["profiles"] == {_friendly_name(ws, profile)}, (account, held)
            assert set(data["phone_numbers"]) == held["numbers"], account
            seen[account] = held
        for a in seen:  # nothing of one client is in another's account
            for b in seen:
                if a != b:
                    for what in ("profiles", "end_users", "numbers"):
                        assert not seen[a][what] & seen[b][what], (a, b, what)
        # The secondary in a subaccount is linked to the parent's primary.
        primary_sid = yaml.safe_load((ws / "profiles" / "acme-isv.yaml").read_text("utf-8"))["sid"]
        client = sb.client(sids["brightsmile"])
        (secondary,) = client.trusthub.v1.customer_profiles.list()
        linked = {
            a.object_sid
            for a in client.trusthub.v1.customer_profiles(
                secondary.sid
            ).customer_profiles_entity_assignments.list()
        }
        assert primary_sid in linked

    # Every review the sandbox decides unlocks the next step, each in its subaccount, until
    # nothing is left to do: then the plan is empty.
    run_cli("apply", "--auto-approve", "--wait", workspace=ws)
    final = run_cli("plan", "--detailed-exitcode", workspace=ws, code=None)
    assert final.exit_code == 0, final.output
    with open_store(str(ws / ".trusthub" / "state.db"), "isv") as store:
        done = {r.name: (r.account, r.status) for r in store.snapshot()}
    assert done["brightsmile-dental/a2p-campaign-reminders"] == ("brightsmile", "VERIFIED")
    assert done["greenfield-growers-coop/cnam"] == ("greenfield", "twilio-approved")
    with Sandbox.from_settings(settings) as sb:
        campaigns = [
            c
            for service in sb.client(sids["brightsmile"]).messaging.v1.services.list()
            for c in service.us_app_to_person.list()
        ]
        assert len(campaigns) == 2
        assert not sb.client(None).messaging.v1.services.list()  # none in the parent

    # The state is lost, and the files with it: `import --all` reads the parent and every
    # declared subaccount with its own credentials; each client's file names its account.
    (ws / ".trusthub" / "state.db").unlink()
    for path in (ws / "profiles").glob("*.yaml"):
        path.unlink()
    imported = run_cli("import", "--all", workspace=ws).output
    assert "skipped account mapleleaf: not made yet" in imported, imported
    written = {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in (ws / "profiles").glob("*")}
    by_legal = {
        str(d.get("business", {}).get("legal_name") or d.get("friendly_name")): d
        for d in written.values()
    }
    assert by_legal["BrightSmile Dental Group LLC"]["account"] == "brightsmile"
    assert by_legal["Greenfield Growers Cooperative"]["account"] == "greenfield"
    assert "account" not in by_legal["Acme Messaging, Inc."], by_legal.keys()
    run_cli("validate", workspace=ws)
    # The plan makes nothing: the declared subaccounts are read, the one trusthub created is
    # found again by its friendly name, never made twice.
    after = run_cli("plan", workspace=ws).output
    assert "+ create    subaccount account:mapleleaf" in after, after
    creates = [line for line in after.splitlines() if line.startswith("  + create")]
    assert creates == ["  + create    subaccount account:mapleleaf  [(none) -> active]"], after
    run_cli("apply", "--auto-approve", workspace=ws)
    with Sandbox.from_settings(settings) as sb:
        assert sum(a.friendly_name == "Maple Leaf Freight" for a in sb.accounts()) == 1
        assert len(sb.client(sids["brightsmile"]).trusthub.v1.customer_profiles.list()) == 1


def test_a_suspended_or_closed_subaccount_is_reported_not_crashed_on(
    isv: tuple[Path, dict[str, str]],
) -> None:
    ws, existing = isv
    run_cli("apply", "--auto-approve", workspace=ws)
    settings = load_settings(ws)
    with Sandbox.from_settings(settings) as sb:
        sb.set_account_status(existing["brightsmile"], "suspended")
        sb.set_account_status(existing["greenfield"], "closed")
    done = run_cli("refresh", workspace=ws)
    assert "warning: account brightsmile was not read: subaccount AC…" in done.stderr
    assert "is suspended" in done.stderr, done.stderr
    assert "is closed" in done.stderr, done.stderr
    for sid in existing.values():
        assert sid not in done.output + done.stderr  # shown masked
    plan = run_cli("plan", workspace=ws, code=None).output
    assert "account brightsmile is suspended: nothing can be made in it" in plan, plan
    assert "account greenfield is closed" in plan, plan
    status = run_cli("status", "--format", "json", workspace=ws).output
    assert '"account": "greenfield"' in status


def test_a_subaccount_is_closed_only_when_asked_by_name(
    isv: tuple[Path, dict[str, str]],
) -> None:
    ws, existing = isv
    run_cli("apply", "--auto-approve", workspace=ws)
    # Offboarding a client: its file and its subaccount leave the workspace.
    (ws / "profiles" / "greenfield-growers-coop.yaml").unlink()
    settings_file = ws / "trusthub.yaml"
    settings_file.write_text(
        "".join(
            line
            for line in settings_file.read_text("utf-8").splitlines(keepends=True)
            if "greenfield" not in line
        ),
        encoding="utf-8",
    )
    held = run_cli("plan", "--close-account", "greenfield", workspace=ws, code=1).output
    assert "account:greenfield cannot be deleted: trusthub still manages" in held, held
    run_cli("state", "rm", "greenfield-growers-coop", workspace=ws)
    plan = run_cli("plan", workspace=ws).output
    assert "account:greenfield  [active -> (forgotten)]" in plan, plan
    assert "never closes a subaccount on its own" in plan, plan
    refused = run_cli("plan", "--close-account", "brightsmile", workspace=ws, code=1)
    assert "trusthub.yaml still declares it" in refused.output + refused.stderr
    closing = run_cli("plan", "--close-account", "greenfield", workspace=ws).output
    assert "account:greenfield  [active -> (deleted)]" in closing, closing
    assert "a closed subaccount cannot be reopened" in closing, closing
    run_cli("apply", "--auto-approve", "--close-account", "greenfield", workspace=ws)
    with Sandbox.from_settings(load_settings(ws)) as sb:
        status = {a.sid: a.status for a in sb.accounts()}
    assert status[existing["greenfield"]] == "closed"
    assert status[existing["brightsmile"]] == "active"
