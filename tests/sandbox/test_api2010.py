"""API 2010 Addresses and IncomingPhoneNumbers."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import Sandbox


def test_address_lifecycle(client: Client, sandbox: Sandbox) -> None:
    sid = b.address(client, friendly_name="HQ", street_secondary="Floor 4")
    address = client.addresses(sid).fetch()
    assert (address.account_sid, address.iso_country, address.street_secondary) == (
        sandbox.account_sid,
        "US",
        "Floor 4",
    )
    assert address.date_created is not None  # RFC 2822, parsed by the SDK
    updated = client.addresses(sid).update(street="2200 Guadalupe Street", friendly_name="HQ 2")
    assert (updated.street, updated.friendly_name) == ("2200 Guadalupe Street", "HQ 2")
    assert [a.sid for a in client.addresses.list(friendly_name="HQ 2")] == [sid]
    assert client.addresses.list(friendly_name="HQ") == []
    assert [a.sid for a in client.addresses.list(iso_country="US", emergency_enabled=False)] == [
        sid
    ]
    assert client.addresses(sid).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        client.addresses(sid).fetch()
    assert gone.value.code == 20404


def test_address_needs_its_parameters(client: Client, bad_requests: None) -> None:
    with pytest.raises(TwilioRestException) as missing:
        client.addresses.create(
            customer_name="x",
            street="",
            city="Austin",
            region="TX",
            postal_code="1",
            iso_country="US",
        )
    assert (missing.value.status, missing.value.code) == (400, 20001)
    assert "Street" in missing.value.msg
    with pytest.raises(TwilioRestException) as bad:
        client.addresses.create(
            customer_name="x",
            street="1 A St",
            city="A",
            region="TX",
            postal_code="1",
            iso_country="USA",
        )
    assert "IsoCountry" in bad.value.msg


def test_buy_find_and_release_numbers(client: Client, bad_requests: None) -> None:
    bought = client.incoming_phone_numbers.create(phone_number="+14155550100")
    assert (bought.phone_number, bought.friendly_name) == ("+14155550100", "(415) 555-0100")
    assert bought.sid.startswith("PN")
    found = client.incoming_phone_numbers.list(phone_number="+14155550100", limit=1)
    assert [n.sid for n in found] == [bought.sid]
    assert client.incoming_phone_numbers.list(phone_number="+14155550199") == []
    assert [n.sid for n in client.incoming_phone_numbers.list(phone_number="555*100")] == [
        bought.sid
    ]

    with pytest.raises(TwilioRestException) as taken:
        client.incoming_phone_numbers.create(phone_number="+14155550100")
    assert taken.value.code == 21422
    with pytest.raises(TwilioRestException) as invalid:
        client.incoming_phone_numbers.create(phone_number="+1415")
    assert invalid.value.code == 21421

    in_area = client.incoming_phone_numbers.create(area_code="512")
    assert in_area.phone_number.startswith("+1512555")
    toll_free = client.incoming_phone_numbers.create(phone_number="+18885550142")
    assert toll_free.type == "tollFree"

    renamed = client.incoming_phone_numbers(bought.sid).update(friendly_name="front desk")
    assert renamed.friendly_name == "front desk"
    assert client.incoming_phone_numbers(bought.sid).delete() is True
    assert client.incoming_phone_numbers.list(phone_number="+14155550100") == []


def test_releasing_a_number_unassigns_it(client: Client) -> None:
    built = b.submittable(client, numbers=("+14155550100",))
    client.incoming_phone_numbers(built.numbers[0]).delete()
    channels = client.trusthub.v1.customer_profiles(
        built.sid
    ).customer_profiles_channel_endpoint_assignment.list()
    assert channels == []


def test_another_accounts_path_does_not_exist(client: Client) -> None:
    sid = b.address(client)
    other = client.api.v2010.accounts("AC" + "1" * 32)
    with pytest.raises(TwilioRestException) as missing:
        other.addresses(sid).fetch()
    assert (missing.value.status, missing.value.code) == (404, 20404)
