"""Messaging v1: US A2P campaigns (Usa2p, `QE...`) on a Messaging Service, and the use
cases a brand may register, as the vendored spec describes them.

`POST /v1/Services/{MG}/Compliance/Usa2p` (201) registers a campaign for an `APPROVED`
brand (else 21717), with a use case the brand may use (else 21720), the required fields
(else 21727) within Twilio's lengths (else 21728); a service holds one campaign (a second
is refused, 21732, UNCONFIRMED: the spec's fixed `QE` SID implies it). It starts `PENDING`
and is decided by the sandbox's TCR review (`campaign_review`). `GET` lists the service's
campaigns (key `compliance`) and fetches one; `POST .../Usa2p/{QE}` edits a `FAILED`
campaign (200) and sends it back to review; `DELETE` removes it (204).
`GET .../Usa2p/Usecases?BrandRegistrationSid=BN...` lists the brand's use cases.
Responses have the spec's v1.2 shape, with the privacy and terms URLs (Twilio echoes them
only to `X-Twilio-Api-Version: v1.2`, which trusthub sends; the spec's `oneOf` of the two
shapes accepts only this one, the v1 shape being valid under both).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from trusthub.model.kinds import a2p_campaign as campaign
from trusthub.sandbox import brand_review, campaign_review
from trusthub.sandbox.protocol import ApiError, Reply, Request, bad_parameter, not_found
from trusthub.sandbox.resources import messaging_services as services
from trusthub.sandbox.resources.common import sid_param
from trusthub.sandbox.resources.paging import list_stored
from trusthub.sandbox.sids import is_sid, iso, new_sid
from trusthub.sandbox.store import Row, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

KIND: Final = campaign_review.KIND
INVALID_USE_CASE: Final = 21720
CAMPAIGN_EXISTS: Final = 21732
NOT_EDITABLE: Final = 21727  # UNCONFIRMED: Twilio's code for an edit of a campaign not FAILED

_NAMES: Final = {
    "2FA": "Two-Factor authentication (2FA)",
    "ACCOUNT_NOTIFICATION": "Account Notification",
    "AGENTS_FRANCHISES": "Agents and Franchises",
    "CHARITY": "Charity",
    "CUSTOMER_CARE": "Customer Care",
    "DELIVERY_NOTIFICATION": "Delivery Notification",
    "EMERGENCY": "Emergency",
    "FRAUD_ALERT": "Fraud Alert Messaging",
    "HIGHER_EDUCATION": "Higher Education",
    "K12_EDUCATION": "K-12 Education",
    "LOW_VOLUME": "Low Volume Mixed",
    "MARKETING": "Marketing",
    "MIXED": "Mixed",
    "POLITICAL": "Political",
    "POLLING_VOTING": "Polling and voting",
    "PROXY": "Proxy",
    "PUBLIC_SERVICE_ANNOUNCEMENT": "Public Service Announcement",
    "SECURITY_ALERT": "Security Alert",
    "SOCIAL": "Social",
    "SOLE_PROPRIETOR": "Sole Proprietor",
    "SWEEPSTAKE": "Sweepstake",
}

# Form parameter -> (stored field, min, max) of the text fields (reference D.7).
_TEXT: Final = {
    "Description": ("description", 40, 4096),
    "MessageFlow": ("message_flow", 40, 2048),
    "OptInMessage": ("opt_in_message", 20, 320),
    "OptOutMessage": ("opt_out_message", 20, 320),
    "HelpMessage": ("help_message", 20, 320),
}
_KEYWORDS: Final = {
    "OptInKeywords": "opt_in_keywords",
    "OptOutKeywords": "opt_out_keywords",
    "HelpKeywords": "help_keywords",
}
_BOOLS: Final = {
    "HasEmbeddedLinks": "has_embedded_links",
    "HasEmbeddedPhone": "has_embedded_phone",
    "SubscriberOptIn": "subscriber_opt_in",
    "AgeGated": "age_gated",
    "DirectLending": "direct_lending",
}
_URLS: Final = {
    "PrivacyPolicyUrl": "privacy_policy_url",
    "TermsAndConditionsUrl": "terms_and_conditions_url",
}
_CREATE_REQUIRED: Final = ("Description", "MessageFlow", "HasEmbeddedLinks", "HasEmbeddedPhone")
_EDIT_REQUIRED: Final = (*_CREATE_REQUIRED, "AgeGated", "DirectLending")


def allowed_use_cases(brand_type: str) -> list[str]:
    if brand_type == "SOLE_PROPRIETOR":
        return [campaign.SOLE_PROPRIETOR_USE_CASE]
    return [u for u in campaign.USE_CASES if u != campaign.SOLE_PROPRIETOR_USE_CASE]


def render(req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    return {
        "sid": row.sid,
        "account_sid": d["account_sid"],
        "brand_registration_sid": d["brand_registration_sid"],
        "messaging_service_sid": row.parent,
        "description": d["description"],
        "message_samples": list(d["message_samples"]),
        "us_app_to_person_usecase": d["us_app_to_person_usecase"],
        "has_embedded_links": d["has_embedded_links"],
        "has_embedded_phone": d["has_embedded_phone"],
        "subscriber_opt_in": d.get("subscriber_opt_in"),
        "age_gated": d.get("age_gated") or False,
        "direct_lending": d.get("direct_lending") or False,
        "campaign_status": d["status"],
        "campaign_id": d.get("campaign_id"),
        "is_externally_registered": False,
        "rate_limits": {"att": {"mps": 600, "msg_class": "A"}, "tmobile": {"brand_tier": "TOP"}}
        if d["status"] == campaign.VERIFIED
        else {},
        "message_flow": d["message_flow"],
        "opt_in_message": d.get("opt_in_message"),
        "opt_out_message": d.get("opt_out_message"),
        "help_message": d.get("help_message"),
        "opt_in_keywords": d.get("opt_in_keywords"),
        "opt_out_keywords": d.get("opt_out_keywords"),
        "help_keywords": d.get("help_keywords"),
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "url": f"{req.origin}/v1/Services/{row.parent}/Compliance/Usa2p/{row.sid}",
        "mock": d.get("mock") or False,
        "errors": list(d.get("errors") or []),
        "privacy_policy_url": d.get("privacy_policy_url"),
        "terms_and_conditions_url": d.get("terms_and_conditions_url"),
    }


def _bool(req: Request, name: str) -> bool:
    raw = (req.get(name) or "").lower()
    if raw not in ("true", "false"):
        raise bad_parameter(name, "must be true or false")
    return raw == "true"


def _fields(req: Request, required: tuple[str, ...], *, create: bool) -> dict[str, Any]:
    for name in required:
        if not req.get(name):
            raise ApiError(400, campaign.CAMPAIGN_PARAMETERS_MISSING, f"{name} is required")
    out: dict[str, Any] = {}
    for param, (field, low, high) in _TEXT.items():
        value = req.get(param)
        if value is None or (not create and param not in ("Description", "MessageFlow")):
            continue
        if not low <= len(value) <= high:
            raise ApiError(
                400,
                campaign.CAMPAIGN_PARAMETERS_LENGTH,
                f"{param} must be {low} to {high} characters long (it is {len(value)})",
            )
        out[field] = value
    samples = [s for s in req.form.get("MessageSamples", []) if s != ""]
    if not 2 <= len(samples) <= 5 or any(not 20 <= len(s) <= 1024 for s in samples):
        raise ApiError(
            400,
            campaign.CAMPAIGN_PARAMETERS_LENGTH,
            "MessageSamples must hold 2 to 5 samples of 20 to 1024 characters each",
        )
    out["message_samples"] = samples
    if create:
        for param, field in _KEYWORDS.items():
            words = [w for w in req.form.get(param, []) if w != ""]
            if any(not w.isalnum() for w in words) or len(",".join(words)) > 255:
                raise bad_parameter(param, "keywords are alphanumeric, 255 characters in all")
            out[field] = words or None
    for param, field in _BOOLS.items():
        if req.get(param):
            out[field] = _bool(req, param)
        elif create:
            out[field] = None if param == "SubscriberOptIn" else False
    for param, field in _URLS.items():
        if req.has(param):
            out[field] = req.get(param) or None
        elif create:
            out[field] = None
    return out


def _service(tx: Tx, req: Request, args: dict[str, str]) -> Row:
    return services.load(tx, req, args["MessagingServiceSid"])


def create(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    brand_sid = sid_param(req, "BrandRegistrationSid")
    if not is_sid(brand_sid, "BN"):
        raise bad_parameter("BrandRegistrationSid", f"{brand_sid!r} is not a brand SID (BN...)")
    use_case = req.require("UsAppToPersonUsecase")
    fields = _fields(req, _CREATE_REQUIRED, create=True)
    brand_review.settle(sb.store, sb.clock)
    now = sb.clock()
    with sb.store.write() as tx:
        service = _service(tx, req, args)
        brand = tx.get(brand_sid, brand_review.KIND)
        if brand is None or brand.data["status"] != brand_review.APPROVED:
            status = brand.data["status"] if brand is not None else "not found"
            raise ApiError(
                400,
                campaign.BRAND_NOT_VALID,
                f"Brand {brand_sid} is not registered or not valid for a campaign ({status})",
            )
        if use_case not in allowed_use_cases(brand.data["brand_type"]):
            raise ApiError(
                400,
                INVALID_USE_CASE,
                f"{use_case} is not a valid use case for brand {brand_sid}",
            )
        if tx.find(KIND, parent=service.sid):
            raise ApiError(
                409,
                CAMPAIGN_EXISTS,
                f"Messaging Service {service.sid} already has a US A2P campaign",
            )
        data: dict[str, Any] = {
            "account_sid": req.account_sid,
            "brand_registration_sid": brand_sid,
            "us_app_to_person_usecase": use_case,
            "campaign_id": None,
            "errors": [],
            "mock": brand.data.get("mock") or False,
            "date_created": now,
            **fields,
        }
        campaign_review.start_data(data, now, sb.review_delay)
        row = tx.insert(KIND, new_sid("QE"), service.sid, data)
        service.data["campaign_sid"] = row.sid
        tx.save(service)
    return Reply(201, render(req, row))


def _load(tx: Tx, req: Request, args: dict[str, str]) -> Row:
    service = _service(tx, req, args)
    row = tx.get(args["Sid"], KIND)
    if row is None or row.parent != service.sid:
        raise not_found(req.path)
    return row


def listing(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    campaign_review.settle(sb.store, sb.clock)
    with sb.store.read() as tx:
        service = _service(tx, req, args)
    return list_stored(
        sb.store,
        req,
        kind=KIND,
        key="compliance",
        parent=service.sid,
        render=lambda row: render(req, row),
    )


def fetch(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    campaign_review.settle(sb.store, sb.clock)
    with sb.store.read() as tx:
        row = _load(tx, req, args)
    return Reply(200, render(req, row))


def update(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    fields = _fields(req, _EDIT_REQUIRED, create=False)
    campaign_review.settle(sb.store, sb.clock)
    now = sb.clock()
    with sb.store.write() as tx:
        row = _load(tx, req, args)
        if row.data["status"] != campaign.FAILED:
            raise ApiError(
                400,
                NOT_EDITABLE,
                f"Campaign {row.sid} is {row.data['status']}: only a FAILED campaign can be edited",
            )
        row.data.update(fields)
        campaign_review.start_data(row.data, now, sb.review_delay)
        tx.save(row)
    return Reply(200, render(req, row))


def delete(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = _load(tx, req, args)
        service = _service(tx, req, args)
        service.data["campaign_sid"] = None
        tx.save(service)
        tx.delete(row.sid)
    return Reply(204)


def usecases(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    brand_sid = req.get("BrandRegistrationSid")
    brand_review.settle(sb.store, sb.clock)
    with sb.store.read() as tx:
        _service(tx, req, args)
        brand = tx.get(brand_sid, brand_review.KIND) if brand_sid else None
    if brand_sid and brand is None:
        raise not_found(req.path)
    codes = allowed_use_cases(brand.data["brand_type"]) if brand is not None else campaign.USE_CASES
    return Reply(
        200,
        {
            "us_app_to_person_usecases": [
                {
                    "code": code,
                    "name": _NAMES[code],
                    "description": _NAMES[code],
                    "post_approval_required": code in campaign.POST_APPROVAL,
                }
                for code in codes
            ]
        },
    )


def routes() -> list[tuple[str, dict[str, Any]]]:
    base = "/v1/Services/{MessagingServiceSid}/Compliance/Usa2p"
    return [
        (f"{base}/Usecases", {"GET": usecases}),
        (base, {"POST": create, "GET": listing}),
        (f"{base}/{{Sid}}", {"GET": fetch, "POST": update, "DELETE": delete}),
    ]
