"""The reliability tests stand on `check_world`: it must fail on what they look for."""

from __future__ import annotations

import pytest

from tests.reliability.checks import check_world, read_sandbox
from tests.reliability.conftest import MakeWorkspace, invoke, settings_of
from trusthub.apply.converge import object_name, pending_bundle_name
from trusthub.model import mapping
from trusthub.provider.twilio_sdk import TwilioSdkProvider
from trusthub.sandbox import Sandbox

BUSINESS = "end_user:customer_profile_business_information"


def test_the_world_check_catches_duplicates_orphans_and_drift(
    make_workspace: MakeWorkspace, no_state_env: None
) -> None:
    ws = make_workspace("checked", review_delay=86400)
    thames = ws / "profiles" / "thames-tea-partners.yaml"  # kept a draft: editable below
    thames.write_text(thames.read_text(encoding="utf-8") + "submit: false\n", encoding="utf-8")
    invoke(ws, "apply", "--auto-approve")
    invoke(ws, "refresh")  # the sandbox moved the submitted secondaries on to in-review
    settings = settings_of(ws)
    world = check_world(settings)
    # The nine profiles (two adopted from the Console), the primary's three products and
    # brightframe-photo's sole-proprietor A2P product (its chain waits for no approval).
    assert len(world.created) == 13

    name = object_name(settings.name, "thames-tea-partners", BUSINESS)
    original = next(
        r
        for r in read_sandbox(settings.sandbox.database).rows["end_user"]
        if r.data["friendly_name"] == name
    )
    with Sandbox.from_settings(settings) as sandbox:
        api = TwilioSdkProvider(sandbox.client())

        # A second end user under the name the engine gave the first.
        copy = api.create_end_user(
            type_=original.data["type"], friendly_name=name, attributes=original.data["attributes"]
        )
        with pytest.raises(AssertionError, match="duplicate end_user objects by friendly name"):
            check_world(settings)
        api.delete_end_user(copy)
        check_world(settings)

        # An object the state does not know (another name), and a bundle left pending.
        orphan = api.create_address(
            friendly_name="made by hand",
            params={
                "customer_name": "X",
                "street": "1 A St",
                "city": "B",
                "region": "CA",
                "postal_code": "94105",
                "iso_country": "US",
            },
        )
        with pytest.raises(AssertionError, match="the state does not record"):
            check_world(settings)
        api.delete_address(orphan)
        pending = api.create_bundle(
            "CustomerProfiles",
            friendly_name=pending_bundle_name(settings.name, "maple-leaf-freight"),
            email="x@example.com",
            policy_sid=mapping.profile_policy_sid("secondary", "business"),
            status_callback=None,
        )
        with pytest.raises(AssertionError, match="left under a pending name"):
            check_world(settings)
        api.delete_bundle("CustomerProfiles", pending.sid)

        # Drift: an attribute that is not what the profile says.
        api.update_end_user(
            original.sid,
            friendly_name=name,
            attributes={**original.data["attributes"], "website": "https://elsewhere.example.com"},
        )
        with pytest.raises(AssertionError, match=f"thames-tea-partners {BUSINESS} attributes"):
            check_world(settings)
