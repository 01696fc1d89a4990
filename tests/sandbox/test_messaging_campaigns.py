"""Messaging Services, their numbers and US A2P campaigns on the sandbox, through the stock
twilio SDK over loopback HTTP, every request and response checked against the vendored
messaging spec: TCR's classic campaign mistakes fail with Twilio's codes, a FAILED
campaign is edited and verified, a number is in one service at a time."""

from __future__ import annotations

from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import Sandbox
from trusthub.sandbox import policies as p

SAMPLES = [
    "BrightSmile: your cleaning is on Tue at 9:30. Reply STOP to opt out.",
    "BrightSmile: we moved your visit to Wed at 10:00. Reply HELP for help.",
]
FIELDS: dict[str, Any] = {
    "description": "Appointment reminders for patients of BrightSmile Dental clinics.",
    "message_flow": "Patients opt in on the booking form at brightsmile-dental.example.com.",
    "us_app_to_person_usecase": "ACCOUNT_NOTIFICATION",
    "has_embedded_links": False,
    "has_embedded_phone": False,
    "privacy_policy_url": "https://brightsmile-dental.example.com/privacy",
    "terms_and_conditions_url": "https://brightsmile-dental.example.com/terms",
}


def _brand(client: Client, sandbox: Sandbox) -> str:
    """An APPROVED standard brand for BrightSmile (decided at the next read)."""
    primary = b.approved_primary(client, sandbox=sandbox)
    secondary = b.profile(client, primary=primary.sid)
    client.trusthub.v1.customer_profiles(secondary.sid).update(status="pending-review")
    a2p = ("us_a2p_messaging_profile_information", {"company_type": "private"})
    product = b.product(client, policy=p.A2P_MESSAGING, profile_sid=secondary.sid, end_user=a2p)
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    brand = client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=secondary.sid, a2p_profile_bundle_sid=product.sid
    )
    assert client.messaging.v1.brand_registrations(brand.sid).fetch().status == "APPROVED"
    return str(brand.sid)


def _errors(campaign: Any) -> list[tuple[int, list[str]]]:
    return [(e["error_code"], e["fields"]) for e in campaign.errors]


def test_a_campaign_is_registered_on_its_service_with_the_brands_use_cases(
    http_client: Client, sandbox: Sandbox
) -> None:
    brand = _brand(http_client, sandbox)
    service = http_client.messaging.v1.services.create(
        friendly_name="BrightSmile reminders", usecase="notifications"
    )
    assert service.us_app_to_person_registered is False
    offered = service_api = http_client.messaging.v1.services(service.sid)
    codes = [
        u["code"]
        for u in offered.us_app_to_person_usecases.fetch(
            brand_registration_sid=brand
        ).us_app_to_person_usecases
    ]
    assert "ACCOUNT_NOTIFICATION" in codes
    assert "SOLE_PROPRIETOR" not in codes
    created = service_api.us_app_to_person.create(
        brand_registration_sid=brand, message_samples=SAMPLES, **FIELDS
    )
    assert created.campaign_status == "PENDING"
    fetched = service_api.us_app_to_person(created.sid).fetch()
    assert fetched.campaign_status == "VERIFIED"
    assert fetched.campaign_id
    assert fetched.errors == []
    assert [c.sid for c in service_api.us_app_to_person.list()] == [created.sid]
    assert http_client.messaging.v1.services(service.sid).fetch().us_app_to_person_registered
    with pytest.raises(TwilioRestException) as second:  # one campaign per service
        service_api.us_app_to_person.create(
            brand_registration_sid=brand, message_samples=SAMPLES, **FIELDS
        )
    assert second.value.code == 21732
    assert service_api.us_app_to_person(created.sid).delete() is True
    assert service_api.us_app_to_person.list() == []


@pytest.mark.parametrize(
    ("samples", "changes", "errors"),
    [
        (
            ["Your cleaning is on Tue at 9:30. Reply STOP to opt out.", SAMPLES[1]],
            {},
            [(30893, ["MESSAGE_SAMPLES"])],
        ),
        (
            [SAMPLES[1], "BrightSmile: see you on Wednesday at 10:00."],
            {},
            [(30897, ["MESSAGE_SAMPLES"])],
        ),
        (SAMPLES, {"privacy_policy_url": None}, [(30933, ["PRIVACY_POLICY_URL"])]),
    ],
    ids=["no-brand-name", "no-opt-out", "no-privacy-url"],
)
def test_tcr_fails_the_classic_mistakes_with_twilios_codes_and_a_fix_verifies(
    http_client: Client,
    sandbox: Sandbox,
    samples: list[str],
    changes: dict[str, Any],
    errors: list[tuple[int, list[str]]],
) -> None:
    brand = _brand(http_client, sandbox)
    service = http_client.messaging.v1.services.create(friendly_name="BrightSmile")
    api = http_client.messaging.v1.services(service.sid).us_app_to_person
    fields = {k: v for k, v in {**FIELDS, **changes}.items() if v is not None}
    created = api.create(brand_registration_sid=brand, message_samples=samples, **fields)
    failed = api(created.sid).fetch()
    assert failed.campaign_status == "FAILED"
    assert _errors(failed) == errors
    edited = api(created.sid).update(
        has_embedded_links=False,
        has_embedded_phone=False,
        message_samples=SAMPLES,
        message_flow=FIELDS["message_flow"],
        description=FIELDS["description"],
        age_gated=False,
        direct_lending=False,
        privacy_policy_url=FIELDS["privacy_policy_url"],
        terms_and_conditions_url=FIELDS["terms_and_conditions_url"],
    )
    assert edited.campaign_status == "PENDING"
    assert api(created.sid).fetch().campaign_status == "VERIFIED"
    with pytest.raises(TwilioRestException) as again:  # only a FAILED campaign is edited
        api(created.sid).update(
            has_embedded_links=False, has_embedded_phone=False, message_samples=SAMPLES,
            message_flow=FIELDS["message_flow"], description=FIELDS["description"],
            age_gated=False, direct_lending=False,
        )  # fmt: skip
    assert again.value.status == 400


def test_a_campaign_needs_an_approved_brand_and_its_use_case(
    http_client: Client, sandbox: Sandbox
) -> None:
    brand = _brand(http_client, sandbox)
    service = http_client.messaging.v1.services.create(friendly_name="BrightSmile")
    api = http_client.messaging.v1.services(service.sid).us_app_to_person
    with pytest.raises(TwilioRestException) as wrong:
        api.create(
            brand_registration_sid=brand,
            message_samples=SAMPLES,
            **{**FIELDS, "us_app_to_person_usecase": "SOLE_PROPRIETOR"},
        )
    assert wrong.value.code == 21720
    sandbox.reject(brand, "Tax ID mismatch.")
    with pytest.raises(TwilioRestException) as failed:
        api.create(brand_registration_sid=brand, message_samples=SAMPLES, **FIELDS)
    assert failed.value.code == 21717
    sandbox.approve(brand)
    created = api.create(brand_registration_sid=brand, message_samples=SAMPLES, **FIELDS)
    sandbox.reject(str(created.sid), "30934: The terms and conditions URL is missing.")
    assert _errors(api(created.sid).fetch()) == [(30934, [])]
    sandbox.approve(str(created.sid))
    assert api(created.sid).fetch().campaign_status == "VERIFIED"


def test_a_number_is_in_one_service_and_moves_by_removal(http_client: Client) -> None:
    services = http_client.messaging.v1.services
    first = services.create(friendly_name="first")
    second = services.create(friendly_name="second")
    pn = b.number(http_client, "+15125550140")
    added = services(first.sid).phone_numbers.create(phone_number_sid=pn)
    assert (added.sid, added.phone_number, added.service_sid) == (pn, "+15125550140", first.sid)
    with pytest.raises(TwilioRestException) as same:
        services(first.sid).phone_numbers.create(phone_number_sid=pn)
    assert same.value.code == 21710
    with pytest.raises(TwilioRestException) as other:
        services(second.sid).phone_numbers.create(phone_number_sid=pn)
    assert other.value.code == 21712
    assert services(first.sid).phone_numbers(pn).delete() is True
    services(second.sid).phone_numbers.create(phone_number_sid=pn)
    assert [n.sid for n in services(second.sid).phone_numbers.list()] == [pn]
    assert services(first.sid).phone_numbers.list() == []
    assert services(second.sid).phone_numbers(pn).fetch().phone_number == "+15125550140"
    services(second.sid).update(usecase="marketing")
    assert services(second.sid).fetch().usecase == "marketing"
    assert [s.sid for s in services.list()] == [first.sid, second.sid]
    http_client.incoming_phone_numbers(pn).delete()  # released: it leaves its service
    assert services(second.sid).phone_numbers.list() == []
    assert services(second.sid).delete() is True
