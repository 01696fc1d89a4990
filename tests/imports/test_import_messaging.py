"""`trusthub import` of what lives on the messaging API: an account's A2P brand, the
campaigns on it with their Messaging Services (made by another tool, not trusthub), and
toll-free verifications, seeded through the stock SDK over `sandbox serve`. Imported, they
are in the files as a person would write them and in the state as apply records them: the
next plan registers no brand, campaign, service or verification again (a brand costs a fee)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.imports.conftest import Account, Workspace, example
from trusthub.sandbox.transport import server_client
from trusthub.state import open_store

# The services another tool made, by the campaign each sends (their friendly names become
# the campaigns' declared names: README "Importing").
SERVICES = {"reminders": "BrightSmile reminders", "offers": "BrightSmile offers!"}
PROFILE = "brightsmile-dental-group-llc"
GOLDEN = Path(__file__).parent / "golden"


def _without_sids(text: str) -> str:
    return re.sub(r"\b([A-Z]{2})[0-9a-f]{32}\b", r"\1...", text)


def _seed_brightsmile(account: Account, primary: str) -> dict[str, object]:
    data = example("brightsmile-dental")
    account.seed_profile(data, primary=primary)
    account.submit(data["name"], approve=True)
    account.seed_products(data)
    account.submit(f"{data['name']}/a2p_messaging", approve=True)
    account.seed_messaging(data, services=SERVICES)
    return data


def _primary(account: Account) -> str:
    primary = example("acme-isv")
    primary.pop("trust_products")
    return account.seed_console_primary(primary)


def _no_messaging_changes(workspace: Workspace, *, code: int = 0) -> None:
    plan = workspace.run("plan", "--detailed-exitcode", code=code).output
    for kind in ("a2p_brand", "a2p_campaign", "messaging_service", "tollfree_verification"):
        assert kind not in plan, plan
    assert "Plan: 0 to create, 0 to update" in plan or "no changes" in plan.lower(), plan


def test_brands_campaigns_and_verifications_are_imported_and_never_made_again(
    account: Account, workspace: Workspace, golden: Callable[[str, Path], None]
) -> None:
    _seed_brightsmile(account, _primary(account))
    out = workspace.run("import", "--all").output
    sids = account.sids
    assert f"  with A2P brand {sids['brightsmile-dental/a2p-brand']}, APPROVED" in out, out
    assert "  with campaign brightsmile-reminders QE" in out
    assert "  with campaign brightsmile-offers QE" in out
    assert "  with toll-free verification tollfree-0142 HH" in out
    assert "could not be mapped" not in out, out
    assert "skipped" not in out, out
    text = workspace.files()[f"{PROFILE}.yaml"]
    doc = yaml.safe_load(text)
    a2p = doc["trust_products"]["a2p_messaging"]
    # the name the samples use (Twilio keeps none)
    assert a2p["brand"] == {"type": "standard", "name": "BrightSmile"}
    original = example("brightsmile-dental")["trust_products"]["a2p_messaging"]["campaigns"]
    names = {"reminders": "brightsmile-reminders", "offers": "brightsmile-offers"}
    # made in the same second: in their services' names' order
    assert a2p["campaigns"] == [{**c, "name": names[c["name"]]} for c in reversed(original)]
    assert (
        doc["toll_free_verifications"] == example("brightsmile-dental")["toll_free_verifications"]
    )
    golden(_without_sids(text), GOLDEN / f"{PROFILE}.yaml")
    workspace.run("validate")
    workspace.run("plan", "--no-refresh", "--detailed-exitcode")
    _no_messaging_changes(workspace)
    # Recorded as apply records them: the same roles and SIDs.
    with open_store(str(workspace.root / ".trusthub" / "state.db"), "imported") as store:
        brand = store.resource("a2p_brand", f"{PROFILE}/a2p-brand")
        assert brand is not None
        assert brand.status == "APPROVED"
        assert store.sids("a2p_brand", f"{PROFILE}/a2p-brand") == {
            "brand": sids["brightsmile-dental/a2p-brand"]
        }
        assert (brand.evaluation or {}).get("tcr_id"), brand.evaluation
        for declared, original_name in (("brightsmile-reminders", "reminders"),
                                        ("brightsmile-offers", "offers")):  # fmt: skip
            service = sids[f"brightsmile-dental/messaging-service-{original_name}"]
            campaign = sids[f"brightsmile-dental/a2p-campaign-{original_name}"]
            assert store.sids("a2p_campaign", f"{PROFILE}/a2p-campaign-{declared}") == {
                "campaign": campaign,
                "service": service,
            }
            service_roles = store.sids(
                "messaging_service", f"{PROFILE}/messaging-service-{declared}"
            )
            assert service_roles["service"] == service
            assert [r for r in service_roles if r.startswith("number:")], service_roles
        verification = store.sids("tollfree_verification", f"{PROFILE}/tollfree-0142")
        assert verification["verification"] == sids["brightsmile-dental/tollfree-0142"]
        assert len([r for r in verification if r.startswith("number:")]) == 1
    # `import --update` takes them again under the names the state records: no change.
    workspace.run("import", "--update", PROFILE)
    assert workspace.files()[f"{PROFILE}.yaml"] == text
    _no_messaging_changes(workspace)
    # Apply has nothing to do: no second brand registration, no second campaign.
    workspace.run("apply", "--auto-approve")
    assert len(account.client.messaging.v1.brand_registrations.list()) == 1
    assert len(account.client.messaging.v1.services.list()) == 2
    assert len(account.client.messaging.v1.tollfree_verifications.list()) == 1


def test_a_subaccounts_brand_is_imported_into_its_file_with_its_account(
    account: Account, workspace: Workspace
) -> None:
    primary = _primary(account)
    sub = account.sandbox.create_subaccount("BrightSmile Dental")
    token = account.sandbox.account_credentials(sub.sid)[1]
    client = server_client(account.url, sub.sid, token, http_client=account.checker)
    in_sub = dataclasses.replace(account, client=client, sids={})
    _seed_brightsmile(in_sub, primary)
    (workspace.root / "trusthub.yaml").write_text(
        "apiVersion: trusthub/v1\nkind: Workspace\nname: imported\ntarget: twilio\n"
        f"accounts:\n  brightsmile: {{sid: {sub.sid}}}\n",
        encoding="utf-8",
    )
    out = workspace.run("import", "--all").output
    assert f"  with A2P brand {in_sub.sids['brightsmile-dental/a2p-brand']}, APPROVED" in out
    doc = yaml.safe_load(workspace.files()[f"{PROFILE}.yaml"])
    assert doc["account"] == "brightsmile"
    assert doc["trust_products"]["a2p_messaging"]["brand"]["type"] == "standard"
    assert len(doc["trust_products"]["a2p_messaging"]["campaigns"]) == 2
    workspace.run("validate")
    # Only the subaccount itself is planned: adopted (import reads, it records no account).
    _no_messaging_changes(workspace, code=4)
    assert account.client.messaging.v1.brand_registrations.list() == []  # none in the parent


def test_a_campaign_the_format_cannot_express_is_reported_not_dropped(
    account: Account, workspace: Workspace
) -> None:
    _seed_brightsmile(account, _primary(account))
    service = account.sids["brightsmile-dental/messaging-service-offers"]
    account.client.messaging.v1.services(service).update(usecase="notifications")
    out = workspace.run("import", "--all").output
    assert "! trust_products.a2p_messaging.campaigns.0: its Messaging Service" in out, out
    assert "1 value(s) could not be mapped" in out
    text = workspace.files()[f"{PROFILE}.yaml"]
    assert "# trusthub import: Trust Hub holds {usecase: notifications}" in text, text
    workspace.run("validate")


def test_dry_run_shows_the_brand_and_campaigns_and_writes_nothing(
    account: Account, workspace: Workspace
) -> None:
    _seed_brightsmile(account, _primary(account))
    out = workspace.run("import", "--all", "--dry-run").output
    assert "    brand:\n      type: standard\n      name: BrightSmile\n" in out, out
    assert "- name: brightsmile-reminders" in out
    for number in ("+15125550140", "+15125550141"):  # campaign numbers are masked
        assert number not in out
    assert "+18885550142" not in out, out  # and so is the toll-free verification's
    assert re.search(r"toll_free_verifications:\n  - number: <sensitive:[0-9a-f]{4}>\n", out), out
    assert not (workspace.root / "profiles").exists() or workspace.files() == {}
    # Nothing recorded: a real import afterwards still finds everything to import.
    assert "with A2P brand BN" in workspace.run("import", "--all").output
