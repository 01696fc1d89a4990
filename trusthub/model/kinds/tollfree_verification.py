"""Toll-free verifications: one per toll-free number of a profile, made through Twilio's
messaging API (`POST /v1/Tollfree/Verifications`), not a Trust Hub bundle. Twilio builds the
Trust Hub objects behind it (a trust product and a channel-endpoint assignment) itself.

A verification is created already submitted (`PENDING_REVIEW`); Twilio moves it to
`IN_REVIEW` and decides `TWILIO_APPROVED` or `TWILIO_REJECTED`. A rejected one may be edited
(with an `EditReason`) while Twilio says `edit_allowed`, for `EDIT_WINDOW_DAYS` after the
rejection; the edit puts it back in review with priority. After the window, the only way
is to delete it and create a new one, which joins the normal review queue.

Names: `<profile>/tollfree-<last 4 digits>` (or `<profile>/<name>` when the YAML names it).
Names appear unmasked in every plan, status and history; plans mask phone numbers, so a
name shows only the last four digits, enough to tell a profile's numbers apart, as Twilio's
Console does. A keyed fingerprint would change with the state's lineage, and an unkeyed
hash of a toll-free number is reversed by trying the few million toll-free numbers there
are, so neither would hide more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from trusthub.model import twilio_codes
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.lifecycle import Lifecycle

PENDING_REVIEW: Final = "PENDING_REVIEW"
IN_REVIEW: Final = "IN_REVIEW"
APPROVED: Final = "TWILIO_APPROVED"
REJECTED: Final = "TWILIO_REJECTED"
STATUSES: Final = (PENDING_REVIEW, IN_REVIEW, APPROVED, REJECTED)

EDIT_WINDOW_DAYS: Final = 7
NAME_PREFIX: Final = "tollfree-"

# Twilio's toll-free codes trusthub and its sandbox use; their meanings and fixes are in
# `trusthub.model.twilio_codes`, with the UNCONFIRMED choices.
EDIT_WINDOW_EXPIRED: Final = twilio_codes.TOLL_FREE_EDIT_WINDOW_EXPIRED
OPT_OUT_MISSING: Final = twilio_codes.TOLL_FREE_OPT_IN_LANGUAGE
OPT_IN_IMAGE_INVALID: Final = twilio_codes.TOLL_FREE_OPT_IN_URL

# Before toll-free verification was a kind of its own, trusthub made it a trust product
# `<profile>/toll_free` with this policy (UNCONFIRMED; Twilio builds such products itself,
# behind a verification). State that still holds one is migrated by the plan: deleted when
# draft or rejected, else forgotten (left to Twilio).
LEGACY_TRUST_PRODUCT: Final = "toll_free"
LEGACY_TRUST_PRODUCT_POLICY: Final = "RNa282dd7f3dbef8586501ca2e045e764c"

LIFECYCLE: Final = Lifecycle(
    draft=PENDING_REVIEW,  # created submitted: there is no draft
    submitted=PENDING_REVIEW,
    approved=APPROVED,
    rejected=REJECTED,
    statuses=STATUSES,
    editable=frozenset({REJECTED}),  # and only while Twilio says edit_allowed
    deletable=frozenset({PENDING_REVIEW, REJECTED}),
    submittable=frozenset(),  # an edit inside the window is the resubmission
    under_review=frozenset({PENDING_REVIEW, IN_REVIEW}),
    review_outcome=f"{PENDING_REVIEW} -> {IN_REVIEW} -> {APPROVED} | {REJECTED}",
    edit_window_days=EDIT_WINDOW_DAYS,
    service="Twilio",
    objects="toll-free verifications",
)


def _instant(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def edit_window_closes(valid_until: str | None, now: str) -> str | None:
    """The day a rejected verification's edit window closes, or None once it is closed:
    Twilio reported no window at the last refresh, or its end (`valid_until`, Twilio's
    `edit_expiration`) has passed by `now`, even if no refresh has seen it close."""
    if not valid_until or _instant(valid_until) <= _instant(now):
        return None
    return valid_until[:10]


def edit_window_closed(valid_until: str | None, now: str) -> str | None:
    """The day the edit window closed, when the recorded end has passed by `now` (None: it
    is open, or the end is not known)."""
    if valid_until and _instant(valid_until) <= _instant(now):
        return valid_until[:10]
    return None


def resubmittable(reasons: Iterable[str]) -> int | None:
    """The code among a rejection's recorded reasons that Twilio says cannot be resubmitted
    (`twilio_codes.TOLL_FREE_NOT_RESUBMITTABLE`), or None."""
    for reason in reasons:
        code, _ = twilio_codes.parse_reason(reason)
        if code in twilio_codes.TOLL_FREE_NOT_RESUBMITTABLE:
            return code
    return None


def default_name(number: str) -> str:
    return NAME_PREFIX + "".join(c for c in number if c.isdigit())[-4:]


def verifications(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(name part, spec) of each verification the profile declares, in file order."""
    out = []
    for spec in data.get("toll_free_verifications", []):
        out.append((str(spec.get("name") or default_name(str(spec["number"]))), spec))
    return out


# Twilio requires the business registration fields on every toll-free verification except a
# sole proprietor's since January 2026 (the messaging spec's BusinessRegistration* fields;
# reference section E). The profile's registration type -> the spec's authority enum; types
# the enum does not name are OTHER (UNCONFIRMED: Twilio documents no mapping).
REGISTRATION_AUTHORITY: Final = {
    "EIN": "EIN",
    "CBN": "CBN",
    "UK Company Number": "CRN",
    "ACN": "ACN",
    "VAT": "VAT",
}
SOLE_PROPRIETOR: Final = "SOLE_PROPRIETOR"


def business_type(data: Mapping[str, Any]) -> str:
    """The spec's BusinessType for the profile: its company type where the A2P section
    gives it, else from the business type (an individual is a sole proprietor)."""
    business = data.get("business")
    if not business or business.get("type") == "Sole Proprietorship":
        return SOLE_PROPRIETOR
    company = (data.get("trust_products") or {}).get("a2p_messaging", {}).get("company_type")
    if company == "public":
        return "PUBLIC_PROFIT"
    if company == "government":
        return "GOVERNMENT"
    if company == "non_profit" or business.get("type") == "Non-profit Corporation":
        return "NON_PROFIT"
    return "PRIVATE_PROFIT"


def registration(data: Mapping[str, Any]) -> dict[str, Any]:
    """The business registration fields Twilio requires (none for a sole proprietor)."""
    kind = business_type(data)
    if kind == SOLE_PROPRIETOR:
        return {"business_type": kind}
    reg = data["business"]["registration"]
    return {
        "business_type": kind,
        "business_registration_authority": REGISTRATION_AUTHORITY.get(reg["type"], "OTHER"),
        "business_registration_number": reg["number"],
        "business_registration_country": data["address"]["country"],
    }


def attributes(data: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """What Twilio holds for the verification (the number is kept apart, as `numbers`)."""
    business = data.get("business") or {}
    individual = data.get("individual") or {}
    person = f"{individual.get('first_name', '')} {individual.get('last_name', '')}".strip()
    return {
        "business_name": spec.get("business_name") or business.get("legal_name") or person,
        "business_website": spec.get("business_website") or business.get("website") or "",
        "notification_email": spec.get("notification_email") or data["notifications"]["email"],
        "use_case_categories": list(spec["use_case_categories"]),
        "use_case_summary": spec["use_case_summary"],
        "message_sample": spec["message_sample"],
        "opt_in_type": spec["opt_in_type"],
        "opt_in_image_urls": list(spec["opt_in_image_urls"]),
        "message_volume": spec["message_volume"],
        "customer_profile": bool(spec.get("customer_profile", True)),
        **registration(data),
    }


class TollfreeVerificationKind(ResourceKind):
    name = "tollfree_verification"
    lifecycle = LIFECYCLE
    root_role = "verification"
    label = "Toll-free verification"
    remote_paths = (
        "/v1/Tollfree/Verifications",
        "/v1/Tollfree/Verifications/{Sid}",
        "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
    )

    def valid_name(self, name: str) -> bool:
        profile, _, part = name.partition("/")
        return bool(profile) and part.startswith(NAME_PREFIX) and "/" not in part

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        for part, spec in verifications(data):
            yield DesiredResource(
                kind=self.name,
                name=f"{profile}/{part}",
                profile=profile,
                attributes=attributes(data, spec),
                numbers=(str(spec["number"]),),
                submit=False,  # created submitted
                path=path,
            )
