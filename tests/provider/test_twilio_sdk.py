"""The twilio SDK adapter against the sandbox: what Twilio answers leaves `provider/` as the
project's errors, never as the SDK's or `requests`', with the messages users have always
seen (`describe_failure`), and without the account SID."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.apply.executor import describe_failure
from trusthub.errors import ExitCode, ProviderError
from trusthub.model import lifecycle as lc
from trusthub.provider import retry
from trusthub.provider.api import CUSTOMER_PROFILES as PROFILE
from trusthub.provider.api import TrustHubProvider
from trusthub.provider.connect import connect_client
from trusthub.provider.errors import (
    CREDENTIALS_HINT,
    AmbiguousCreateError,
    AuthenticationFailed,
    RemoteError,
    RemoteNotFound,
    RemoteRefused,
    UnexpectedAnswer,
    Unreachable,
    remote_error,
)
from trusthub.provider.retry import RetryPolicy
from trusthub.provider.twilio_sdk import TwilioSdkProvider, translated
from trusthub.sandbox import FaultSettings, Sandbox
from trusthub.sandbox.transport import SandboxHttpClient

MISSING_BUNDLE = "BU" + "0" * 32
NO_WAIT = RetryPolicy(attempts=2, base_delay=0.0, max_delay=0.0)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox.db") as sb:
        yield sb


@pytest.fixture
def provider(sandbox: Sandbox) -> TwilioSdkProvider:
    """The adapter straight on the SDK client: no retrying transport in between, so every
    SDK and `requests` exception reaches it."""
    return TwilioSdkProvider(sandbox.client())


def raised(call: Callable[[], object]) -> ProviderError:
    """The error `call` raises, checked to be the project's and nothing of the SDK's."""
    with pytest.raises(ProviderError) as caught:
        call()
    error = caught.value
    assert not isinstance(error, TwilioException | requests.RequestException | OSError)
    assert error.__cause__ is None
    # The original, whose text may hold the account SID, is never shown with it.
    assert error.__context__ is None or error.__suppress_context__
    assert error.exit_code is ExitCode.PROBLEMS
    return error


def sdk_error(call: Callable[[], object]) -> BaseException:
    """What the bare SDK raises for the same request."""
    with pytest.raises((TwilioException, requests.RequestException)) as caught:
        call()
    error: BaseException = caught.value
    return error


def test_a_missing_object_is_remote_not_found(
    provider: TwilioSdkProvider, sandbox: Sandbox
) -> None:
    error = raised(lambda: provider.fetch_bundle(PROFILE, MISSING_BUNDLE))
    assert isinstance(error, RemoteNotFound)
    assert (error.status, error.code) == (404, 20404)
    assert error.url.endswith(f"/CustomerProfiles/{MISSING_BUNDLE}")
    # The message is the one describe_failure made of the SDK's exception.
    bare = sdk_error(lambda: sandbox.client().trusthub.v1.customer_profiles(MISSING_BUNDLE).fetch())
    assert isinstance(bare, TwilioRestException)
    assert describe_failure(error) == f"Twilio error 20404: {bare.msg}"
    for call in (
        lambda: provider.delete_end_user("IT" + "0" * 32),
        lambda: provider.delete_document("RD" + "0" * 32),
        lambda: provider.unassign_number(PROFILE, MISSING_BUNDLE, "RA" + "0" * 32),
        lambda: provider.entity_assignments(PROFILE, MISSING_BUNDLE),  # a list's page
    ):
        assert isinstance(raised(call), RemoteNotFound)


def test_api_2010_errors_do_not_carry_the_account_sid(
    provider: TwilioSdkProvider, sandbox: Sandbox
) -> None:
    missing = "AD" + "0" * 32
    bare = sdk_error(lambda: sandbox.client().addresses(missing).delete())
    assert isinstance(bare, TwilioRestException)
    assert sandbox.account_sid in bare.msg + bare.uri  # the SDK's own text holds it
    error = raised(lambda: provider.delete_address(missing))
    assert isinstance(error, RemoteNotFound)
    assert sandbox.account_sid not in f"{error} {error.url} {error.detail}"
    assert "/Accounts/{AccountSid}/Addresses/" in error.url


def test_an_edit_refused_during_review_is_remote_refused_with_twilio_s_code(
    provider: TwilioSdkProvider, sandbox: Sandbox
) -> None:
    client = sandbox.client()
    approved = b.submittable(client)  # a secondary: a primary's fields are the Console's
    client.trusthub.v1.customer_profiles(approved.sid).update(status="pending-review")
    assert provider.fetch_bundle(PROFILE, approved.sid).status == lc.APPROVED

    def edit() -> None:
        provider.update_bundle(
            PROFILE, approved.sid, friendly_name="renamed", email="x@example.com",
            status_callback=None,
        )  # fmt: skip

    error = raised(edit)
    assert isinstance(error, RemoteRefused)
    assert (error.status, error.code) == (400, lc.EDIT_REFUSED_CODE)
    assert error.message.startswith("Twilio error 70002: ")
    assert "immutable" in error.message
    bare = sdk_error(
        lambda: client.trusthub.v1.customer_profiles(approved.sid).update(friendly_name="renamed")
    )
    assert isinstance(bare, TwilioRestException)
    assert describe_failure(error) == f"Twilio error {bare.code}: {bare.msg}"
    # Deleting it is refused the same way.
    refused = raised(lambda: provider.delete_bundle(PROFILE, approved.sid))
    assert isinstance(refused, RemoteRefused)
    assert refused.code == lc.EDIT_REFUSED_CODE


def test_rejected_credentials_are_authentication_failed_with_a_hint(sandbox: Sandbox) -> None:
    wrong = Client(sandbox.account_sid, "not-the-token", http_client=SandboxHttpClient(sandbox))
    provider = TwilioSdkProvider(wrong)
    error = raised(lambda: provider.fetch_bundle(PROFILE, MISSING_BUNDLE))
    assert isinstance(error, AuthenticationFailed)
    assert (error.status, error.code) == (401, 20003)
    assert error.message.startswith("Twilio error 20003: ")
    assert "Authentication Error" in error.message
    assert error.hint == CREDENTIALS_HINT
    assert "not-the-token" not in str(error)
    # A list's page is refused the same way (the SDK raises a bare TwilioException there).
    page = raised(lambda: provider.find_documents("x"))
    assert isinstance(page, AuthenticationFailed)
    assert page.message == (
        "Twilio error 20003: Unable to fetch page: Authentication Error - invalid username"
    )
    # Reads, creates and the API 2010 calls alike.
    for call in (
        lambda: provider.find_end_users("x"),
        lambda: provider.create_end_user(type_="business", friendly_name="x", attributes={}),
        lambda: provider.number_sid("+15125550140"),
    ):
        assert isinstance(raised(call), AuthenticationFailed)


def test_a_dropped_connection_is_unreachable(provider: TwilioSdkProvider, sandbox: Sandbox) -> None:
    sandbox.set_faults(FaultSettings(drop_rate=1.0))
    error = raised(lambda: provider.fetch_bundle(PROFILE, MISSING_BUNDLE))
    assert isinstance(error, Unreachable)
    assert error.kind == "ConnectionError"
    bare = sdk_error(lambda: sandbox.client().trusthub.v1.customer_profiles(MISSING_BUNDLE).fetch())
    assert describe_failure(error) == f"ConnectionError: {bare}"
    assert isinstance(raised(lambda: provider.find_addresses("x")), Unreachable)


def test_through_the_retries_a_dropped_connection_is_unreachable_or_an_ambiguous_create(
    sandbox: Sandbox,
) -> None:
    connection = connect_client(sandbox.client())
    connection.retrying.policy = NO_WAIT
    sandbox.set_faults(FaultSettings(drop_rate=1.0))
    api: TrustHubProvider = connection.api
    gone = raised(lambda: api.fetch_bundle(PROFILE, MISSING_BUNDLE))
    assert isinstance(gone, Unreachable)
    assert describe_failure(gone) == (
        f"ConnectionError: GET https://trusthub.twilio.com/v1/CustomerProfiles/{MISSING_BUNDLE}"
        " failed 2 times; last: connection failed (ConnectionError)"
    )
    # A create is never retried blindly: whether it happened is unknown.
    ambiguous = raised(
        lambda: api.create_end_user(type_="business", friendly_name="x", attributes={})
    )
    assert isinstance(ambiguous, AmbiguousCreateError)
    assert retry.AmbiguousCreateError is AmbiguousCreateError  # still importable from there
    assert describe_failure(ambiguous) == (
        "AmbiguousCreateError: POST https://trusthub.twilio.com/v1/EndUsers: "
        "connection failed (ConnectionError)"
    )
    # An address is an API 2010 object: its URL holds the account SID, the message does not.
    params = {
        "customer_name": "x", "street": "x", "city": "x", "region": "x", "postal_code": "x",
        "iso_country": "US",
    }  # fmt: skip
    address = raised(lambda: api.create_address(friendly_name="x", params=params))
    assert isinstance(address, AmbiguousCreateError)
    assert sandbox.account_sid not in str(address)


def test_server_errors_without_the_retries_are_remote_errors(
    provider: TwilioSdkProvider, sandbox: Sandbox
) -> None:
    sandbox.set_faults(FaultSettings(error_rate=1.0))
    error = raised(lambda: provider.fetch_bundle(PROFILE, MISSING_BUNDLE))
    assert type(error) is RemoteError
    assert (error.status, error.code) == (500, 20500)
    sandbox.set_faults(FaultSettings(throttle_rate=1.0))
    throttled = raised(lambda: provider.fetch_bundle(PROFILE, MISSING_BUNDLE))
    assert type(throttled) is RemoteError
    assert throttled.code == 20429


def test_answers_are_classified_by_code_then_status() -> None:
    def kind(status: int, code: int | None) -> type[RemoteError]:
        return type(remote_error(status=status, code=code, detail="x"))

    assert kind(404, None) is RemoteNotFound
    assert kind(400, 20404) is RemoteNotFound
    assert kind(401, 20003) is AuthenticationFailed
    assert kind(403, 20403) is AuthenticationFailed
    assert kind(400, 70002) is RemoteRefused
    assert kind(409, None) is RemoteRefused
    assert kind(429, 20429) is RemoteError
    assert kind(503, None) is RemoteError
    assert (
        str(remote_error(status=502, code=None, detail="")) == "TwilioRestException: HTTP 502 error"
    )


def _fake_client(raw: Any) -> Any:
    def bundles(sid: str) -> Any:
        return SimpleNamespace(fetch=lambda: raw)

    return SimpleNamespace(
        trusthub=SimpleNamespace(
            v1=SimpleNamespace(customer_profiles=bundles, trust_products=bundles)
        )
    )


def test_an_unknown_status_from_twilio_is_a_provider_error_not_a_crash() -> None:
    raw = SimpleNamespace(
        sid="BU" + "1" * 32, status="suspended", friendly_name="x", email="x@example.com",
        policy_sid=b.PRIMARY, valid_until=None, errors=None, date_created=None,
    )  # fmt: skip
    provider = TwilioSdkProvider(_fake_client(raw))
    error = raised(lambda: provider.fetch_bundle(PROFILE, raw.sid))
    assert isinstance(error, UnexpectedAnswer)
    assert error.message == (
        f"Trust Hub answered status 'suspended' for customer profile {raw.sid}, which is none "
        "of draft, pending-review, in-review, twilio-rejected, twilio-approved"
    )
    assert "upgrade trusthub" in error.hint
    # Every status of the lifecycle is taken as it is.
    for status in lc.STATUSES:
        raw.status = status
        assert provider.fetch_bundle(PROFILE, raw.sid).status == status


def _protocol_methods() -> list[str]:
    return sorted(
        name
        for name, value in vars(TrustHubProvider).items()
        if callable(value) and not name.startswith("_")
    )


def test_the_adapter_is_exactly_the_protocol_and_translates_every_call() -> None:
    adapter = sorted(
        name
        for name, value in vars(TwilioSdkProvider).items()
        if callable(value) and not name.startswith("_")
    )
    assert adapter == _protocol_methods()
    assert "update_document" not in adapter  # nothing used it
    wrapper = translated(lambda: None).__code__
    for name in adapter:
        assert getattr(TwilioSdkProvider, name).__code__ is wrapper, f"{name} is not @translated"
