"""Trust products on an approved profile: A2P, SHAKEN/STIR, CNAM, Voice Integrity."""

from __future__ import annotations

from typing import Any

import pytest
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import policies as p

NUMBERS = ("+14155550100", "+14155550101")

PRODUCTS: list[tuple[str, tuple[str, dict[str, Any]] | None, bool]] = [
    (p.A2P_MESSAGING, ("us_a2p_messaging_profile_information", {"company_type": "private"}), False),
    (p.SHAKEN_STIR, None, True),
    (p.CNAM, ("cnam_information", {"cnam_display_name": "ACME MESSAGING"}), True),
    (
        p.VOICE_INTEGRITY,
        (
            "voice_integrity_information",
            {
                "use_case": "Customer Support",
                "business_employee_count": "180",
                "average_business_day_call_volume": "1200",
            },
        ),
        True,
    ),
]


@pytest.mark.parametrize(("policy", "end_user", "with_numbers"), PRODUCTS)
def test_trust_product_is_approved(
    client: Client, policy: str, end_user: tuple[str, dict[str, Any]] | None, with_numbers: bool
) -> None:
    primary = b.approved_primary(client, numbers=NUMBERS)
    product = b.product(
        client,
        policy=policy,
        profile_sid=primary.sid,
        end_user=end_user,
        numbers=tuple(primary.numbers) if with_numbers else (),
    )
    bundle = client.trusthub.v1.trust_products(product.sid)
    evaluation = bundle.trust_products_evaluations.create(policy_sid=policy)
    assert evaluation.status == "compliant", b.failing(evaluation.results)
    assert evaluation.trust_product_sid == product.sid
    assert bundle.update(status="pending-review").status == "pending-review"
    approved = bundle.fetch()
    assert approved.status == "twilio-approved", approved.errors
    assert approved.links["trust_products_evaluations"].endswith(f"{product.sid}/Evaluations")


def test_product_of_unapproved_profile_is_rejected(client: Client) -> None:
    primary = b.approved_primary(client)
    secondary = b.profile(client, primary=primary.sid)  # still a draft
    a2p = ("us_a2p_messaging_profile_information", {"company_type": "private"})
    product = b.product(client, policy=p.A2P_MESSAGING, profile_sid=secondary.sid, end_user=a2p)
    bundle = client.trusthub.v1.trust_products(product.sid)
    bundle.update(status="pending-review")
    rejected = bundle.fetch()
    assert rejected.status == "twilio-rejected"
    assert rejected.errors[0]["message"] == (
        f"[customer_profile] - The supporting customer profile {secondary.sid} is not approved "
        "(it is draft)."
    )


def test_cnam_needs_an_ein_or_duns_profile(client: Client) -> None:
    info = b.business_info(
        business_registration_identifier="CBN", business_registration_number="123456782"
    )
    primary = b.approved_primary(client, info=info, numbers=NUMBERS)
    cnam = ("cnam_information", {"cnam_display_name": "MAPLE LEAF"})
    product = b.product(
        client,
        policy=p.CNAM,
        profile_sid=primary.sid,
        end_user=cnam,
        numbers=tuple(primary.numbers),
    )
    bundle = client.trusthub.v1.trust_products(product.sid)
    bundle.update(status="pending-review")
    rejected = bundle.fetch()
    assert rejected.status == "twilio-rejected"
    assert rejected.errors == [
        {"code": 18609, "message": "cnam needs an EIN or DUNS registration; this profile has CBN."}
    ]


def test_numbers_may_join_an_approved_product(client: Client) -> None:
    primary = b.approved_primary(client, numbers=NUMBERS)
    product = b.product(
        client, policy=p.SHAKEN_STIR, profile_sid=primary.sid, numbers=(primary.numbers[0],)
    )
    bundle = client.trusthub.v1.trust_products(product.sid)
    bundle.update(status="pending-review")
    assert bundle.fetch().status == "twilio-approved"
    channels = bundle.trust_products_channel_endpoint_assignment
    added = channels.create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=primary.numbers[1]
    )
    assert {c.channel_endpoint_sid for c in channels.list()} == set(primary.numbers)
    assert channels(added.sid).delete()
    assert [
        c.channel_endpoint_sid
        for c in channels.list(channel_endpoint_sids=",".join(primary.numbers))
    ] == [primary.numbers[0]]
