"""Messaging v1: A2P 10DLC BrandRegistrations (`BN...`), on `messaging.twilio.com`.

`POST /v1/a2p/BrandRegistrations` (201) registers a brand for a customer profile and an
A2P trust product (both `BU...`, required); it starts `PENDING` and is decided by the
sandbox's TCR review (`brand_review`). `GET` lists them (key `data`) and fetches one;
`POST /v1/a2p/BrandRegistrations/{BN}` with no body resubmits a FAILED brand (202): only
with a `tcr_id` (else 21725), three times (the fourth: 21724). There is no DELETE.
`POST .../{BN}/SmsOtp` (201) texts an approved sole proprietor a new OTP (24 h again).
`.../{BN}/Vettings` imports a vetting (201) and lists (key `data`, `VettingProvider`
filter) and fetches them (`brand_vetting`). `POST .../{BN}/2fa` starts a new
Authentication+ check of a public brand whose check FAILED (`TWO_FA_STATUS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from trusthub.sandbox import brand_review as tcr
from trusthub.sandbox import brand_vetting as vet
from trusthub.sandbox.protocol import (
    ApiError,
    Reply,
    Request,
    bad_parameter,
    missing_parameter,
    not_found,
)
from trusthub.sandbox.resources.common import sid_param
from trusthub.sandbox.resources.paging import filter_echo, list_stored
from trusthub.sandbox.sids import is_sid, iso, new_sid
from trusthub.sandbox.store import Filter

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

BRAND_TYPES: Final = ("STANDARD", "SOLE_PROPRIETOR")
FREE_RESUBMISSIONS: Final = 3
LIMIT_EXCEEDED: Final = 21724
NOT_FAILED: Final = 21725
# `POST .../{BN}/2fa` has no operation in Twilio's spec (a path only) and no SDK method
# (reference D.5.9): what it answers is UNCONFIRMED. The sandbox answers as a brand
# resubmission does, 202 with the brand registration (the conformance check holds it to
# that), the one place this is chosen.
TWO_FA_STATUS: Final = 202
# A `/2fa` of a brand whose Authentication+ did not fail: the reference gives no code; the
# sandbox refuses it as a brand resubmission it does not allow is refused (21725, "the
# brand can be updated only while ..."), the stricter reading.
TWO_FA_REFUSED: Final = NOT_FAILED


def render(req: Request, row: Any) -> dict[str, Any]:
    d = row.data
    url = f"{req.origin}/v1/a2p/BrandRegistrations/{row.sid}"
    return {
        "sid": row.sid,
        "account_sid": d["account_sid"],
        "customer_profile_bundle_sid": d["customer_profile_bundle_sid"],
        "a2p_profile_bundle_sid": d["a2p_profile_bundle_sid"],
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "brand_type": d["brand_type"],
        "status": d["status"],
        "tcr_id": d.get("tcr_id"),
        "failure_reason": d.get("failure_reason"),
        "errors": list(d.get("errors") or []),
        "url": url,
        "brand_score": d.get("brand_score"),
        "brand_feedback": None,
        "identity_status": d["identity_status"],
        "russell_3000": False,
        "government_entity": False,
        "tax_exempt_status": None,
        "skip_automatic_sec_vet": d["skip_automatic_sec_vet"],
        "mock": d["mock"],
        "links": {
            "brand_vettings": f"{url}/Vettings",
            "brand_registration_otps": f"{url}/SmsOtp",
        },
    }


def _bool(req: Request, name: str) -> bool:
    raw = req.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() not in ("true", "false"):
        raise bad_parameter(name, "must be true or false")
    return raw.lower() == "true"


def create(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    profile = sid_param(req, "CustomerProfileBundleSid")
    product = sid_param(req, "A2PProfileBundleSid")
    for name, value in (("CustomerProfileBundleSid", profile), ("A2PProfileBundleSid", product)):
        if not is_sid(value, "BU"):
            raise bad_parameter(name, f"{value!r} is not a bundle SID (BU...)")
    brand_type = req.get("BrandType") or "STANDARD"
    if brand_type not in BRAND_TYPES:
        raise bad_parameter("BrandType", f"must be one of {', '.join(BRAND_TYPES)}")
    now = sb.clock()
    data: dict[str, Any] = {
        "account_sid": req.account_sid,
        "customer_profile_bundle_sid": profile,
        "a2p_profile_bundle_sid": product,
        "brand_type": brand_type,
        "skip_automatic_sec_vet": _bool(req, "SkipAutomaticSecVet"),
        "mock": _bool(req, "Mock"),
        "tcr_id": None,
        "identity_status": "UNVERIFIED",
        "errors": [],
        "failure_reason": None,
        "brand_score": None,
        "resubmissions": 0,
        "date_created": now,
        "date_updated": now,
    }
    tcr.start_data(data, now, sb.review_delay)
    with sb.store.write() as tx:
        row = tx.insert(tcr.KIND, new_sid("BN"), None, data)
    return Reply(201, render(req, row))


def _settle(sb: Sandbox) -> None:
    tcr.settle(sb.store, sb.clock)
    vet.settle(sb.store, sb.clock)


def listing(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    _settle(sb)
    return list_stored(
        sb.store, req, kind=tcr.KIND, key="data", render=lambda row: render(req, row)
    )


def fetch(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    _settle(sb)
    with sb.store.read() as tx:
        row = tx.get(args["Sid"], tcr.KIND)
    if row is None:
        raise not_found(req.path)
    return Reply(200, render(req, row))


def resubmit(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    _settle(sb)
    now = sb.clock()
    with sb.store.write() as tx:
        row = tx.get(args["Sid"], tcr.KIND)
        if row is None:
            raise not_found(req.path)
        d = row.data
        if d["status"] != tcr.FAILED or not d.get("tcr_id"):
            raise ApiError(
                400,
                NOT_FAILED,
                f"Brand {row.sid} can be updated only while it is FAILED with a TCR id "
                f"(it is {d['status']}, tcr_id {d.get('tcr_id')})",
            )
        if int(d.get("resubmissions") or 0) >= FREE_RESUBMISSIONS:
            raise ApiError(
                400,
                LIMIT_EXCEEDED,
                f"Brand {row.sid} has been resubmitted {FREE_RESUBMISSIONS} times: the brand "
                "update limit is exceeded",
            )
        d["resubmissions"] = int(d.get("resubmissions") or 0) + 1
        tcr.start_data(d, now, sb.review_delay)
        tx.save(row)
    return Reply(202, render(req, row))


def resend_otp(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    """`POST .../{BN}/SmsOtp` (201): TCR texts a sole proprietor a new OTP, valid 24 h."""
    _settle(sb)
    try:
        row = tcr.resend_otp(sb.store, args["BrandRegistrationSid"], sb.clock())
    except tcr.IdentityError as e:
        raise ApiError(400, 20001, str(e)) from None
    if row is None:
        raise not_found(req.path)
    return Reply(201, {"account_sid": req.account_sid, "brand_registration_sid": row.sid})


def retry_authentication(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    """`POST .../{BN}/2fa`: a new Authentication+ check (a new fee) once the last FAILED."""
    _settle(sb)
    try:
        row = tcr.retry_authentication(sb.store, args["BrandRegistrationSid"], sb.clock())
    except tcr.IdentityError as e:
        raise ApiError(400, TWO_FA_REFUSED, str(e)) from None
    if row is None:
        raise not_found(req.path)
    return Reply(TWO_FA_STATUS, render(req, row))


def _brand(sb: Sandbox, req: Request, sid: str) -> Any:
    with sb.store.read() as tx:
        row = tx.get(sid, tcr.KIND)
    if row is None:
        raise not_found(req.path)
    return row


def create_vetting(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    _settle(sb)
    provider = req.get("VettingProvider")
    if not provider:
        raise missing_parameter("VettingProvider")
    if provider not in vet.PROVIDERS:
        raise bad_parameter("VettingProvider", f"must be one of {', '.join(vet.PROVIDERS)}")
    # The spec requires only VettingProvider; the reference (D.4) says VettingId is
    # required too: the stricter reading.
    vetting_id = (req.get("VettingId") or "").strip()
    if not vetting_id:
        raise missing_parameter("VettingId")
    now = sb.clock()
    with sb.store.write() as tx:
        brand = tx.get(args["BrandSid"], tcr.KIND)
        if brand is None:
            raise not_found(req.path)
        try:
            row = vet.create(tx, brand, provider, vetting_id, now, sb.review_delay)
        except vet.VettingRefused as e:
            raise ApiError(400, e.code, str(e)) from None
    return Reply(201, vet.render(req.origin, row))


def list_vettings(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    _settle(sb)
    brand = _brand(sb, req, args["BrandSid"])
    provider = req.get("VettingProvider")
    if provider and provider not in vet.PROVIDERS:
        raise bad_parameter("VettingProvider", f"must be one of {', '.join(vet.PROVIDERS)}")
    return list_stored(
        sb.store, req, kind=vet.KIND, key="data", parent=brand.sid,
        where=[Filter("vetting_provider", provider)] if provider else [],
        echo=filter_echo(req, ("VettingProvider",)),
        render=lambda row: vet.render(req.origin, row),
    )  # fmt: skip


def fetch_vetting(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    _settle(sb)
    brand = _brand(sb, req, args["BrandSid"])
    with sb.store.read() as tx:
        row = tx.get(args["BrandVettingSid"], vet.KIND)
    if row is None or row.parent != brand.sid:
        raise not_found(req.path)
    return Reply(200, vet.render(req.origin, row))


def routes() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("/v1/a2p/BrandRegistrations", {"POST": create, "GET": listing}),
        ("/v1/a2p/BrandRegistrations/{Sid}", {"GET": fetch, "POST": resubmit}),
        ("/v1/a2p/BrandRegistrations/{BrandRegistrationSid}/SmsOtp", {"POST": resend_otp}),
        ("/v1/a2p/BrandRegistrations/{BrandRegistrationSid}/2fa", {"POST": retry_authentication}),
        ("/v1/a2p/BrandRegistrations/{BrandSid}/Vettings", {"POST": create_vetting,
                                                             "GET": list_vettings}),
        ("/v1/a2p/BrandRegistrations/{BrandSid}/Vettings/{BrandVettingSid}",
         {"GET": fetch_vetting}),
    ]  # fmt: skip
