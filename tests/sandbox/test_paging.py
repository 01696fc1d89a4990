"""Lists across several pages through the SDK's list() and stream(), with filters."""

from __future__ import annotations

from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import Sandbox


def test_end_users_across_pages(client: Client) -> None:
    th = client.trusthub.v1
    made = [
        th.end_users.create(
            friendly_name=f"user {i}", type="authorized_representative_1", attributes={}
        ).sid
        for i in range(23)
    ]
    assert [u.sid for u in th.end_users.list(page_size=5)] == made
    assert [u.sid for u in th.end_users.stream(page_size=4, limit=10)] == made[:10]

    first = th.end_users.page(page_size=10)
    assert first.next_page_url.startswith("https://trusthub.twilio.com/v1/EndUsers?")
    assert "PageToken=" in first.next_page_url
    second = first.next_page()
    assert [u.sid for u in second] == made[10:20]
    back = second.previous_page()
    assert [u.sid for u in back] == made[:10]
    third = second.next_page()
    assert [u.sid for u in third] == made[20:]
    assert third.next_page() is None


def test_pages_stay_consistent_while_objects_are_added(client: Client) -> None:
    th = client.trusthub.v1
    made = [th.end_users.create(friendly_name=f"u{i}", type="business").sid for i in range(6)]
    first = th.end_users.page(page_size=3)
    made.append(th.end_users.create(friendly_name="late", type="business").sid)
    second = first.next_page()
    assert [u.sid for u in second] == made[3:6]
    assert [u.sid for u in second.next_page()] == made[6:]


def test_bundle_filters(client: Client) -> None:
    th = client.trusthub.v1
    for i in range(7):
        th.customer_profiles.create(
            friendly_name=f"same name {i % 2}", email="x@example.com", policy_sid=b.SECONDARY
        )
    th.customer_profiles.create(
        friendly_name="same name 0", email="x@example.com", policy_sid=b.STARTER
    )
    assert len(th.customer_profiles.list(friendly_name="same name 0", page_size=2)) == 5
    assert (
        len(
            th.customer_profiles.list(
                friendly_name="same name 0", policy_sid=b.SECONDARY, page_size=2
            )
        )
        == 4
    )
    assert len(th.customer_profiles.list(status="draft")) == 8
    assert th.customer_profiles.list(status="twilio-approved") == []
    page = th.customer_profiles.page(friendly_name="same name 1", page_size=1)
    assert "FriendlyName=same+name+1" in page.next_page_url


def test_entity_assignments_filtered_by_object_type(client: Client) -> None:
    built = b.submittable(client)
    assignments = client.trusthub.v1.customer_profiles(
        built.sid
    ).customer_profiles_entity_assignments
    documents = assignments.list(object_type="customer_profile_address")
    assert [a.object_sid for a in documents] == [built.document]
    reps = assignments.list(object_type="authorized_representative_1")
    assert [a.object_sid for a in reps] == [built.end_users["authorized_representative_1"]]


def test_catalogue_pages(client: Client) -> None:
    th = client.trusthub.v1
    policies = th.policies.list(page_size=4)
    assert len(policies) == len({p.sid for p in policies}) >= 15
    types = [t.machine_name for t in th.end_user_types.stream(page_size=3)]
    assert "customer_profile_business_information" in types
    assert len(types) == len(set(types))
    documents = [d.machine_name for d in th.supporting_document_types.list()]
    assert documents == ["customer_profile_address", "starter_customer_profile_address"]


def test_api2010_pages(client: Client, sandbox: Sandbox) -> None:
    made = [b.address(client, friendly_name=f"a{i}") for i in range(7)]
    assert [a.sid for a in client.addresses.list(page_size=3)] == made
    numbers = [b.number(client, f"+1415555010{i}") for i in range(5)]
    assert [n.sid for n in client.incoming_phone_numbers.stream(page_size=2)] == numbers
    page = client.incoming_phone_numbers.page(page_size=2)
    assert page._payload["next_page_uri"].startswith(
        f"/2010-04-01/Accounts/{sandbox.account_sid}/IncomingPhoneNumbers.json?"
    )
