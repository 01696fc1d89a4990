"""Building a target's SDK side: credentials from the environment, retries under the SDK."""

from __future__ import annotations

from pathlib import Path

import pytest
from twilio.http.http_client import TwilioHttpClient

from trusthub.errors import ConfigError
from trusthub.provider.api import CUSTOMER_PROFILES as PROFILE
from trusthub.provider.connect import TIMEOUT, connect_client, connect_twilio
from trusthub.provider.twilio_sdk import TwilioSdkProvider
from trusthub.sandbox import Sandbox, policies
from trusthub.sandbox.transport import SandboxHttpClient

ACCOUNT_SID = "AC" + "5ec7e7" * 5 + "42"


def test_the_twilio_target_needs_credentials() -> None:
    with pytest.raises(ConfigError, match="no credentials are set"):
        connect_twilio({})
    with pytest.raises(ConfigError, match="no credentials are set"):
        connect_twilio({"TWILIO_ACCOUNT_SID": ACCOUNT_SID})
    with pytest.raises(ConfigError, match="TWILIO_ACCOUNT_SID is not"):
        connect_twilio({"TWILIO_API_KEY": "SK" + "0" * 32, "TWILIO_API_SECRET": "secret"})


def test_the_twilio_target_goes_through_the_retries() -> None:
    connection = connect_twilio({"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": "t"})
    assert isinstance(connection.api, TwilioSdkProvider)
    assert connection.api.client.http_client is connection.retrying
    assert isinstance(connection.retrying.inner, TwilioHttpClient)
    assert connection.retrying.inner.timeout == TIMEOUT
    assert connection.api.client.account_sid == ACCOUNT_SID
    keyed = connect_twilio(
        {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_API_KEY": "SK1", "TWILIO_API_SECRET": "s"}
    )
    assert isinstance(keyed.api, TwilioSdkProvider)
    assert (keyed.api.client.username, keyed.api.client.account_sid) == ("SK1", ACCOUNT_SID)


def test_a_client_made_elsewhere_gets_the_retries_slid_under_it(tmp_path: Path) -> None:
    with Sandbox(tmp_path / "sandbox.db") as sandbox:
        connection = connect_client(sandbox.client())
        assert isinstance(connection.retrying.inner, SandboxHttpClient)
        bundle = connection.api.create_bundle(
            PROFILE, friendly_name="x", email="x@example.com",
            policy_sid=policies.SECONDARY_BUSINESS, status_callback=None,
        )  # fmt: skip
        assert connection.api.fetch_bundle(PROFILE, bundle.sid).status == "draft"
