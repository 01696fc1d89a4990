"""Twilio's error bodies and codes, as the SDK surfaces them."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import Sandbox
from trusthub.sandbox.transport import SandboxHttpClient


def test_wrong_credentials_get_401_20003(sandbox: Sandbox) -> None:
    for sid, token in ((sandbox.account_sid, "0" * 32), ("AC" + "0" * 32, sandbox.auth_token)):
        client = Client(sid, token, http_client=SandboxHttpClient(sandbox))
        with pytest.raises(TwilioRestException) as denied:
            client.trusthub.v1.customer_profiles.create(
                friendly_name="x", email="x@example.com", policy_sid=b.SECONDARY
            )
        assert (denied.value.status, denied.value.code) == (401, 20003)
    response = Client(http_client=SandboxHttpClient(sandbox), environment={"X": "1"}).request(
        "GET", "https://trusthub.twilio.com/v1/Policies"
    )
    body = json.loads(response.text)
    assert (response.status_code, body["code"]) == (401, 20003)
    assert body["message"] == "Authentication Error - No credentials provided"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_missing_parameters_are_named(client: Client, bad_requests: None) -> None:
    response = client.request(
        "POST",
        "https://trusthub.twilio.com/v1/CustomerProfiles",
        data={"FriendlyName": "x", "PolicySid": b.SECONDARY},
    )
    body = json.loads(response.text)
    assert body == {
        "code": 20001,
        "message": "Missing required parameter Email in the post body",
        "more_info": "https://www.twilio.com/docs/errors/20001",
        "status": 400,
    }


def test_invalid_parameters_are_named(client: Client) -> None:
    th = client.trusthub.v1
    cases: list[Callable[[], object]] = [
        lambda: th.customer_profiles.create(
            friendly_name="x", email="x@example.com", policy_sid=b.SECONDARY.replace("RNdf", "RNee")
        ),
        lambda: th.trust_products.create(
            friendly_name="x", email="x@example.com", policy_sid=b.SECONDARY
        ),
        lambda: th.end_users.create(friendly_name="x", type="no_such_type"),
        lambda: th.customer_profiles.create(
            friendly_name="x" * 65, email="x@example.com", policy_sid=b.SECONDARY
        ),
    ]
    names = ["PolicySid", "PolicySid", "Type", "FriendlyName"]
    for case, name in zip(cases, names, strict=True):
        with pytest.raises(TwilioRestException) as bad:
            case()
        assert (bad.value.status, bad.value.code) == (400, 20001)
        assert f"Invalid parameter {name}:" in bad.value.msg


def test_unknown_objects_and_paths(client: Client, bad_requests: None) -> None:
    th = client.trusthub.v1
    with pytest.raises(TwilioRestException) as missing:
        th.end_users("IT" + "0" * 32).fetch()
    assert (missing.value.status, missing.value.code) == (404, 20404)
    assert "/v1/EndUsers/IT" in missing.value.msg

    # A trust product SID is not a customer profile.
    product = th.trust_products.create(
        friendly_name="x", email="x@example.com", policy_sid="RN7a97559effdf62d00f4298208492a5ea"
    )
    with pytest.raises(TwilioRestException) as wrong_kind:
        th.customer_profiles(product.sid).fetch()
    assert wrong_kind.value.code == 20404

    with pytest.raises(TwilioRestException) as not_assignable:
        th.customer_profiles.create(
            friendly_name="y", email="y@example.com", policy_sid=b.SECONDARY
        ).customer_profiles_entity_assignments.create(object_sid="IT" + "0" * 32)
    assert not_assignable.value.code == 20001

    response = client.request("PUT", "https://trusthub.twilio.com/v1/Policies")
    assert (response.status_code, json.loads(response.text)["code"]) == (405, 20004)
    response = client.request("GET", "https://trusthub.twilio.com/v1/NoSuchThing")
    assert (response.status_code, json.loads(response.text)["code"]) == (404, 20404)


def test_assigning_twice_is_refused(client: Client) -> None:
    built = b.submittable(client)
    assignments = client.trusthub.v1.customer_profiles(
        built.sid
    ).customer_profiles_entity_assignments
    with pytest.raises(TwilioRestException) as twice:
        assignments.create(object_sid=built.document)
    assert twice.value.code == 20001
    assert "already assigned" in twice.value.msg
    assert len(assignments.list(object_type="customer_profile_address")) == 1
