"""Status callbacks: signed like Twilio's, delivered to loopback only by default."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.sandbox import builders as b
from tests.sandbox.conftest import Receiver
from trusthub.common.net import resolves_to_loopback
from trusthub.sandbox import Sandbox
from trusthub.sandbox import callbacks as cb


def test_loopback_receiver_gets_signed_callbacks(
    client: Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    primary = b.submittable(client, callback=receiver.url)
    client.trusthub.v1.customer_profiles(primary.sid).update(status="pending-review")
    assert [p["Status"] for _, p, _ in receiver.received] == ["pending-review"]
    client.trusthub.v1.customer_profiles(primary.sid).fetch()
    statuses = [p["Status"] for _, p, _ in receiver.received]
    assert statuses == ["pending-review", "in-review", "twilio-approved"]

    validator = RequestValidator(sandbox.auth_token)
    for path, params, headers in receiver.received:
        assert path == "/trusthub/status"
        assert headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert validator.validate(receiver.url, params, headers["X-Twilio-Signature"])
        assert params["AccountSid"] == sandbox.account_sid
        assert params["BundleSid"] == primary.sid
    approved = receiver.received[-1][1]
    assert approved["ValidUntil"].endswith("Z")
    assert "FailureReason" not in approved
    assert [c.state for c in sandbox.callbacks()] == ["delivered"] * 3
    assert {c.detail for c in sandbox.callbacks()} == {"HTTP 204"}


def test_rejection_callback_carries_the_failure_reason(
    client: Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    primary = b.submittable(client, callback=receiver.url, email="owner@guerrillamail.com")
    client.trusthub.v1.customer_profiles(primary.sid).update(status="pending-review")
    client.trusthub.v1.customer_profiles(primary.sid).fetch()
    rejected = receiver.received[-1][1]
    assert rejected["Status"] == "twilio-rejected"
    assert rejected["FailureReason"] == "[email] - Email is a suspected disposable address."
    assert "ValidUntil" not in rejected
    # A forced decision is announced too.
    sandbox.approve(primary.sid)
    assert receiver.received[-1][1]["Status"] == "twilio-approved"


def test_other_hosts_go_to_the_outbox(
    client: Client, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    looked_up: list[object] = []

    def post(url: str, *args: object) -> tuple[str, str]:
        sent.append(url)
        return "delivered", ""

    monkeypatch.setattr(cb, "_post", post)

    def no_dns(host: object, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        raise OSError("no lookups in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    url = "https://hooks.acme-messaging.example.com/twilio/trusthub"
    primary = b.submittable(client, callback=url)
    client.trusthub.v1.customer_profiles(primary.sid).update(status="pending-review")
    client.trusthub.v1.customer_profiles(primary.sid).fetch()
    assert sent == []
    assert looked_up == []
    outbox = sandbox.callbacks()
    assert [(c.state, c.params["Status"]) for c in outbox] == [
        ("outbox", "pending-review"),
        ("outbox", "in-review"),
        ("outbox", "twilio-approved"),
    ]
    assert outbox[0].detail == "not a loopback host (callbacks: loopback)"
    assert RequestValidator(sandbox.auth_token).validate(url, outbox[0].params, outbox[0].signature)


def test_delivery_failures_are_recorded_not_raised(
    client: Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.status = 500
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
    closed.close()  # nothing listens there now
    failing = b.submittable(client, callback=receiver.url, name="a")
    refused = b.submittable(client, callback=dead_url, name="b")
    for built in (failing, refused):
        submitted = client.trusthub.v1.customer_profiles(built.sid).update(status="pending-review")
        assert submitted.status == "pending-review"
    details = {c.url: (c.state, c.detail) for c in sandbox.callbacks()}
    assert details[receiver.url] == ("failed", "HTTP 500")
    assert details[dead_url][0] == "failed"
    assert "Connection refused" in (details[dead_url][1] or "")


@pytest.mark.parametrize(("delivery", "state"), [("none", "outbox"), ("all", "delivered")])
def test_delivery_policy(
    tmp_path: Path, receiver: Receiver, delivery: cb.Delivery, state: str
) -> None:
    with Sandbox(tmp_path / "sb.db", callbacks=delivery) as sandbox:
        client = sandbox.client()
        primary = b.submittable(client, callback=receiver.url)
        client.trusthub.v1.customer_profiles(primary.sid).update(status="pending-review")
        assert [c.state for c in sandbox.callbacks()] == [state]


def test_localhost_is_loopback() -> None:
    assert resolves_to_loopback("127.0.0.5")
    assert resolves_to_loopback("[::1]")
    assert resolves_to_loopback("localhost")
    assert not resolves_to_loopback("10.0.0.1")
    assert not resolves_to_loopback("localhost.example.com")


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed(
    client: Client, sandbox: Sandbox, receiver: Receiver, code: int
) -> None:
    # Where the redirect points: a listening socket that must never see a connection (it
    # stands for any host; following the redirect would carry the signed request there).
    with socket.socket() as elsewhere:
        elsewhere.bind(("127.0.0.1", 0))
        elsewhere.listen()
        elsewhere.setblocking(False)
        receiver.status = code
        receiver.headers = {"Location": f"http://127.0.0.1:{elsewhere.getsockname()[1]}/x"}
        primary = b.submittable(client, callback=receiver.url)
        client.trusthub.v1.customer_profiles(primary.sid).update(status="pending-review")
        assert [p["Status"] for _, p, _ in receiver.received] == ["pending-review"]
        with pytest.raises(BlockingIOError):
            elsewhere.accept()
    assert [(c.state, c.detail) for c in sandbox.callbacks()] == [
        ("failed", f"HTTP {code} (a redirect, not followed)")
    ]
