"""Build Trust Hub objects through the stock SDK, the way an ISV integration does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from twilio.rest import Client

from trusthub.sandbox import Sandbox
from trusthub.sandbox import policies as p
from trusthub.sandbox.console import ConsoleEndUser, ConsolePrimary, create_primary

PRIMARY = p.PRIMARY_BUSINESS
SECONDARY = p.SECONDARY_BUSINESS
STARTER = p.STARTER


def business_info(**changes: Any) -> dict[str, Any]:
    info = {
        "business_name": "BrightSmile Dental Group LLC",
        "business_identity": "direct_customer",
        "business_type": "Limited Liability Corporation",
        "business_industry": "HEALTHCARE",
        "business_registration_identifier": "EIN",
        "business_registration_number": "83-2716540",
        "business_regions_of_operation": "USA_AND_CANADA",
        "website_url": "https://brightsmile-dental.example.com",
        "social_media_profile_urls": "",
    }
    info.update(changes)
    return info


def representative(**changes: Any) -> dict[str, Any]:
    rep = {
        "first_name": "Priya",
        "last_name": "Raman",
        "email": "priya.raman@brightsmile-dental.example.com",
        "phone_number": "+15125550111",
        "business_title": "Practice Operations Manager",
        "job_position": "GM",
    }
    rep.update(changes)
    return rep


def address(client: Client, **changes: Any) -> str:
    params = {
        "customer_name": "BrightSmile Dental Group LLC",
        "street": "2100 Guadalupe Street",
        "city": "Austin",
        "region": "TX",
        "postal_code": "78705",
        "iso_country": "US",
    }
    params.update(changes)
    return str(client.addresses.create(**params).sid)


@dataclass
class Built:
    sid: str
    end_users: dict[str, str] = field(default_factory=dict)  # type -> IT sid
    document: str | None = None
    address: str | None = None
    numbers: list[str] = field(default_factory=list)  # PN sids


def number(client: Client, e164: str) -> str:
    return str(client.incoming_phone_numbers.create(phone_number=e164).sid)


def profile(
    client: Client,
    *,
    policy: str = SECONDARY,
    primary: str | None = None,
    email: str = "compliance@brightsmile-dental.example.com",
    callback: str | None = None,
    info: dict[str, Any] | None = None,
    reps: list[dict[str, Any]] | None = None,
    street: str = "2100 Guadalupe Street",
    numbers: tuple[str, ...] = (),
    name: str = "BrightSmile Dental",
) -> Built:
    """A business customer profile with everything its policy needs, assigned."""
    th = client.trusthub.v1
    bundle = th.customer_profiles.create(
        friendly_name=name, email=email, policy_sid=policy, status_callback=callback
    )
    built = Built(bundle.sid)
    users = {"customer_profile_business_information": info or business_info()}
    for i, rep in enumerate(reps if reps is not None else [representative()], start=1):
        users[f"authorized_representative_{i}"] = rep
    for type_, attributes in users.items():
        eu = th.end_users.create(friendly_name=f"{name} {type_}", type=type_, attributes=attributes)
        built.end_users[type_] = eu.sid
    built.address = address(client, street=street)
    doc = th.supporting_documents.create(
        friendly_name=f"{name} address",
        type="customer_profile_address",
        attributes={"address_sids": built.address},
    )
    built.document = doc.sid
    assignments = th.customer_profiles(bundle.sid).customer_profiles_entity_assignments
    for sid in [*built.end_users.values(), doc.sid, *([primary] if primary else [])]:
        assignments.create(object_sid=sid)
    channels = th.customer_profiles(bundle.sid).customer_profiles_channel_endpoint_assignment
    for e164 in numbers:
        pn = number(client, e164)
        channels.create(channel_endpoint_type="phone-number", channel_endpoint_sid=pn)
        built.numbers.append(pn)
    return built


def sandbox_of(client: Client) -> Sandbox:
    """The Sandbox answering `client` in-process (through any checking wrapper)."""
    http: Any = client.http_client
    while not hasattr(http, "sandbox"):
        http = getattr(http, "inner", None)
        if http is None:
            raise TypeError("this client does not reach a sandbox in-process: pass sandbox=")
    sb: Sandbox = http.sandbox
    return sb


def approved_primary(
    client: Client,
    *,
    sandbox: Sandbox | None = None,
    name: str = "Acme ISV primary",
    email: str = "compliance@acme-messaging.example.com",
    callback: str | None = None,
    info: dict[str, Any] | None = None,
    reps: list[dict[str, Any]] | None = None,
    numbers: tuple[str, ...] = (),
) -> Built:
    """The ISV's primary business profile, approved, made as the Twilio Console makes it
    (the API refuses to create or submit a primary); its numbers assigned through the API,
    as Twilio allows."""
    users = {
        "customer_profile_business_information": info
        or business_info(business_identity="isv_reseller_or_partner")
    }
    for i, rep in enumerate(reps if reps is not None else [representative()], start=1):
        users[f"authorized_representative_{i}"] = rep
    form = ConsolePrimary(
        policy_sid=PRIMARY,
        friendly_name=name,
        email=email,
        status_callback=callback,
        end_users=[ConsoleEndUser(t, f"{name} {t}", a) for t, a in users.items()],
        address={
            "customer_name": "Acme Messaging, Inc.",
            "street": "500 Howard Street",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94105",
            "iso_country": "US",
        },
        address_name=f"{name} address",
    )
    sid = create_primary(sandbox or sandbox_of(client), form).sid
    th = client.trusthub.v1
    built = Built(sid)
    bundle = th.customer_profiles(sid)
    for assignment in bundle.customer_profiles_entity_assignments.list():
        if assignment.object_sid.startswith("IT"):
            built.end_users[th.end_users(assignment.object_sid).fetch().type] = (
                assignment.object_sid
            )
        elif assignment.object_sid.startswith("RD"):
            built.document = assignment.object_sid
            doc = th.supporting_documents(assignment.object_sid).fetch()
            built.address = str(doc.attributes["address_sids"])
    channels = bundle.customer_profiles_channel_endpoint_assignment
    for e164 in numbers:
        pn = number(client, e164)
        channels.create(channel_endpoint_type="phone-number", channel_endpoint_sid=pn)
        built.numbers.append(pn)
    assert bundle.fetch().status == "twilio-approved"
    return built


def submittable(client: Client, **options: Any) -> Built:
    """A complete secondary business profile in draft, on an approved primary: what a
    test submits to exercise the review (primaries cannot be submitted through the API)."""
    primary = approved_primary(client, name="Primary of " + options.get("name", "BrightSmile"))
    return profile(client, primary=primary.sid, **options)


def product(
    client: Client,
    *,
    policy: str,
    profile_sid: str,
    end_user: tuple[str, dict[str, Any]] | None = None,
    numbers: tuple[str, ...] = (),
    callback: str | None = None,
) -> Built:
    """A trust product on `profile_sid`, with its end user and the profile's numbers."""
    th = client.trusthub.v1
    bundle = th.trust_products.create(
        friendly_name="BrightSmile product",
        email="compliance@brightsmile-dental.example.com",
        policy_sid=policy,
        status_callback=callback,
    )
    built = Built(bundle.sid, numbers=list(numbers))
    assignments = th.trust_products(bundle.sid).trust_products_entity_assignments
    if end_user is not None:
        type_, attributes = end_user
        eu = th.end_users.create(
            friendly_name=f"product {type_}", type=type_, attributes=attributes
        )
        built.end_users[type_] = eu.sid
        assignments.create(object_sid=eu.sid)
    assignments.create(object_sid=profile_sid)
    channels = th.trust_products(bundle.sid).trust_products_channel_endpoint_assignment
    for pn in numbers:
        channels.create(channel_endpoint_type="phone-number", channel_endpoint_sid=pn)
    return built


def failing(results: list[dict[str, Any]]) -> dict[str, list[int]]:
    """requirement_name -> error codes of its invalid items (or its own code)."""
    out = {}
    for r in results:
        if not r["passed"]:
            out[r["requirement_name"]] = [i["error_code"] for i in r["invalid"]] or [
                r["error_code"]
            ]
    return out
