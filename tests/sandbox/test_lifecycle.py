"""Statuses, deletes, the review delay, the reviewer's rules and the forcing functions."""

from __future__ import annotations

from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import Sandbox, SandboxError


def _submit(client: Client, sid: str) -> str:
    bundle = client.trusthub.v1.customer_profiles(sid)
    bundle.update(status="pending-review")
    return str(bundle.fetch().status)


def test_only_pending_review_may_be_requested(client: Client, bad_requests: None) -> None:
    bundle = client.trusthub.v1.customer_profiles.create(
        friendly_name="x", email="x@example.com", policy_sid=b.SECONDARY
    )
    for status in ("twilio-approved", "draft", "in-review"):
        with pytest.raises(TwilioRestException) as refused:
            client.trusthub.v1.customer_profiles(bundle.sid).update(status=status)
        assert (refused.value.status, refused.value.code) == (400, 20001)
        assert "Status" in refused.value.msg


def test_delete_allowed_in_draft_and_rejected_only(client: Client) -> None:
    th = client.trusthub.v1
    draft = th.customer_profiles.create(
        friendly_name="draft", email="x@example.com", policy_sid=b.SECONDARY
    )
    assert th.customer_profiles(draft.sid).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        th.customer_profiles(draft.sid).fetch()
    assert (gone.value.status, gone.value.code) == (404, 20404)

    primary = b.approved_primary(client)
    with pytest.raises(TwilioRestException) as refused:
        th.customer_profiles(primary.sid).delete()
    assert (refused.value.status, refused.value.code) == (400, 70002)
    assert "only draft or twilio-rejected bundles can be deleted" in refused.value.msg

    rejected = b.submittable(client, info=b.business_info(website_url=""))
    assert _submit(client, rejected.sid) == "twilio-rejected"
    assert th.customer_profiles(rejected.sid).delete() is True
    # Its end users were only assigned to it, so they can go too.
    assert th.end_users(rejected.end_users["authorized_representative_1"]).delete() is True


def test_objects_of_an_approved_bundle_cannot_be_deleted(client: Client) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client)
    with pytest.raises(TwilioRestException) as refused:
        th.end_users(primary.end_users["customer_profile_business_information"]).delete()
    assert refused.value.code == 70002
    with pytest.raises(TwilioRestException):
        th.customer_profiles(primary.sid).customer_profiles_entity_assignments(
            th.customer_profiles(primary.sid).customer_profiles_entity_assignments.list()[0].sid
        ).delete()


@pytest.mark.parametrize(
    ("changes", "code", "reason"),
    [
        (
            {"street": "P.O. Box 1234"},
            18603,
            "[address_sids] - PO Box addresses are not accepted for business profiles.",
        ),
        (
            {"info": b.business_info(business_registration_number="00-0000000")},
            18602,
            (
                "[business_registration_number] - The registration number is a published "
                "test number and cannot be verified."
            ),
        ),
        (
            {"email": "owner@yopmail.com"},
            18606,
            "[email] - Email is a suspected disposable address.",
        ),
    ],
)
def test_reviewer_rejections(
    client: Client, changes: dict[str, object], code: int, reason: str
) -> None:
    primary = b.approved_primary(client)
    built = b.profile(client, primary=primary.sid, **changes)  # type: ignore[arg-type]
    assert _submit(client, built.sid) == "twilio-rejected"
    errors = client.trusthub.v1.customer_profiles(built.sid).fetch().errors
    assert errors == [{"code": code, "message": reason}]


def test_documentation_ein_is_not_a_test_number(client: Client) -> None:
    info = b.business_info(business_registration_number="12-3456789")
    primary = b.submittable(client, info=info)
    assert _submit(client, primary.sid) == "twilio-approved"


def test_review_delay_keeps_the_bundle_in_review(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    with Sandbox(tmp_path / "sb.db", review_delay=60, clock=lambda: now[0]) as sandbox:
        client = sandbox.client()
        primary = b.submittable(client)
        bundle = client.trusthub.v1.customer_profiles(primary.sid)
        assert bundle.update(status="pending-review").status == "pending-review"
        assert bundle.fetch().status == "in-review"
        now[0] += 59
        assert bundle.fetch().status == "in-review"
        now[0] += 1
        assert bundle.fetch().status == "twilio-approved"


def test_forced_decisions(client: Client, sandbox: Sandbox) -> None:
    primary = b.submittable(client)
    with pytest.raises(SandboxError, match="is a draft: submit it first"):
        sandbox.approve(primary.sid)
    with pytest.raises(SandboxError, match="has no customer profile or trust product"):
        sandbox.approve("BU" + "f" * 32)

    sandbox.review_delay = 3600  # the reviewer would take an hour
    client.trusthub.v1.customer_profiles(primary.sid).update(status="pending-review")
    rejected = sandbox.reject(primary.sid, "[address_sids] - Invalid Street.")
    assert (rejected.status, rejected.failure_reason) == (
        "twilio-rejected",
        "[address_sids] - Invalid Street.",
    )
    fetched = client.trusthub.v1.customer_profiles(primary.sid).fetch()
    assert fetched.status == "twilio-rejected"
    assert fetched.errors == [{"code": 18601, "message": "[address_sids] - Invalid Street."}]

    approved = sandbox.approve(primary.sid)  # from rejected, too
    assert approved.status == "twilio-approved"
    assert approved.valid_until is not None
    assert client.trusthub.v1.customer_profiles(primary.sid).fetch().errors is None


def test_documents_follow_their_bundle_review(client: Client) -> None:
    primary = b.approved_primary(client)
    document = client.trusthub.v1.supporting_documents(primary.document).fetch()
    assert document.status == "APPROVED"
    fresh = client.trusthub.v1.supporting_documents.create(
        friendly_name="new", type="customer_profile_address", attributes={"address_sids": ""}
    )
    assert fresh.status == "DRAFT"
