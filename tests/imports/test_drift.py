"""Drift: changes made on Trust Hub outside trusthub (here through the stock SDK) are read by
refresh, shown by the plan field by field (Trust Hub's value -> the YAML's), put back by
apply where the lifecycle allows an edit and refused where it does not, with
`trusthub import --update NAME` as the way out."""

from __future__ import annotations

from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.imports.conftest import Account, Workspace, example
from trusthub.report.profile_file import render

THAMES = "thames-tea-partners-llp"  # a draft secondary
GREENFIELD = "greenfield-growers-cooperative"  # an approved secondary


def business_user(account: Account, bundle: str) -> Any:
    v1 = account.client.trusthub.v1
    for a in v1.customer_profiles(bundle).customer_profiles_entity_assignments.list():
        if a.object_sid.startswith("IT"):
            user = v1.end_users(a.object_sid).fetch()
            if user.type == "customer_profile_business_information":
                return user
    raise AssertionError("no business information")


def rename_business(account: Account, example: str, new: str) -> None:
    user = business_user(account, account.sids[example])
    account.client.trusthub.v1.end_users(user.sid).update(
        attributes={**user.attributes, "business_name": new}
    )


def test_a_change_outside_trusthub_is_drift_that_apply_reverts_on_a_draft(
    seeded: Account, workspace: Workspace
) -> None:
    workspace.run("import", "--all")
    rename_business(seeded, "thames-tea-partners", "Thames Tea Traders Ltd")
    refreshed = workspace.run("refresh").output
    # The bundle kept its name, which is no longer the legal name's default: the file would
    # need `friendly_name` to say so, which the plan shows too.
    assert (
        f"{THAMES}: changed on Trust Hub outside trusthub (business.legal_name, friendly_name)"
        in refreshed
    )
    assert "1 changed outside trusthub." in refreshed
    plan = workspace.run("plan", "--no-refresh", "--detailed-exitcode", code=4).output
    assert f"~ update    {THAMES}" in plan, plan
    assert '"Thames Tea Traders Ltd" -> "Thames Tea Partners LLP"' in plan
    workspace.run("apply", "--auto-approve")
    user = business_user(seeded, seeded.sids["thames-tea-partners"])
    assert user.attributes["business_name"] == "Thames Tea Partners LLP"
    assert "changed outside" not in workspace.run("refresh").output
    workspace.run("plan", "--detailed-exitcode")
    history = workspace.run("history", THAMES).output
    assert "drift" in history
    assert "    changed outside trusthub: business.legal_name, friendly_name" in history
    # The update that put it back says what it changed.
    assert (
        '    business.legal_name: "Thames Tea Traders Ltd" -> "Thames Tea Partners LLP"' in history
    )


def test_numbers_unassigned_outside_trusthub_are_assigned_again(
    seeded: Account, workspace: Workspace
) -> None:
    workspace.run("import", "--all")
    v1 = seeded.client.trusthub.v1
    assignments = v1.customer_profiles(
        seeded.sids["greenfield-growers-coop"]
    ).customer_profiles_channel_endpoint_assignment
    for a in assignments.list():
        assignments(a.sid).delete()
    plan = workspace.run("plan", "--detailed-exitcode", code=4).output  # refreshes first
    assert f"note: {GREENFIELD} was changed on Trust Hub outside trusthub" in plan
    assert f"~ assign    {GREENFIELD}" in plan, plan
    assert "+1312" not in plan  # numbers stay masked
    workspace.run("apply", "--auto-approve")
    assert len(assignments.list()) == 1
    workspace.run("plan", "--detailed-exitcode")


def test_drift_on_an_approved_profile_is_refused_with_import_update_as_the_way_out(
    seeded: Account, workspace: Workspace
) -> None:
    workspace.run("import", "--all")
    # Trust Hub refuses edits to an approved bundle's end users (as the sandbox does): the
    # draft is edited, submitted and approved outside trusthub.
    with pytest.raises(TwilioRestException, match="immutable"):
        rename_business(seeded, "greenfield-growers-coop", "Greenfield Growers Co-op")
    rename_business(seeded, "thames-tea-partners", "Thames Tea Traders Ltd")
    seeded.submit("thames-tea-partners", approve=True)
    refreshed = workspace.run("refresh").output
    assert f"{THAMES}: draft -> twilio-approved" in refreshed  # an observation
    assert f"{THAMES}: changed on Trust Hub outside trusthub" in refreshed  # and drift
    plan = workspace.run("plan", "--no-refresh", code=1).output
    assert f"✗ refused   {THAMES}" in plan, plan
    assert '"Thames Tea Traders Ltd" -> "Thames Tea Partners LLP"' in plan
    assert f"`trusthub import --update {THAMES}` writes them into the file" in plan
    out = workspace.run("import", "--update", THAMES).output
    assert f"overwrote profiles/{THAMES}.yaml" in out, out
    text = workspace.files()[f"{THAMES}.yaml"]
    assert "  legal_name: Thames Tea Traders Ltd\n" in text
    assert "friendly_name: Thames Tea Partners LLP\n" in text
    assert "submit: false" not in text  # no longer a draft
    workspace.run("validate")
    workspace.run("plan", "--detailed-exitcode")
    workspace.run("plan", "--no-refresh", "--detailed-exitcode")


def test_import_update_needs_a_managed_profile(seeded: Account, workspace: Workspace) -> None:
    out = workspace.run("import", "--update", "nobody", code=1).output
    assert "the state records no customer profile named nobody" in out
    assert "trusthub import NAME SID" in out


def test_import_update_keeps_what_trust_hub_does_not_hold(
    account: Account, workspace: Workspace
) -> None:
    """Toll-free verifications and the A2P brand are kinds of their own, `submit` a local
    switch: `import --update` takes Trust Hub's values and keeps these from the file."""
    data = example("brightsmile-dental")
    primary = example("acme-isv")
    primary.pop("trust_products")
    account.seed_console_primary(primary)
    account.seed_profile({**data, "submit": False}, primary=account.sids["acme-isv"])
    workspace.run("import", "--all")
    path = workspace.root / "profiles" / "brightsmile-dental-group-llc.yaml"
    text = path.read_text()
    assert "toll_free_verifications" not in text
    kept = {
        "toll_free_verifications": data["toll_free_verifications"],
        "trust_products": data["trust_products"],
    }
    path.write_text(text + render(kept), encoding="utf-8")
    rename_business(account, "brightsmile-dental", "BrightSmile Dental PLLC")
    workspace.run("import", "--update", "brightsmile-dental-group-llc")
    updated = path.read_text()
    assert "  legal_name: BrightSmile Dental PLLC\n" in updated
    assert "toll_free_verifications:" in updated
    # A2P is not on Trust Hub yet (the profile is a draft): still asked for, brand and all.
    assert (
        "  a2p_messaging:\n    company_type: private\n    brand:\n      type: standard\n" in updated
    )
    assert "submit: false" in updated  # still a draft
