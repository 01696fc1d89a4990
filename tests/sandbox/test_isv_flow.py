"""The ISV onboarding flow of reference §8, end to end through the stock twilio SDK."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.model import twilio_codes
from trusthub.sandbox import Sandbox, policies


def test_secondary_profile_onboarding_is_approved(client: Client) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client)
    secondary = b.profile(client, primary=primary.sid, numbers=("+15125550140",))
    bundle = th.customer_profiles(secondary.sid)

    fetched = bundle.fetch()
    assert fetched.status == "draft"
    assert fetched.valid_until is None
    assert fetched.errors is None
    assigned = {a.object_sid for a in bundle.customer_profiles_entity_assignments.list()}
    assert assigned == {*secondary.end_users.values(), secondary.document, primary.sid}
    channel = bundle.customer_profiles_channel_endpoint_assignment.list()
    assert [c.channel_endpoint_sid for c in channel] == secondary.numbers

    evaluation = bundle.customer_profiles_evaluations.create(policy_sid=b.SECONDARY)
    assert evaluation.status == "compliant"
    assert {r["requirement_name"] for r in evaluation.results} == {
        "customer_profile_business_information",
        "authorized_representative_1",
        "authorized_representative_2",
        "customer_profile_address",
        "primary_customer_profile",
    }
    assert bundle.customer_profiles_evaluations(evaluation.sid).fetch().status == "compliant"

    submitted = bundle.update(status="pending-review")
    assert submitted.status == "pending-review"
    decided = bundle.fetch()  # the first read after submission shows the decision
    assert decided.status == "twilio-approved"
    assert decided.valid_until is not None
    assert (decided.valid_until - decided.date_updated).days == 365


def test_noncompliant_evaluation_names_each_gap(client: Client) -> None:
    th = client.trusthub.v1
    bundle = th.customer_profiles.create(
        friendly_name="Empty", email="ops@example.com", policy_sid=b.SECONDARY
    )
    evaluation = th.customer_profiles(bundle.sid).customer_profiles_evaluations.create(
        policy_sid=b.SECONDARY
    )
    assert evaluation.status == "noncompliant"
    by_name = {r["requirement_name"]: r for r in evaluation.results}
    info = by_name["customer_profile_business_information"]
    assert (info["passed"], info["error_code"]) == (False, 22214)
    assert {i["error_code"] for i in info["invalid"]} == {22215}
    assert "business_name" in {i["object_field"] for i in info["invalid"]}
    assert by_name["authorized_representative_1"]["error_code"] == 22214
    assert by_name["authorized_representative_2"]["passed"]  # optional in practice
    address = by_name["customer_profile_address"]
    assert address["error_code"] == 22216
    assert [i["error_code"] for i in address["invalid"]] == [22219]
    assert by_name["primary_customer_profile"]["error_code"] == 22216


def test_edits_after_submit_are_refused_with_70002(client: Client) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client)
    secondary = b.profile(client, primary=primary.sid)
    bundle = th.customer_profiles(secondary.sid)
    bundle.update(status="pending-review")
    edits: list[Callable[[], object]] = [
        lambda: bundle.update(friendly_name="Renamed"),
        lambda: bundle.update(status="pending-review"),
        lambda: bundle.customer_profiles_entity_assignments.create(object_sid=primary.sid),
        lambda: th.end_users(secondary.end_users["authorized_representative_1"]).update(
            attributes=b.representative(first_name="Pat")
        ),
        lambda: th.supporting_documents(secondary.document).update(friendly_name="moved"),
    ]
    for edit in edits:
        with pytest.raises(TwilioRestException) as refused:
            edit()
        assert (refused.value.status, refused.value.code) == (400, 70002)
    assert bundle.fetch().status == "twilio-approved"
    with pytest.raises(TwilioRestException) as refused:
        bundle.update(email="new@brightsmile-dental.example.com")
    assert refused.value.code == 70002
    assert "twilio-approved" in refused.value.msg


def test_rejection_fix_and_resubmission(client: Client, sandbox: Sandbox) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client)
    secondary = b.profile(
        client,
        primary=primary.sid,
        reps=[b.representative(email="priya@mailinator.com")],
    )
    bundle = th.customer_profiles(secondary.sid)
    # Compliant on paper: the disposable address is only caught by the review.
    assert bundle.customer_profiles_evaluations.create(policy_sid=b.SECONDARY).status == "compliant"
    bundle.update(status="pending-review")
    rejected = bundle.fetch()
    assert rejected.status == "twilio-rejected"
    assert rejected.errors == [
        {"code": 18604, "message": "[email] - Email is a suspected disposable address."}
    ]
    assert sandbox.bundle(secondary.sid).failure_reason == (
        "[email] - Email is a suspected disposable address."
    )

    # A rejected profile is editable again: fix the representative, resubmit.
    th.end_users(secondary.end_users["authorized_representative_1"]).update(
        attributes=b.representative()
    )
    resubmitted = bundle.update(status="pending-review")
    assert (resubmitted.status, resubmitted.errors) == ("pending-review", None)
    approved = bundle.fetch()
    assert approved.status == "twilio-approved"
    assert approved.errors is None


def test_secondary_of_unapproved_primary_is_rejected(client: Client, sandbox: Sandbox) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client, name="Rejected primary")
    sandbox.reject(primary.sid, "[business_name] - Business name could not be verified.")
    secondary = b.profile(client, primary=primary.sid)
    th.customer_profiles(secondary.sid).update(status="pending-review")
    rejected = th.customer_profiles(secondary.sid).fetch()
    assert rejected.status == "twilio-rejected"
    assert rejected.errors[0]["message"] == (
        f"[primary_customer_profile] - The primary customer profile {primary.sid} is not "
        "approved (it is twilio-rejected)."
    )


PRIMARY_RESTRICTED = (
    400,
    twilio_codes.PRIMARY_RESTRICTED,
    "This operation is restricted via API for Primary Customer Profiles; use the Twilio Console",
)


def test_the_api_refuses_to_create_a_primary_as_twilio_does(client: Client) -> None:
    th = client.trusthub.v1
    for policy in (b.PRIMARY, policies.PRIMARY_INDIVIDUAL):
        with pytest.raises(TwilioRestException) as refused:
            th.customer_profiles.create(
                friendly_name="Acme", email="trust@acme.example.com", policy_sid=policy
            )
        got = refused.value
        assert (got.status, got.code) == PRIMARY_RESTRICTED[:2]
        assert got.msg.endswith(PRIMARY_RESTRICTED[2])
    assert th.customer_profiles.list() == []


def test_the_api_refuses_status_changes_and_edits_of_a_primary(
    client: Client, sandbox: Sandbox
) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client)
    bundle = th.customer_profiles(primary.sid)
    with pytest.raises(TwilioRestException) as again:
        bundle.update(status="pending-review")
    assert (again.value.status, again.value.code) == (400, twilio_codes.PRIMARY_RESTRICTED)
    assert again.value.msg.endswith("User cannot perform this status update")
    for change in (
        {"status": "draft"},
        {"friendly_name": "Renamed"},
        {"email": "x@acme.example.com"},
    ):
        with pytest.raises(TwilioRestException) as refused:
            bundle.update(**change)
        assert (refused.value.status, refused.value.code) == PRIMARY_RESTRICTED[:2]
        assert refused.value.msg.endswith(PRIMARY_RESTRICTED[2])
    # A primary still in review in the Console cannot be submitted through the API either.
    with sandbox.store.write() as tx:
        row = tx.get(primary.sid)
        assert row is not None
        row.data["status"] = "draft"
        tx.save(row)
    with pytest.raises(TwilioRestException) as draft:
        bundle.update(status="pending-review")
    assert (draft.value.status, draft.value.code) == PRIMARY_RESTRICTED[:2]
    assert draft.value.msg.endswith(PRIMARY_RESTRICTED[2])
    # Its phone numbers are the API's to assign (Twilio documents it for direct customers).
    pn = b.number(client, "+14155550177")
    bundle.customer_profiles_channel_endpoint_assignment.create(
        channel_endpoint_type="phone-number", channel_endpoint_sid=pn
    )


def test_noncompliant_submission_is_rejected_with_the_evaluation(client: Client) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client)
    secondary = b.profile(client, primary=primary.sid, info=b.business_info(website_url=""))
    th.customer_profiles(secondary.sid).update(status="pending-review")
    rejected = th.customer_profiles(secondary.sid).fetch()
    assert rejected.status == "twilio-rejected"
    assert rejected.errors[0]["code"] == 22215
    assert rejected.errors[0]["message"].startswith(
        "Evaluation noncompliant: Business Information: The Website URL is missing."
    )
