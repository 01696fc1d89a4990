"""Toll-free verifications (messaging v1, `/v1/Tollfree/Verifications`, SIDs HH...), as the
vendored OpenAPI spec describes them: created `PENDING_REVIEW` (201), listed under
`verifications`, edited with `EditReason` (202), deleted (204).

The review is deterministic and decided at the first read after `review_delay` (halfway
there it is `IN_REVIEW`): approved, unless the submission has a classic defect (a
production message sample without opt-out language, an opt-in image URL that is not a
public https URL, a business website that is not https), then rejected with a toll-free
code and `edit_allowed` for `EDIT_WINDOW_DAYS` from the decision, by the sandbox's clock.
An edit after the window is refused with 30824. The codes, their meanings and the
UNCONFIRMED choice of which code goes with which defect (30513, 30509) are in
`trusthub.model.twilio_codes`; the reason's text names the defect.

Twilio builds a toll-free trust product and a channel-endpoint assignment behind an
approved verification; the sandbox does not (their SIDs stay null), so its Trust Hub holds
only what the client made.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from functools import partial
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import phonenumbers

from trusthub.model.kinds import tollfree_verification as tfv
from trusthub.sandbox import event_streams
from trusthub.sandbox.protocol import (
    BAD_PARAMETER,
    ApiError,
    Reply,
    Request,
    bad_parameter,
    missing_parameter,
    not_found,
)
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.paging import filter_echo, list_stored
from trusthub.sandbox.sids import is_sid, iso, new_sid
from trusthub.sandbox.store import Filter, Row, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

KIND: Final = "tollfree_verification"
PATH: Final = "/v1/Tollfree/Verifications"
DAY: Final = 86400.0

USE_CASES: Final = frozenset(
    {
        "TWO_FACTOR_AUTHENTICATION", "ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE",
        "CHARITY_NONPROFIT", "DELIVERY_NOTIFICATIONS", "FRAUD_ALERT_MESSAGING", "EVENTS",
        "HIGHER_EDUCATION", "K12", "MARKETING", "POLLING_AND_VOTING_NON_POLITICAL",
        "POLITICAL_ELECTION_CAMPAIGNS", "PUBLIC_SERVICE_ANNOUNCEMENT", "SECURITY_ALERT",
    }
)  # fmt: skip
OPT_IN_TYPES: Final = frozenset(
    {"VERBAL", "WEB_FORM", "PAPER_FORM", "VIA_TEXT", "MOBILE_QR_CODE", "IMPORT",
     "IMPORT_PLEASE_REPLACE"}
)  # fmt: skip
_OPT_OUT: Final = re.compile(r"\b(stop|opt[- ]?out|unsubscribe)\b", re.IGNORECASE)

# Form parameter -> stored field (the spec's snake_case response names).
_TEXT: Final = {
    "BusinessName": "business_name",
    "BusinessWebsite": "business_website",
    "NotificationEmail": "notification_email",
    "UseCaseSummary": "use_case_summary",
    "ProductionMessageSample": "production_message_sample",
    "OptInType": "opt_in_type",
    "MessageVolume": "message_volume",
}
_LISTS: Final = {"UseCaseCategories": "use_case_categories", "OptInImageUrls": "opt_in_image_urls"}
_OPTIONAL_TEXT: Final = (
    "BusinessStreetAddress", "BusinessStreetAddress2", "BusinessCity",
    "BusinessStateProvinceRegion", "BusinessPostalCode", "BusinessCountry",
    "AdditionalInformation", "BusinessContactFirstName", "BusinessContactLastName",
    "BusinessContactEmail", "BusinessContactPhone", "BusinessRegistrationNumber",
    "BusinessRegistrationAuthority", "BusinessRegistrationCountry", "BusinessType",
    "BusinessRegistrationPhoneNumber", "DoingBusinessAs", "OptInConfirmationMessage",
    "HelpMessageSample", "PrivacyPolicyUrl", "TermsAndConditionsUrl", "VettingProvider",
    "VettingId",
)  # fmt: skip


# Required since January 2026 for every business type but a sole proprietor (the spec's
# descriptions of BusinessType and the BusinessRegistration* fields; reference section E).
_REGISTRATION_PARAMS: Final = (
    "BusinessRegistrationNumber",
    "BusinessRegistrationAuthority",
    "BusinessRegistrationCountry",
)


def _require_registration(req: Request) -> None:
    kind = req.require("BusinessType")
    if kind != "SOLE_PROPRIETOR":
        for param in _REGISTRATION_PARAMS:
            req.require(param)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _values(req: Request, name: str) -> list[str]:
    return [v for v in req.form.get(name, []) if v != ""]


def _fields(req: Request, *, create: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for param, field in _TEXT.items():
        if create or req.has(param):
            out[field] = req.require(param)
    for param, field in _LISTS.items():
        values = _values(req, param)
        if create and not values:
            raise missing_parameter(param)
        if values:
            out[field] = values
    for param in _OPTIONAL_TEXT:
        if req.has(param):
            out[_snake(param)] = req.get(param)
    if req.has("AgeGatedContent"):
        out["age_gated_content"] = req.get("AgeGatedContent") == "true"
    if req.has("OptInKeywords"):
        out["opt_in_keywords"] = _values(req, "OptInKeywords")
    if create:
        _require_registration(req)
    if "opt_in_type" in out and out["opt_in_type"] not in OPT_IN_TYPES:
        raise bad_parameter("OptInType", "must be one of " + ", ".join(sorted(OPT_IN_TYPES)))
    for category in out.get("use_case_categories", []):
        if category not in USE_CASES:
            raise bad_parameter("UseCaseCategories", f"{category!r} is not a use case category")
    if "notification_email" in out:
        out["notification_email"] = common.email(out["notification_email"])
    return out


# -- the review ----------------------------------------------------------------------------


def _public_https(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" or not host or host == "localhost":
        return False
    try:
        return ip_address(host).is_global
    except ValueError:
        return "." in host


def defects(d: dict[str, Any]) -> list[dict[str, Any]]:
    """What the sandbox's reviewer rejects: Twilio's toll-free codes with the reason."""
    found = []
    if not _OPT_OUT.search(d.get("production_message_sample") or ""):
        found.append(
            {
                "code": tfv.OPT_OUT_MISSING,
                "reason": "The production message sample has no opt-out language "
                "(e.g. 'Reply STOP to opt out').",
            }
        )
    bad = [u for u in d.get("opt_in_image_urls") or [] if not _public_https(u)]
    if bad:
        found.append(
            {
                "code": tfv.OPT_IN_IMAGE_INVALID,
                "reason": "The opt-in image URLs must be public https URLs: " + ", ".join(bad),
            }
        )
    if not _public_https(d.get("business_website") or ""):
        found.append(
            {
                "code": tfv.OPT_IN_IMAGE_INVALID,
                "reason": "The business website must be a public https URL.",
            }
        )
    return found


def _decide(row: Row, now: float, reasons: list[dict[str, Any]] | None) -> None:
    d = row.data
    d["date_updated"] = now
    d["decided_at"] = now
    if not reasons:
        d.update(status=tfv.APPROVED, rejection_reason=None, rejection_reasons=None,
                 error_code=None, edit_expiration=None)  # fmt: skip
        return
    d.update(
        status=tfv.REJECTED,
        rejection_reason=reasons[0]["reason"],
        rejection_reasons=reasons,
        error_code=reasons[0]["code"],
        edit_expiration=now + tfv.EDIT_WINDOW_DAYS * DAY,
    )


def _advance(sb: Sandbox, tx: Tx, row: Row, now: float) -> None:
    d = row.data
    if d["status"] not in (tfv.PENDING_REVIEW, tfv.IN_REVIEW):
        return
    elapsed = now - d["submitted_at"]
    if elapsed >= sb.review_delay:
        _decide(row, now, defects(d))
        tx.save(row)
        event_streams.emit(tx, event_streams.tollfree_event(row, now))
    elif d["status"] == tfv.PENDING_REVIEW and elapsed >= sb.review_delay / 2:
        d.update(status=tfv.IN_REVIEW, date_updated=now)
        tx.save(row)
        event_streams.emit(tx, event_streams.tollfree_event(row, now))


def settle(sb: Sandbox) -> None:
    """Advance what is due, in every account (see `_settle`)."""
    with sb.store.as_operator():  # time passes for every account, whoever asked
        _settle(sb)


def _settle(sb: Sandbox) -> None:
    """Advance the reviews that are due."""
    now = sb.clock()
    with sb.store.write() as tx:
        for row in tx.find(KIND):
            _advance(sb, tx, row, now)


def force(sb: Sandbox, sid: str, *, reason: str | None) -> Row:
    """The operator's decision (`trusthub sandbox approve|reject`), whatever the review
    would say. A rejection carries the generic toll-free code unless `reason` starts with
    a code ("30513: ...")."""
    now = sb.clock()
    with sb.store.write() as tx:
        row = tx.get(sid, KIND)
        if row is None:
            raise LookupError(f"the sandbox has no toll-free verification {sid}")
        reasons = None
        if reason is not None:
            code, sep, text = reason.partition(":")
            if sep and code.strip().isdigit():
                reasons = [{"code": int(code), "reason": text.strip()}]
            else:
                reasons = [{"code": tfv.OPT_OUT_MISSING, "reason": reason}]
        _decide(row, now, reasons)
        tx.save(row)
        event_streams.emit(tx, event_streams.tollfree_event(row, now))
    return row


def edit_allowed(row: Row, now: float) -> bool:
    d = row.data
    expires = d.get("edit_expiration")
    return d["status"] == tfv.REJECTED and expires is not None and now < expires


# -- rendering -----------------------------------------------------------------------------


def render(sb: Sandbox, req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    now = sb.clock()
    rejected = d["status"] == tfv.REJECTED
    url = f"{req.origin}{PATH}/{row.sid}"
    optional = {_snake(p): d.get(_snake(p)) for p in _OPTIONAL_TEXT}
    return {
        **optional,
        "sid": row.sid,
        "account_sid": d["account_sid"],
        "customer_profile_sid": d.get("customer_profile_sid"),
        "trust_product_sid": None,
        "regulated_item_sid": None,
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "business_name": d["business_name"],
        "business_website": d["business_website"],
        "notification_email": d["notification_email"],
        "use_case_categories": d["use_case_categories"],
        "use_case_summary": d["use_case_summary"],
        "production_message_sample": d["production_message_sample"],
        "opt_in_image_urls": d["opt_in_image_urls"],
        "opt_in_type": d["opt_in_type"],
        "message_volume": d["message_volume"],
        "age_gated_content": d.get("age_gated_content", False),
        "opt_in_keywords": d.get("opt_in_keywords"),
        "tollfree_phone_number_sid": d["tollfree_phone_number_sid"],
        "tollfree_phone_number": d["tollfree_phone_number"],
        "status": d["status"],
        "url": url,
        "rejection_reason": d.get("rejection_reason") if rejected else None,
        "error_code": d.get("error_code") if rejected else None,
        "edit_expiration": iso(d.get("edit_expiration")) if rejected else None,
        "edit_allowed": edit_allowed(row, now) if rejected else None,
        "rejection_reasons": d.get("rejection_reasons") if rejected else None,
        "resource_links": {
            "customer_profile": None,
            "trust_product": None,
            "channel_endpoint_assignment": None,
        },
        "external_reference_id": d.get("external_reference_id"),
        "vetting_id_expiration": None,
    }


# -- handlers ------------------------------------------------------------------------------


def create(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    fields = _fields(req, create=True)
    number_sid = req.require("TollfreePhoneNumberSid")
    if not is_sid(number_sid, "PN"):
        raise bad_parameter("TollfreePhoneNumberSid", f"{number_sid!r} is not a PN SID")
    profile_sid = req.get("CustomerProfileSid")
    if profile_sid is not None and not is_sid(profile_sid, "BU"):
        raise bad_parameter("CustomerProfileSid", f"{profile_sid!r} is not a BU SID")
    now = sb.clock()
    with sb.store.write() as tx:
        number = tx.get(number_sid, "phone_number")
        if number is None:
            raise ApiError(
                400,
                30879,
                f"Phone number {number_sid} is not provisioned to this account",
            )
        if not _toll_free(number):
            raise bad_parameter("TollfreePhoneNumberSid", f"{number_sid} is not a toll-free number")
        if profile_sid is not None and tx.get(profile_sid, "customer_profile") is None:
            raise bad_parameter("CustomerProfileSid", f"no customer profile {profile_sid}")
        if tx.find(KIND, where=[Filter("tollfree_phone_number_sid", number_sid)]):
            raise bad_parameter(
                "TollfreePhoneNumberSid",
                f"{number_sid} already has a toll-free verification; delete it first",
            )
        data = {
            **fields,
            "account_sid": req.account_sid,
            # A subaccount's verification names its parent in its events.
            "parent_account_sid": (
                sb.account_sid if req.principal and req.principal.subaccount else None
            ),
            "customer_profile_sid": profile_sid,
            "tollfree_phone_number_sid": number_sid,
            "tollfree_phone_number": number.data["phone_number"],
            "external_reference_id": req.get("ExternalReferenceId"),
            "status": tfv.PENDING_REVIEW,
            "submitted_at": now,
            "date_created": now,
            "date_updated": now,
        }
        row = tx.insert(KIND, new_sid("HH"), None, data)
        event_streams.emit(tx, event_streams.tollfree_event(row, now))
    return Reply(201, render(sb, req, row))


def _toll_free(number: Row) -> bool:
    parsed = phonenumbers.parse(number.data["phone_number"], None)
    return bool(phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE)


def _load(tx: Tx, req: Request, sid: str) -> Row:
    row = tx.get(sid, KIND)
    if row is None:
        raise not_found(req.path)
    return row


def fetch(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    settle(sb)
    with sb.store.read() as tx:
        row = _load(tx, req, args["Sid"])
    return Reply(200, render(sb, req, row))


def listing(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    status = req.get("Status")
    if status and status not in tfv.STATUSES:
        raise bad_parameter("Status", f"must be one of {', '.join(tfv.STATUSES)}")
    names = ("TollfreePhoneNumberSid", "Status", "ExternalReferenceId", "IncludeSubAccounts")
    echo = filter_echo(req, names)
    fields = {
        "TollfreePhoneNumberSid": "tollfree_phone_number_sid",
        "Status": "status",
        "ExternalReferenceId": "external_reference_id",
    }
    include = echo.get("IncludeSubAccounts", "false").lower()
    if include not in ("true", "false"):
        raise bad_parameter("IncludeSubAccounts", "must be true or false")
    settle(sb)
    everyone = include == "true" and req.principal is not None and not req.principal.subaccount
    # The parent lists its subaccounts' verifications too when it asks (reference I); a
    # subaccount has none under it. Fetching one still takes its owner's credentials.
    with sb.store.as_operator() if everyone else nullcontext():
        return list_stored(
            sb.store,
            req,
            kind=KIND,
            key="verifications",
            render=partial(render, sb, req),
            where=[Filter(fields[k], v) for k, v in echo.items() if k in fields],
            echo=echo,
        )


def update(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    settle(sb)
    changes = _fields(req, create=False)
    reason = req.get("EditReason")
    now = sb.clock()
    with sb.store.write() as tx:
        row = _load(tx, req, args["Sid"])
        d = row.data
        if d["status"] != tfv.REJECTED:
            raise ApiError(
                400,
                BAD_PARAMETER,
                f"Toll-free verification {row.sid} is {d['status']}: only a "
                f"{tfv.REJECTED} verification can be edited",
            )
        if not edit_allowed(row, now):
            raise ApiError(
                400,
                tfv.EDIT_WINDOW_EXPIRED,
                f"The edit window of toll-free verification {row.sid} expired on "
                f"{iso(d.get('edit_expiration'))}: delete it and submit a new one",
            )
        if not reason:
            raise missing_parameter("EditReason")
        d.update(changes)
        d.update(
            status=tfv.PENDING_REVIEW,
            submitted_at=now,
            date_updated=now,
            edit_reason=reason,
            edit_expiration=None,
            rejection_reason=None,
            rejection_reasons=None,
            error_code=None,
        )
        tx.save(row)
    return Reply(202, render(sb, req, row))


def delete(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = _load(tx, req, args["Sid"])
        tx.delete(row.sid)
    return Reply(204)


def routes() -> list[tuple[str, dict[str, Any]]]:
    return [
        (PATH, {"POST": create, "GET": listing}),
        (f"{PATH}/{{Sid}}", {"GET": fetch, "POST": update, "DELETE": delete}),
    ]
