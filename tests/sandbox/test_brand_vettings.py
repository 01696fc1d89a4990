"""Brand vettings and the Authentication+ retry on the sandbox, through the stock twilio SDK
over loopback HTTP, every request and response checked against the vendored messaging spec
(and `/2fa`, which has a path but no operation there, against `DOCUMENTED_EXTRAS`): a
standard brand's automatic secondary vetting is listed with its score, a political brand's
Campaign Verify token is imported and decided, bad tokens fail with 30713-30715, and a
public brand whose Authentication+ lapsed gets a new check through `POST .../2fa`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from tests.sandbox.conftest import Receiver
from trusthub.sandbox import Sandbox, SandboxError
from trusthub.sandbox import policies as p

TOKEN = "cv|1.0|tcr|10dlc|9975c339-d46f-49b7-a399-0123456789ab|GQ3EXAMPLETOKENAXXBUNBT2AgL"
MSG = "https://messaging.twilio.com/v1/a2p/BrandRegistrations"
DAY = 86400.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _brand(
    client: Client, sandbox: Sandbox, *, company_type: str = "private", skip: bool = False,
    name: str = "BrightSmile",
) -> str:  # fmt: skip
    """An APPROVED brand (decided at its next read)."""
    primary = b.approved_primary(client, sandbox=sandbox, name=f"Primary of {name}")
    secondary = b.profile(client, primary=primary.sid, name=name)
    client.trusthub.v1.customer_profiles(secondary.sid).update(status="pending-review")
    attributes: dict[str, Any] = {"company_type": company_type}
    if company_type == "public":
        attributes.update(
            stock_exchange="NASDAQ",
            stock_ticker="BSDG",
            brand_contact_email="priya.raman@brightsmile-dental.example.com",
        )
    a2p = ("us_a2p_messaging_profile_information", attributes)
    product = b.product(client, policy=p.A2P_MESSAGING, profile_sid=secondary.sid, end_user=a2p)
    client.trusthub.v1.trust_products(product.sid).update(status="pending-review")
    brand = client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=secondary.sid,
        a2p_profile_bundle_sid=product.sid,
        skip_automatic_sec_vet=skip,
    )
    assert client.messaging.v1.brand_registrations(brand.sid).fetch().status == "APPROVED"
    return str(brand.sid)


def test_a_standard_brands_secondary_vetting_is_listed_with_its_score(
    http_client: Client, sandbox: Sandbox
) -> None:
    sid = _brand(http_client, sandbox)
    brand = http_client.messaging.v1.brand_registrations(sid)
    assert brand.fetch().brand_score == 75
    vettings = brand.brand_vettings.list()
    assert [(v.vetting_provider, v.vetting_class, v.vetting_status) for v in vettings] == [
        ("aegis", "STANDARD", "SUCCESS")
    ]
    assert vettings[0].brand_sid == sid
    assert vettings[0].brand_vetting_sid.startswith("VT")
    assert brand.brand_vettings.list(vetting_provider="campaign-verify") == []
    fetched = brand.brand_vettings(vettings[0].brand_vetting_sid).fetch()
    assert fetched.vetting_id == vettings[0].vetting_id
    # A low-volume brand skips it: no vetting, no score.
    lvs = http_client.messaging.v1.brand_registrations(
        _brand(http_client, sandbox, skip=True, name="Harbor Yoga")
    )
    assert lvs.brand_vettings.list() == []
    assert lvs.fetch().brand_score is None


def test_a_campaign_verify_token_is_imported_and_bad_tokens_fail_with_twilios_codes(
    http_client: Client, sandbox: Sandbox
) -> None:
    sid = _brand(http_client, sandbox, skip=True)  # a political brand skips secondary vetting
    vettings = http_client.messaging.v1.brand_registrations(sid).brand_vettings
    made = vettings.create(vetting_provider="campaign-verify", vetting_id=TOKEN)
    assert (made.vetting_class, made.vetting_status, made.vetting_id) == (
        "POLITICAL",
        "IN_PROGRESS",
        TOKEN,
    )
    assert made.url.endswith(f"/v1/a2p/BrandRegistrations/{sid}/Vettings/{made.brand_vetting_sid}")
    # Decided at the next read (review_delay 0).
    listed = vettings.list(vetting_provider="campaign-verify")
    assert [(v.brand_vetting_sid, v.vetting_status) for v in listed] == [
        (made.brand_vetting_sid, "SUCCESS")
    ]
    assert vettings.list(vetting_provider="aegis") == []

    def code(token: str, brand: str = sid) -> int:
        with pytest.raises(TwilioRestException) as e:
            http_client.messaging.v1.brand_registrations(brand).brand_vettings.create(
                vetting_provider="campaign-verify", vetting_id=token
            )
        assert e.value.status == 400
        return int(e.value.code)

    assert code("not-a-campaign-verify-token") == 30713
    assert code(TOKEN.replace("0123456789ab", "000000000000")) == 30714  # expired
    other = _brand(http_client, sandbox, skip=True, name="Thames Tea")
    assert code(TOKEN, other) == 30715  # imported for another brand already
    assert len(vettings.list()) == 1  # nothing was recorded for the refused ones


def test_a_vetting_needs_a_registered_brand_and_stays_in_its_account(
    http_client: Client, sandbox: Sandbox
) -> None:
    primary = b.approved_primary(http_client, sandbox=sandbox)
    secondary = b.profile(http_client, primary=primary.sid)
    a2p = ("us_a2p_messaging_profile_information", {"company_type": "private"})
    product = b.product(http_client, policy=p.A2P_MESSAGING, profile_sid=secondary.sid,
                        end_user=a2p)  # fmt: skip
    failed = http_client.messaging.v1.brand_registrations.create(  # never submitted: 30793
        customer_profile_bundle_sid=secondary.sid, a2p_profile_bundle_sid=product.sid
    )
    assert http_client.messaging.v1.brand_registrations(failed.sid).fetch().status == "FAILED"
    with pytest.raises(TwilioRestException) as e:
        http_client.messaging.v1.brand_registrations(failed.sid).brand_vettings.create(
            vetting_provider="campaign-verify", vetting_id=TOKEN
        )
    assert e.value.code == 21717
    with pytest.raises(TwilioException, match="HTTP 404"):  # a page the SDK cannot read
        http_client.messaging.v1.brand_registrations("BN" + "0" * 32).brand_vettings.list()
    # Another account sees neither the brand nor its vettings.
    sid = _brand(http_client, sandbox, name="Maple Leaf")
    other = sandbox.client(sandbox.create_subaccount("client").sid)
    with pytest.raises(TwilioException, match="HTTP 404"):
        other.messaging.v1.brand_registrations(sid).brand_vettings.list()
    assert other.request("POST", f"{MSG}/{sid}/2fa").status_code == 404


def test_a_lapsed_authentication_plus_check_is_retried_through_2fa(
    http_client: Client, sandbox: Sandbox
) -> None:
    clock = Clock(1796115600.0)
    sandbox.clock = clock
    sid = _brand(http_client, sandbox, company_type="public")
    brand = http_client.messaging.v1.brand_registrations(sid)
    assert (brand.fetch().identity_status, brand.fetch().errors) == ("UNVERIFIED", [])

    def two_fa() -> Any:
        return http_client.request("POST", f"{MSG}/{sid}/2fa")

    refused = two_fa()  # the check is still open: nothing to retry
    assert refused.status_code == 400
    assert json.loads(refused.text)["code"] == 21725
    clock.now += 7 * DAY + 1  # the brand contact never clicked
    lapsed = brand.fetch()
    assert lapsed.status == "APPROVED"
    assert lapsed.identity_status == "UNVERIFIED"
    assert [(e["error_code"], e["fields"]) for e in lapsed.errors] == [
        (21736, ["brand_contact_email"])
    ]
    with pytest.raises(SandboxError, match="only an APPROVED brand waiting"):
        sandbox.confirm_identity(sid)  # no check is open any more
    # Twilio's fix: a new contact on the trust product's end user (approved or in review:
    # this one edit is let through), then a new check.
    (user,) = [
        u for u in http_client.trusthub.v1.end_users.list()
        if u.type == "us_a2p_messaging_profile_information"
    ]  # fmt: skip
    moved = {**user.attributes, "stock_ticker": "BSDX"}
    with pytest.raises(TwilioRestException) as e:  # anything else stays locked
        http_client.trusthub.v1.end_users(user.sid).update(attributes=moved)
    assert e.value.code == 70002
    fixed = {**user.attributes, "brand_contact_email": "trust@brightsmile-dental.example.com"}
    http_client.trusthub.v1.end_users(user.sid).update(attributes=fixed)
    retried = two_fa()
    assert retried.status_code == 202
    body = json.loads(retried.text)
    assert (body["sid"], body["status"], body["errors"]) == (sid, "APPROVED", [])
    assert two_fa().status_code == 400  # one check at a time
    sandbox.confirm_identity(sid)  # the new contact clicked
    assert brand.fetch().identity_status == "VETTED_VERIFIED"


def test_vetting_decisions_are_event_streams_events(
    http_client: Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.add_event_sink(receiver.url)
    sid = _brand(http_client, sandbox)  # approved with its secondary vetting
    (aegis,) = http_client.messaging.v1.brand_registrations(sid).brand_vettings.list()
    sandbox.reject(aegis.brand_vetting_sid, "the secondary vetting could not verify the business")
    fetched = http_client.messaging.v1.brand_registrations(sid).brand_vettings(
        aegis.brand_vetting_sid
    )
    assert fetched.fetch().vetting_status == "FAILED"
    types = [
        d.event["type"].rsplit(".", 1)[-1]
        for d in sandbox.event_deliveries()
        if d.event["data"].get("brandsid") == sid
    ]
    assert types == ["brand-registered", "brand-vetted-verified", "brand-secondary-vetting-failure"]
