"""The sandbox's Events API (`events.twilio.com/v1`: Sinks, Subscriptions, their subscribed
event types, Types) through the stock twilio SDK, in-process and over loopback HTTP, per
account; and what a subscription selects is what the sandbox delivers: the events of the
account's own objects, of the subscribed types, to its sinks.

No OpenAPI spec of this API is vendored (tests/support/openapi/ has none), so these clients
are not spec-checked: the shapes asserted here are those of Twilio's API reference."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from trusthub.sandbox import Sandbox, event_streams
from trusthub.sandbox.server import SandboxServer
from trusthub.sandbox.store import Row
from trusthub.sandbox.transport import server_client

BRAND_OK = "com.twilio.messaging.compliance.brand-registration.brand-registered"
BRAND_FAILED = "com.twilio.messaging.compliance.brand-registration.brand-failure"
TOLLFREE_OK = "com.twilio.messaging.compliance.toll-free-verification.request-approved"


def _webhook(client: Client, url: str, description: str = "hooks") -> Any:
    return client.events.v1.sinks.create(
        description=description,
        sink_configuration={"destination": url, "method": "POST", "batch_events": True},
        sink_type="webhook",
    )


def _subscribe(client: Client, sink_sid: str, *types: str) -> Any:
    return client.events.v1.subscriptions.create(
        description="status events",
        sink_sid=sink_sid,
        types=[{"type": t, "schema_version": 1} for t in types],
    )


def _exercise(client: Client) -> None:
    v1 = client.events.v1
    sink = _webhook(client, "https://hooks.example.com/e")
    assert sink.sid.startswith("DG")
    assert sink.status == "active"
    assert sink.sink_type == "webhook"
    assert sink.sink_configuration == {
        "destination": "https://hooks.example.com/e",
        "method": "POST",
        "batch_events": True,
    }
    assert sink.links["sink_test"].endswith(f"/v1/Sinks/{sink.sid}/Test")
    assert [s.sid for s in v1.sinks.list()] == [sink.sid]
    assert v1.sinks(sink.sid).fetch().description == "hooks"
    assert v1.sinks(sink.sid).update(description="renamed").description == "renamed"
    assert [s.sid for s in v1.sinks.list(in_use=False)] == [sink.sid]

    subscription = _subscribe(client, sink.sid, BRAND_OK, TOLLFREE_OK)
    assert subscription.sid.startswith("DF")
    assert subscription.sink_sid == sink.sid
    assert [s.sid for s in v1.sinks.list(in_use=True)] == [sink.sid]
    assert [s.sid for s in v1.subscriptions.list(sink_sid=sink.sid)] == [subscription.sid]
    events = v1.subscriptions(subscription.sid).subscribed_events
    assert {(e.type, e.schema_version) for e in events.list()} == {(BRAND_OK, 1), (TOLLFREE_OK, 1)}
    events.create(type=BRAND_FAILED, schema_version=1)
    assert events(BRAND_FAILED).fetch().subscription_sid == subscription.sid
    events(TOLLFREE_OK).delete()
    assert {e.type for e in events.list()} == {BRAND_OK, BRAND_FAILED}
    assert v1.subscriptions(subscription.sid).update(description="x").description == "x"
    assert any(t.type == BRAND_OK for t in v1.event_types.list())

    with pytest.raises(TwilioRestException) as in_use:
        v1.sinks(sink.sid).delete()
    assert in_use.value.status == 400
    assert "delete the subscription first" in in_use.value.msg
    v1.subscriptions(subscription.sid).delete()
    v1.sinks(sink.sid).delete()
    assert v1.sinks.list() == []
    assert v1.subscriptions.list() == []


def test_sinks_and_subscriptions_through_the_stock_sdk_in_process(sandbox: Sandbox) -> None:
    _exercise(sandbox.client())


def test_sinks_and_subscriptions_over_loopback_http(sandbox: Sandbox) -> None:
    with SandboxServer(sandbox, "127.0.0.1", 0).start() as server:
        _exercise(server_client(server.url, sandbox.account_sid, sandbox.auth_token))


def test_each_account_sees_only_its_own_sinks_and_subscriptions(sandbox: Sandbox) -> None:
    sub = sandbox.create_subaccount("Client").sid
    parent, child = sandbox.client(), sandbox.client(sub)
    mine = _webhook(parent, "https://parent.example.com/e")
    theirs = _webhook(child, "https://child.example.com/e")
    assert [s.sid for s in parent.events.v1.sinks.list()] == [mine.sid]
    assert [s.sid for s in child.events.v1.sinks.list()] == [theirs.sid]
    with pytest.raises(TwilioRestException) as other:
        child.events.v1.sinks(mine.sid).fetch()
    assert other.value.status == 404
    with pytest.raises(TwilioRestException) as lent:  # another account's sink is not a sink
        _subscribe(child, mine.sid, BRAND_OK)
    assert lent.value.status == 400


def test_what_the_api_refuses(sandbox: Sandbox) -> None:
    client = sandbox.client()
    v1 = client.events.v1
    refusals: dict[str, Callable[[], Any]] = {
        "kinesis needs validating first": lambda: _subscribe(
            client,
            v1.sinks.create(
                description="k", sink_configuration={"arn": "a"}, sink_type="kinesis"
            ).sid,
            BRAND_OK,
        ),
        "an unknown type": lambda: _subscribe(
            client, _webhook(client, "https://h.example.com/e").sid, "com.example.nothing"
        ),
        "a relative destination": lambda: _webhook(client, "/e"),
        "a method other than POST or GET": lambda: v1.sinks.create(
            description="d",
            sink_configuration={"destination": "https://h.example.com", "method": "PUT"},
            sink_type="webhook",
        ),
    }
    for why, call in refusals.items():
        with pytest.raises(TwilioRestException) as refused:
            call()
        assert refused.value.status == 400, why
    # Validation makes a non-webhook sink active: Test, then Validate with its test id.
    kinesis = v1.sinks.list(status="initialized")[0]
    assert v1.sinks(kinesis.sid).sink_test.create().result == "submitted"
    with pytest.raises(TwilioRestException):
        v1.sinks(kinesis.sid).sink_validate.create(test_id="TE" + "0" * 32)
    with sandbox.store.read() as tx:
        row = tx.get(kinesis.sid)
        assert row is not None
        test_id = row.data["test_id"]
    assert v1.sinks(kinesis.sid).sink_validate.create(test_id=test_id).result == "valid"
    assert v1.sinks(kinesis.sid).fetch().status == "active"


def _brand_event(sandbox: Sandbox, account_sid: str, status: str) -> None:
    """What a brand's decision in `account_sid` queues, through the code reviews use."""
    row = Row(0, "BN" + "1" * 32, "brand_registration", None,
              {"status": status, "account_sid": account_sid})  # fmt: skip
    with sandbox.store.write() as tx:
        event_streams.emit(tx, event_streams.brand_event(row, sandbox.clock()))


def test_an_event_goes_to_the_subscribed_sinks_of_the_account_it_is_about(
    sandbox: Sandbox,
) -> None:
    sub = sandbox.create_subaccount("Client").sid
    parent, child = sandbox.client(), sandbox.client(sub)
    _subscribe(parent, _webhook(parent, "http://127.0.0.1:9/parent").sid, BRAND_OK, BRAND_FAILED)
    _subscribe(child, _webhook(child, "http://127.0.0.1:9/child").sid, BRAND_OK)
    sandbox.add_event_sink("http://127.0.0.1:9/operator")  # every type, every account

    _brand_event(sandbox, sub, "APPROVED")  # the subaccount's brand, subscribed there
    _brand_event(sandbox, sub, "FAILED")  # not subscribed in the subaccount
    _brand_event(sandbox, sandbox.account_sid, "FAILED")  # the parent's brand

    sent = {(d.event["type"], d.event["data"]["accountsid"], d.sink)
            for d in sandbox.event_deliveries()}  # fmt: skip
    assert sent == {
        (BRAND_OK, sub, "http://127.0.0.1:9/child"),
        (BRAND_OK, sub, "http://127.0.0.1:9/operator"),
        (BRAND_FAILED, sub, "http://127.0.0.1:9/operator"),
        (BRAND_FAILED, sandbox.account_sid, "http://127.0.0.1:9/parent"),
        (BRAND_FAILED, sandbox.account_sid, "http://127.0.0.1:9/operator"),
    }
    # A deleted subscription selects nothing more.
    for s in child.events.v1.subscriptions.list():
        child.events.v1.subscriptions(s.sid).delete()
    _brand_event(sandbox, sub, "APPROVED")
    last = [d for d in sandbox.event_deliveries() if d.sink.endswith("/child")]
    assert len(last) == 1
    assert json.loads(json.dumps(last[0].event))["data"]["accountsid"] == sub
