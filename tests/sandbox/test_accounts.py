"""A parent account and its subaccounts: each account's objects are its own, the parent's
primary is lent to its subaccounts' profiles, and the Accounts API, through the stock SDK
with each account's own credentials (every request and response checked against the
OpenAPI specs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.sandbox import builders as b
from tests.sandbox.conftest import Receiver
from tests.support.conformance import CheckingHttpClient, Conformance
from trusthub.sandbox import AccountSummary, Sandbox, SandboxError, policies
from trusthub.sandbox.server import SandboxServer
from trusthub.sandbox.transport import server_client

Clients = Callable[..., Client]


@pytest.fixture
def clients(
    sandbox: Sandbox, conformance: Conformance, request: pytest.FixtureRequest
) -> Iterator[Clients]:
    """`clients(sid)`: a stock client with that account's credentials (None: the parent),
    its traffic checked against the OpenAPI specs."""
    checkers: list[CheckingHttpClient] = []

    def make(account_sid: str | None = None) -> Client:
        client = sandbox.client(account_sid)
        checker = CheckingHttpClient(client.http_client, conformance)
        client.http_client = checker
        checkers.append(checker)
        return client

    yield make
    for checker in checkers:
        assert checker.response_drifts == [], "\n".join(checker.response_drifts)
        if "bad_requests" not in request.fixturenames:
            assert checker.request_drifts == [], "\n".join(checker.request_drifts)


def _sub(sandbox: Sandbox, name: str) -> str:
    return sandbox.create_subaccount(name).sid


def _code(call: Callable[[], object]) -> tuple[int, int]:
    with pytest.raises(TwilioRestException) as raised:
        call()
    return raised.value.status, raised.value.code


def test_each_account_sees_only_its_own_objects(sandbox: Sandbox, clients: Clients) -> None:
    a, b_sid = _sub(sandbox, "Customer A"), _sub(sandbox, "Customer B")
    parent, in_a, in_b = clients(), clients(a), clients(b_sid)
    user = in_a.trusthub.v1.end_users.create(
        friendly_name="A rep", type="authorized_representative_1", attributes=b.representative()
    )
    assert user.account_sid == a
    profile = in_a.trusthub.v1.customer_profiles.create(
        friendly_name="A profile", email="a@brightsmile-dental.example.com", policy_sid=b.SECONDARY
    )
    service = in_a.messaging.v1.services.create(friendly_name="A service")
    theirs = parent.trusthub.v1.end_users.create(
        friendly_name="parent rep", type="authorized_representative_1",
        attributes=b.representative(),
    )  # fmt: skip

    assert [u.sid for u in in_a.trusthub.v1.end_users.list()] == [user.sid]
    assert [u.sid for u in parent.trusthub.v1.end_users.list()] == [theirs.sid]
    for other in (parent, in_b):
        if other is in_b:
            assert other.trusthub.v1.end_users.list() == []
        assert profile.sid not in [p.sid for p in other.trusthub.v1.customer_profiles.list()]
        assert service.sid not in [s.sid for s in other.messaging.v1.services.list()]
        assert _code(other.trusthub.v1.end_users(user.sid).fetch) == (404, 20404)
        assert _code(other.trusthub.v1.customer_profiles(profile.sid).fetch) == (404, 20404)
        assert _code(other.messaging.v1.services(service.sid).fetch) == (404, 20404)
        assert _code(other.trusthub.v1.end_users(user.sid).delete) == (404, 20404)
        rename = partial(other.trusthub.v1.end_users(user.sid).update, friendly_name="taken")
        assert _code(rename) == (404, 20404)
    assert _code(in_a.trusthub.v1.end_users(theirs.sid).fetch) == (404, 20404)
    assert in_a.trusthub.v1.end_users(user.sid).fetch().friendly_name == "A rep"  # untouched


def test_the_parents_primary_is_lent_to_a_subaccount_profile(
    sandbox: Sandbox, clients: Clients
) -> None:
    parent = clients()
    primary = b.approved_primary(parent, sandbox=sandbox)
    in_a = clients(_sub(sandbox, "Customer A"))

    secondary = b.profile(in_a, primary=primary.sid)  # assigns the parent's primary
    assignments = in_a.trusthub.v1.customer_profiles(
        secondary.sid
    ).customer_profiles_entity_assignments.list()
    assert primary.sid in [x.object_sid for x in assignments]
    evaluation = in_a.trusthub.v1.customer_profiles(
        secondary.sid
    ).customer_profiles_evaluations.create(policy_sid=b.SECONDARY)
    assert evaluation.status == "compliant", b.failing(evaluation.results)
    in_a.trusthub.v1.customer_profiles(secondary.sid).update(status="pending-review")
    assert in_a.trusthub.v1.customer_profiles(secondary.sid).fetch().status == "twilio-approved"
    # The primary itself stays the parent's alone.
    assert _code(in_a.trusthub.v1.customer_profiles(primary.sid).fetch) == (404, 20404)


def test_nothing_else_of_another_account_can_be_assigned(
    sandbox: Sandbox, clients: Clients, bad_requests: None
) -> None:
    parent = clients()
    primary = b.approved_primary(parent, sandbox=sandbox)
    parent_secondary = b.profile(parent, primary=primary.sid, name="Parent's own secondary")
    a, other = _sub(sandbox, "Customer A"), _sub(sandbox, "Customer B")
    in_a, in_b = clients(a), clients(other)
    b_secondary = b.profile(in_b, primary=primary.sid, name="B secondary")
    a_profile = in_a.trusthub.v1.customer_profiles.create(
        friendly_name="A", email="a@brightsmile-dental.example.com", policy_sid=b.SECONDARY
    )
    entity = in_a.trusthub.v1.customer_profiles(a_profile.sid).customer_profiles_entity_assignments
    for foreign in (b_secondary.sid, parent_secondary.sid, *b_secondary.end_users.values()):
        assert _code(partial(entity.create, object_sid=foreign)) == (400, 20001)
    # A subaccount's trust product, or the parent's own bundles, borrow nothing either.
    product = in_a.trusthub.v1.trust_products.create(
        friendly_name="A product", email="a@brightsmile-dental.example.com",
        policy_sid=policies.SHAKEN_STIR,
    )  # fmt: skip
    lent = in_a.trusthub.v1.trust_products(product.sid).trust_products_entity_assignments
    assert _code(lambda: lent.create(object_sid=primary.sid)) == (400, 20001)
    mine = parent.trusthub.v1.customer_profiles(parent_secondary.sid)
    assert _code(
        lambda: mine.customer_profiles_entity_assignments.create(object_sid=b_secondary.sid)
    ) == (400, 20001)


def test_a_subaccount_cannot_make_subaccounts(sandbox: Sandbox, clients: Clients) -> None:
    sub = clients(_sub(sandbox, "Customer A"))
    with pytest.raises(TwilioRestException) as refused:
        sub.api.v2010.accounts.create(friendly_name="nested")
    assert refused.value.code == 21101
    assert "Subaccounts cannot contain subaccounts" in refused.value.msg
    assert len(sandbox.accounts()) == 2


def test_accounts_api_for_the_parent_and_a_subaccount(sandbox: Sandbox, clients: Clients) -> None:
    parent = clients()
    made = parent.api.v2010.accounts.create(friendly_name="Customer A")
    assert (made.status, made.owner_account_sid, made.type) == (
        "active",
        sandbox.account_sid,
        "Full",
    )
    assert made.auth_token == sandbox.account_credentials(made.sid)[1]
    second = parent.api.v2010.accounts.create()
    assert second.friendly_name.startswith("SubAccount Created at ")

    listed = parent.api.v2010.accounts.list()
    assert [a.sid for a in listed] == [sandbox.account_sid, made.sid, second.sid]
    assert [a.auth_token for a in listed] == [
        sandbox.auth_token,
        made.auth_token,
        second.auth_token,
    ]
    assert listed[0].owner_account_sid == sandbox.account_sid  # the parent owns itself
    paged = list(parent.api.v2010.accounts.stream(page_size=1))
    assert [a.sid for a in paged] == [a.sid for a in listed]
    assert [a.sid for a in parent.api.v2010.accounts.list(friendly_name="Customer A")] == [made.sid]

    sub = clients(made.sid)
    assert [a.sid for a in sub.api.v2010.accounts.list()] == [made.sid]
    assert sub.api.v2010.accounts(made.sid).fetch().auth_token == made.auth_token
    for hidden in (sandbox.account_sid, second.sid):
        assert _code(sub.api.v2010.accounts(hidden).fetch) == (404, 20404)
    renamed = sub.api.v2010.accounts(made.sid).update(friendly_name="Customer A, Inc.")
    assert renamed.friendly_name == "Customer A, Inc."

    suspended = parent.api.v2010.accounts(second.sid).update(status="suspended")
    assert suspended.status == "suspended"
    assert [a.sid for a in parent.api.v2010.accounts.list(status="suspended")] == [second.sid]
    assert parent.api.v2010.accounts(second.sid).update(status="active").status == "active"
    assert parent.api.v2010.accounts(second.sid).update(status="closed").status == "closed"
    assert _code(lambda: parent.api.v2010.accounts(second.sid).update(status="active")) == (
        400,
        21479,
    )
    assert parent.api.v2010.accounts(second.sid).fetch().status == "closed"


def test_status_changes_only_the_parent_makes(
    sandbox: Sandbox, clients: Clients, bad_requests: None
) -> None:
    parent = clients()
    a = _sub(sandbox, "Customer A")
    sub = clients(a)
    assert _code(lambda: sub.api.v2010.accounts(a).update(status="closed")) == (400, 21100)
    assert _code(
        lambda: parent.api.v2010.accounts(sandbox.account_sid).update(status="suspended")
    ) == (400, 21100)
    assert _code(lambda: parent.api.v2010.accounts(a).update(status="asleep")) == (400, 20001)
    renamed = parent.api.v2010.accounts(sandbox.account_sid).update(friendly_name="Acme ISV")
    assert renamed.friendly_name == "Acme ISV"
    assert sandbox.accounts()[0].friendly_name == "Acme ISV"


def test_suspended_and_closed_credentials_are_refused(sandbox: Sandbox, clients: Clients) -> None:
    a = _sub(sandbox, "Customer A")
    sub = clients(a)
    user = sub.trusthub.v1.end_users.create(friendly_name="A", type="business")
    sandbox.set_account_status(a, "suspended")
    assert _code(sub.trusthub.v1.end_users(user.sid).fetch) == (401, 20005)
    assert _code(sub.api.v2010.accounts(a).fetch) == (401, 20005)
    # The parent may not act in it either, but still sees and reactivates it.
    numbers = clients().api.v2010.accounts(a).incoming_phone_numbers
    assert _code(lambda: numbers.create(phone_number="+14155550100")) == (401, 20005)
    assert clients().api.v2010.accounts(a).fetch().status == "suspended"
    sandbox.set_account_status(a, "active")
    assert sub.trusthub.v1.end_users(user.sid).fetch().sid == user.sid
    sandbox.set_account_status(a, "closed")
    assert _code(sub.trusthub.v1.end_users(user.sid).fetch) == (401, 20003)
    with pytest.raises(SandboxError, match="cannot be reopened"):
        sandbox.set_account_status(a, "active")
    with pytest.raises(SandboxError, match="parent account stays active"):
        sandbox.set_account_status(sandbox.account_sid, "closed")
    with pytest.raises(SandboxError, match="no account"):
        sandbox.set_account_status("AC" + "0" * 32, "closed")
    # A subaccount's SID with another account's token is no credential.
    wrong = Client(a, sandbox.auth_token, http_client=sandbox.client().http_client)
    assert _code(wrong.trusthub.v1.end_users(user.sid).fetch) == (401, 20003)


def test_numbers_belong_to_the_account_in_the_path(
    sandbox: Sandbox, clients: Clients, bad_requests: None
) -> None:
    a, other = _sub(sandbox, "Customer A"), _sub(sandbox, "Customer B")
    parent, in_a, in_b = clients(), clients(a), clients(other)
    bought = parent.api.v2010.accounts(a).incoming_phone_numbers.create(phone_number="+14155550100")
    assert bought.account_sid == a
    assert f"/Accounts/{a}/" in bought.uri
    assert [n.sid for n in in_a.incoming_phone_numbers.list()] == [bought.sid]
    assert parent.incoming_phone_numbers.list() == []
    assert [n.sid for n in parent.api.v2010.accounts(a).incoming_phone_numbers.list()] == [
        bought.sid
    ]
    assert _code(parent.incoming_phone_numbers(bought.sid).fetch) == (404, 20404)
    # One owner per number, whoever asks.
    assert _code(lambda: in_b.incoming_phone_numbers.create(phone_number="+14155550100")) == (
        400,
        21422,
    )
    # A subaccount acts in no other account's path, the parent's included.
    for path in (sandbox.account_sid, other):
        there = in_a.api.v2010.accounts(path).incoming_phone_numbers
        assert _code(partial(there.create, phone_number="+14155550102")) == (404, 20404)
        assert _code(there(bought.sid).fetch) == (404, 20404)
    unknown = parent.api.v2010.accounts("AC" + "1" * 32).incoming_phone_numbers
    assert _code(lambda: unknown.create(phone_number="+14155550102")) == (404, 20404)
    address = parent.api.v2010.accounts(a).addresses.create(
        customer_name="A", street="1 Main St", city="Austin", region="TX",
        postal_code="78701", iso_country="US",
    )  # fmt: skip
    assert address.account_sid == a
    assert [x.sid for x in in_a.addresses.list()] == [address.sid]
    # The subaccount's number joins its own profile, never another account's.
    profile = in_a.trusthub.v1.customer_profiles.create(
        friendly_name="A", email="a@brightsmile-dental.example.com", policy_sid=b.SECONDARY
    )
    channels = in_a.trusthub.v1.customer_profiles(
        profile.sid
    ).customer_profiles_channel_endpoint_assignment
    channels.create(channel_endpoint_type="phone-number", channel_endpoint_sid=bought.sid)
    theirs = in_b.incoming_phone_numbers.create(phone_number="+14155550101")
    assert _code(
        lambda: channels.create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=theirs.sid
        )
    ) == (400, 20001)


def test_callbacks_are_signed_with_the_owners_token(
    sandbox: Sandbox, clients: Clients, receiver: Receiver
) -> None:
    primary = b.approved_primary(clients(), sandbox=sandbox)
    a = _sub(sandbox, "Customer A")
    in_a = clients(a)
    secondary = b.profile(in_a, primary=primary.sid, callback=receiver.url)
    in_a.trusthub.v1.customer_profiles(secondary.sid).update(status="pending-review")
    in_a.trusthub.v1.customer_profiles(secondary.sid).fetch()
    assert [p["Status"] for _, p, _ in receiver.received] == [
        "pending-review",
        "in-review",
        "twilio-approved",
    ]
    owner = RequestValidator(sandbox.account_credentials(a)[1])
    for _, params, headers in receiver.received:
        assert params["AccountSid"] == a
        assert owner.validate(receiver.url, params, headers["X-Twilio-Signature"])
        assert not RequestValidator(sandbox.auth_token).validate(
            receiver.url, params, headers["X-Twilio-Signature"]
        )
    # The operator decides any account's bundles; the callback is still the owner's.
    sandbox.reject(secondary.sid, "[email] - Unknown email domain.")
    last = receiver.received[-1]
    assert last[1]["Status"] == "twilio-rejected"
    assert owner.validate(receiver.url, last[1], last[2]["X-Twilio-Signature"])
    assert sandbox.bundle(secondary.sid).status == "twilio-rejected"


def test_python_api_and_reset(sandbox: Sandbox) -> None:
    made = sandbox.create_subaccount("Customer A")
    assert made == AccountSummary(made.sid, "Customer A", "active", sandbox.account_sid)
    assert sandbox.accounts() == [
        AccountSummary(sandbox.account_sid, "trusthub sandbox", "active", None),
        made,
    ]
    sid, token = sandbox.account_credentials(made.sid)
    assert sid == made.sid
    assert token != sandbox.auth_token
    sub = sandbox.client(made.sid)
    assert sub.username == made.sid
    sub.trusthub.v1.end_users.create(friendly_name="x", type="business")
    assert sandbox.client().username == sandbox.account_sid
    with pytest.raises(SandboxError, match="no account"):
        sandbox.account_credentials("AC" + "2" * 32)
    parent = (sandbox.account_sid, sandbox.auth_token)
    sandbox.reset()
    assert [a.sid for a in sandbox.accounts()] == [sandbox.account_sid]
    assert (sandbox.account_sid, sandbox.auth_token) == parent
    with pytest.raises(SandboxError):
        sandbox.client(made.sid)


def test_subaccount_credentials_over_http(sandbox: Sandbox, server: SandboxServer) -> None:
    a = _sub(sandbox, "Customer A")
    sid, token = sandbox.account_credentials(a)
    sub = server_client(server.url, sid, token)
    user = sub.trusthub.v1.end_users.create(friendly_name="A", type="business")
    assert user.account_sid == a
    assert [u.sid for u in sub.trusthub.v1.end_users.list()] == [user.sid]
    number = sub.api.v2010.accounts(a).incoming_phone_numbers.create(phone_number="+14155550100")
    assert number.account_sid == a
    assert [x.sid for x in sub.api.v2010.accounts.list()] == [a]
    parent = server_client(server.url, sandbox.account_sid, sandbox.auth_token)
    assert parent.trusthub.v1.end_users.list() == []
    assert [x.sid for x in parent.api.v2010.accounts.list()] == [sandbox.account_sid, a]
    sandbox.set_account_status(a, "closed")
    # Refused on its headers, before the body is read.
    assert _code(lambda: sub.trusthub.v1.end_users.create(friendly_name="B", type="business")) == (
        401,
        20003,
    )


def test_a_subaccounts_tollfree_verification_and_its_events(
    sandbox: Sandbox, clients: Clients, receiver: Receiver
) -> None:
    a = _sub(sandbox, "Customer A")
    in_a = clients(a)
    number = in_a.incoming_phone_numbers.create(phone_number="+18885550100")
    sandbox.add_event_sink(receiver.url)
    verification = in_a.messaging.v1.tollfree_verifications.create(
        business_name="BrightSmile Dental",
        business_website="https://brightsmile-dental.example.com",
        notification_email="ops@brightsmile-dental.example.com",
        use_case_categories=["ACCOUNT_NOTIFICATIONS"],
        use_case_summary="Appointment reminders for patients who opted in.",
        production_message_sample="BrightSmile: see you tomorrow at 9am. Reply STOP to opt out.",
        opt_in_image_urls=["https://brightsmile-dental.example.com/opt-in.png"],
        opt_in_type="WEB_FORM",
        message_volume="1,000",
        tollfree_phone_number_sid=number.sid,
        business_type="SOLE_PROPRIETOR",
    )
    sandbox.approve(verification.sid)  # the operator decides any account's verification
    deliveries = sandbox.event_deliveries()
    assert [d.state for d in deliveries] == ["delivered", "delivered"]
    for d in deliveries:
        assert d.event["data"]["accountsid"] == a
        assert d.event["data"]["parentaccountsid"] == sandbox.account_sid
    base = receiver.url.split("/trusthub/")[0]
    owner = RequestValidator(sandbox.account_credentials(a)[1])
    for path, _, headers in receiver.received:
        assert "bodySHA256=" in path
        assert owner.compute_signature(base + path, {}) == headers["X-Twilio-Signature"]
    assert len(receiver.received) == 2
    # The parent lists its subaccounts' verifications when it asks, and fetches none.
    parent = clients().messaging.v1.tollfree_verifications
    assert parent.list() == []
    assert [v.sid for v in parent.list(include_sub_accounts=True)] == [verification.sid]
    assert _code(parent(verification.sid).fetch) == (404, 20404)
    assert [v.sid for v in in_a.messaging.v1.tollfree_verifications.list()] == [verification.sid]
