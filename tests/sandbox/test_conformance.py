"""The OpenAPI conformance checker itself: it must flag what the specs do not allow."""

from __future__ import annotations

import json
import re

import pytest
from twilio.rest import Client

from tests.support.conformance import CheckingHttpClient, Conformance, ConformanceError
from trusthub.sandbox import Sandbox
from trusthub.sandbox.resources import all_routes

TH = "https://trusthub.twilio.com"
BU = "BU" + "a" * 32
PROFILE = {
    "sid": BU,
    "account_sid": "AC" + "a" * 32,
    "policy_sid": "RN" + "a" * 32,
    "friendly_name": "x",
    "status": "draft",
    "valid_until": None,
    "email": "x@example.com",
    "status_callback": None,
    "date_created": "2026-01-02T03:04:05Z",
    "date_updated": "2026-01-02T03:04:05Z",
    "url": f"{TH}/v1/CustomerProfiles/{BU}",
    "links": {"customer_profiles_evaluations": f"{TH}/v1/CustomerProfiles/{BU}/Evaluations"},
    "errors": None,
}


def test_requests_unknown_to_the_spec_are_drifts(spec_checker: Conformance) -> None:
    check = spec_checker.check_request
    assert check("GET", f"{TH}/v1/CustomerProfiles") == []
    assert check("GET", f"{TH}/v1/Nope") == [f"GET {TH}/v1/Nope: path not in the spec"]
    assert check("PUT", f"{TH}/v1/Policies") == [
        "PUT /v1/Policies: method not in the spec for this path"
    ]
    assert check("GET", f"{TH}/v1/EndUsers", {"Type": ["business"]}) == [
        "GET /v1/EndUsers: query parameter Type not in the spec"
    ]
    # Flat attribute keys (seen in third-party code) are not in the spec.
    drifts = check(
        "POST",
        f"{TH}/v1/EndUsers",
        form={"FriendlyName": ["x"], "Type": ["business"], "Attributes.first_name": ["A"]},
    )
    assert drifts == ["POST /v1/EndUsers: form parameter Attributes.first_name not in the spec"]
    drifts = check("POST", f"{TH}/v1/CustomerProfiles", form={"FriendlyName": ["x"]})
    assert drifts == [
        "POST /v1/CustomerProfiles: required form parameter Email missing",
        "POST /v1/CustomerProfiles: required form parameter PolicySid missing",
    ]
    drifts = check(
        "POST",
        f"{TH}/v1/CustomerProfiles",
        form={"FriendlyName": ["x"], "Email": ["e"], "PolicySid": ["RN123"]},
    )
    assert drifts
    assert all("form PolicySid" in d for d in drifts)
    assert check("GET", f"{TH}/v1/CustomerProfiles", {"PageSize": ["5000"]})  # max 1000
    assert check("GET", f"{TH}/v1/CustomerProfiles/XX{'a' * 32}")  # not a BU SID
    assert check("GET", "https://api.twilio.com/v1/Policies") == [
        "GET https://api.twilio.com/v1/Policies: path not in the spec"
    ]


def test_responses_are_held_to_the_schema(spec_checker: Conformance) -> None:
    check = spec_checker.check_response
    url = f"{TH}/v1/CustomerProfiles/{BU}"
    assert check("GET", url, 200, json.dumps(PROFILE)) == []
    extra = check("GET", url, 200, json.dumps({**PROFILE, "surprise": 1}))
    assert len(extra) == 1
    assert "surprise" in extra[0]
    missing = check(
        "GET", url, 200, json.dumps({k: v for k, v in PROFILE.items() if k != "errors"})
    )
    assert missing == [f"GET /v1/CustomerProfiles/{BU} -> 200: 'errors' is a required property"]
    dated = check("GET", url, 200, json.dumps({**PROFILE, "date_created": "2026-01-02 03:04"}))
    assert len(dated) == 1
    assert "date_created" in dated[0]
    assert check("GET", url, 201, json.dumps(PROFILE)) == [
        f"GET /v1/CustomerProfiles/{BU} -> 201: status not in the spec (expected [200])"
    ]
    assert check("DELETE", url, 204, "") == []
    error = {"code": 20404, "message": "gone", "more_info": "https://x.example/e", "status": 404}
    assert check("GET", url, 404, json.dumps(error)) == []
    assert check("GET", url, 404, json.dumps({**error, "status": 400})) == [
        f"GET /v1/CustomerProfiles/{BU} -> 404: error body status 400 != 404"
    ]
    assert check("GET", url, 500, "oops") == [
        f"GET /v1/CustomerProfiles/{BU} -> 500: error body is not JSON"
    ]


def test_strict_client_fails_loudly(spec_checker: Conformance, sandbox: Sandbox) -> None:
    client: Client = sandbox.client()
    checking = CheckingHttpClient(client.http_client, spec_checker, strict=True)
    client.http_client = checking
    assert client.trusthub.v1.policies.list()
    with pytest.raises(ConformanceError, match="query parameter Status not in the spec"):
        client.request("GET", f"{TH}/v1/EndUsers", params={"Status": "draft"})
    assert checking.sandbox is sandbox  # the wrapped client's extras stay reachable


def test_the_sandbox_answers_every_messaging_operation_of_the_spec(
    spec_checker: Conformance, client: Client
) -> None:
    """Every operation of the vendored messaging spec (and `/2fa`, which the spec has only a
    path for: `DOCUMENTED_EXTRAS`) has a sandbox route for its method."""

    def shape(template: str) -> str:
        return re.sub(r"\{\w+\}", "{}", template)

    routes = {(m, shape(t)) for t, methods in all_routes() for m in methods}
    messaging = {
        (o.method, shape(o.template))
        for o in spec_checker.operations
        if o.host == "messaging.twilio.com"
    }
    assert ("POST", "/v1/a2p/BrandRegistrations/{}/2fa") in messaging
    assert messaging - routes == set()
    # The one catalogue among them no kind reads: its answer holds to the spec too.
    found = client.messaging.v1.usecases.fetch()
    assert "notifications" in [u["usecase"] for u in found.usecases]
