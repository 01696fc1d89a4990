"""Evaluation results and their error codes (reference §6)."""

from __future__ import annotations

from typing import Any

from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import policies as p


def _evaluate(client: Client, sid: str, policy: str = b.SECONDARY) -> Any:
    bundle = client.trusthub.v1.customer_profiles(sid)
    return bundle.customer_profiles_evaluations.create(policy_sid=policy)


def test_missing_and_invalid_fields(client: Client) -> None:
    primary = b.approved_primary(client)
    built = b.profile(
        client,
        primary=primary.sid,
        info=b.business_info(business_name="", business_type="Trust"),
        reps=[b.representative(phone_number="+1555", email="not-an-email")],
    )
    evaluation = _evaluate(client, built.sid)
    assert evaluation.status == "noncompliant"
    by_name = {r["requirement_name"]: r for r in evaluation.results}
    info = by_name["customer_profile_business_information"]
    invalid = {i["object_field"]: (i["error_code"], i["failure_reason"]) for i in info["invalid"]}
    assert invalid["business_name"][0] == 22215
    assert invalid["business_type"][0] == 22218
    assert invalid["business_type"][1].startswith("Business Type should be one of:")
    rep = {i["object_field"]: i for i in by_name["authorized_representative_1"]["invalid"]}
    assert (rep["phone_number"]["error_code"], rep["phone_number"]["failure_reason"]) == (
        22218,
        "Phone number is invalid.",
    )
    assert (rep["email"]["error_code"], rep["email"]["failure_reason"]) == (
        22218,
        "Email is invalid.",
    )
    valid = {i["object_field"] for i in by_name["authorized_representative_1"]["valid"]}
    assert valid == {"first_name", "last_name", "business_title", "job_position"}
    assert all(i["passed"] for i in by_name["authorized_representative_1"]["valid"])


def test_address_document_checks(client: Client) -> None:
    th = client.trusthub.v1
    primary = b.approved_primary(client)
    built = b.profile(client, primary=primary.sid)
    document = th.supporting_documents(built.document)

    document.update(attributes={"address_sids": ""})
    result = _address_result(client, built.sid)
    assert [i["error_code"] for i in result["invalid"]] == [22217]

    document.update(attributes={"address_sids": "AD" + "0" * 32})
    result = _address_result(client, built.sid)
    assert [i["error_code"] for i in result["invalid"]] == [22219]

    document.update(attributes={"address_sids": [built.address]})  # a list is accepted too
    assert _address_result(client, built.sid)["passed"]


def _address_result(client: Client, sid: str) -> dict[str, Any]:
    results = _evaluate(client, sid).results
    return next(r for r in results if r["requirement_name"] == "customer_profile_address")


def test_wrong_kind_of_supporting_profile(client: Client) -> None:
    primary = b.approved_primary(client)
    other_secondary = b.profile(client, primary=primary.sid, name="Other")
    built = b.profile(client, primary=other_secondary.sid)
    evaluation = _evaluate(client, built.sid)
    assert b.failing(evaluation.results) == {"primary_customer_profile": [22218]}


def test_conditional_fields_of_a2p_profile_information(client: Client) -> None:
    primary = b.approved_primary(client)
    public = ("us_a2p_messaging_profile_information", {"company_type": "public"})
    product = b.product(client, policy=p.A2P_MESSAGING, profile_sid=primary.sid, end_user=public)
    evaluation = client.trusthub.v1.trust_products(product.sid).trust_products_evaluations.create(
        policy_sid=p.A2P_MESSAGING
    )
    assert b.failing(evaluation.results) == {"us_a2p_messaging_profile_information": [22215, 22215]}


def test_voice_products_need_numbers_on_the_profile(client: Client) -> None:
    primary = b.approved_primary(client, numbers=("+14155550100",))
    stray = b.number(client, "+14155550199")  # bought, but not on the profile
    toll_free = b.number(client, "+18885550142")
    cnam = ("cnam_information", {"cnam_display_name": "ACME"})
    product = b.product(
        client, policy=p.CNAM, profile_sid=primary.sid, end_user=cnam, numbers=(stray, toll_free)
    )
    bundle = client.trusthub.v1.trust_products(product.sid)
    evaluation = bundle.trust_products_evaluations.create(policy_sid=p.CNAM)
    result = next(r for r in evaluation.results if r["requirement_name"] == "phone_numbers")
    reasons = [i["failure_reason"] for i in result["invalid"]]
    assert reasons == [
        f"Phone number {stray} is not assigned to the supporting customer profile.",
        f"Phone number {toll_free} is toll-free; this product covers only local numbers.",
    ]
    assert {i["error_code"] for i in result["invalid"]} == {22218}

    empty = b.product(client, policy=p.SHAKEN_STIR, profile_sid=primary.sid)
    evaluation = client.trusthub.v1.trust_products(empty.sid).trust_products_evaluations.create(
        policy_sid=p.SHAKEN_STIR
    )
    assert b.failing(evaluation.results) == {"phone_numbers": [22216]}


def test_evaluations_are_listed_and_do_not_change_the_bundle(client: Client) -> None:
    bundle = client.trusthub.v1.customer_profiles.create(
        friendly_name="x", email="x@example.com", policy_sid=b.PRIMARY
    )
    evaluations = client.trusthub.v1.customer_profiles(bundle.sid).customer_profiles_evaluations
    first = evaluations.create(policy_sid=b.PRIMARY)
    second = evaluations.create(policy_sid=b.PRIMARY)
    assert [e.sid for e in evaluations.list()] == [first.sid, second.sid]
    assert client.trusthub.v1.customer_profiles(bundle.sid).fetch().status == "draft"


def test_several_regions_and_the_industries_the_api_lacks_are_invalid(client: Client) -> None:
    # The stricter readings of mapping.SEVERAL_REGIONS_ACCEPTED and INDUSTRIES_NOT_ACCEPTED.
    primary = b.approved_primary(client)
    built = b.profile(
        client,
        primary=primary.sid,
        info=b.business_info(
            business_regions_of_operation="USA_AND_CANADA,EUROPE",
            business_industry="CONSTRUCTION",
        ),
    )
    evaluation = _evaluate(client, built.sid)
    assert evaluation.status == "noncompliant"
    by_name = {r["requirement_name"]: r for r in evaluation.results}
    info = by_name["customer_profile_business_information"]
    invalid = {i["object_field"]: (i["error_code"], i["failure_reason"]) for i in info["invalid"]}
    assert invalid["business_regions_of_operation"][0] == 22218
    assert invalid["business_regions_of_operation"][1].startswith(
        "Regions of Operation should be one of:"
    )
    assert invalid["business_industry"][0] == 22218
