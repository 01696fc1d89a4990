"""A2P 10DLC brand registrations: the business registered with The Campaign Registry (TCR)
through Twilio's `POST /v1/a2p/BrandRegistrations` (messaging API), built on a secondary
customer profile and its A2P messaging trust product.

Twilio's rules (reference section D.3): creating a brand *is* its submission (it starts
`PENDING`, goes to TCR, maybe `IN_REVIEW`, and ends `APPROVED` or `FAILED`; TCR or the
carriers may later make it `SUSPENDED`). Nothing of a brand can be edited through the API
and there is no DELETE: a `FAILED` brand with a `tcr_id` is fixed upstream (the customer
profile or the trust product) and resubmitted (`POST .../BrandRegistrations/{BN}`), three
times for free; the fourth is refused (21724). A brand that is not `FAILED` cannot be
resubmitted (21725). Each registration costs a fee.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.lifecycle import Lifecycle

PENDING: Final = "PENDING"
IN_REVIEW: Final = "IN_REVIEW"
APPROVED: Final = "APPROVED"
FAILED: Final = "FAILED"
SUSPENDED: Final = "SUSPENDED"
STATUSES: Final = (PENDING, IN_REVIEW, APPROVED, FAILED, SUSPENDED)

NAME_SUFFIX: Final = "a2p-brand"  # "<profile>/a2p-brand"
PRODUCT: Final = "a2p_messaging"  # the trust product (and profile section) it hangs on
CONTACT: Final = "brand_contact_email"  # the product's Authentication+ recipient

RESUBMISSION_CAP: Final = 3  # free resubmissions; the next one is refused
RESUBMISSION_REFUSED_CODE: Final = 21724
NOT_FAILED_CODE: Final = 21725  # a resubmission of a brand that is not FAILED
SUSPENDED_CODE: Final = 21731

# The profile's brand `type` -> Twilio's BrandType and SkipAutomaticSecVet (section D.1).
BRAND_TYPES: Final[Mapping[str, tuple[str, bool]]] = {
    "standard": ("STANDARD", False),
    "low_volume_standard": ("STANDARD", True),
    "sole_proprietor": ("SOLE_PROPRIETOR", False),
}

BRAND: Final = Lifecycle(
    draft=PENDING,  # created straight into TCR's queue: there is no draft brand
    submitted=PENDING,  # a resubmission sends it back to TCR
    approved=APPROVED,
    rejected=FAILED,
    statuses=STATUSES,
    # Only a FAILED brand may be resubmitted; none of its own fields can change (they are
    # all immutable_fields), so "editable" means what its resubmission picks up upstream.
    editable=frozenset({FAILED}),
    deletable=frozenset(),  # no DELETE in the API; 30710 with campaigns; support only
    submittable=frozenset({FAILED}),
    under_review=frozenset({PENDING, IN_REVIEW}),
    review_outcome=f"{PENDING} -> {IN_REVIEW} -> {APPROVED} | {FAILED}",
    resubmission_cap=RESUBMISSION_CAP,
    service="Twilio",
    objects="brands",
)


def brand_name(profile: str) -> str:
    return f"{profile}/{NAME_SUFFIX}"


def brand_params(attributes: Mapping[str, Any]) -> tuple[str, bool, bool]:
    """(BrandType, SkipAutomaticSecVet, Mock) of a brand's desired attributes."""
    return (
        str(attributes["brand_type"]),
        bool(attributes["skip_automatic_sec_vet"]),
        bool(attributes["mock"]),
    )


class A2PBrandKind(ResourceKind):
    name = "a2p_brand"
    lifecycle = BRAND
    # Twilio offers no edit of a brand: a different type means a new brand (a new fee).
    immutable_fields = ("type", "brand_type", "skip_automatic_sec_vet", "mock")
    root_role = "brand"
    label = "A2P 10DLC brand"
    remote_paths = ("/v1/a2p/BrandRegistrations", "/v1/a2p/BrandRegistrations/{Sid}")

    def valid_name(self, name: str) -> bool:
        profile, _, part = name.partition("/")
        return bool(profile) and part == NAME_SUFFIX

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        a2p = (data.get("trust_products") or {}).get(PRODUCT) or {}
        brand = a2p.get("brand")
        if not brand:
            return
        brand_type, skip = BRAND_TYPES[brand["type"]]
        yield DesiredResource(
            kind=self.name,
            name=brand_name(profile),
            profile=profile,
            attributes={
                "type": brand["type"],
                "brand_type": brand_type,
                "skip_automatic_sec_vet": bool(brand.get("skip_automatic_sec_vet", skip)),
                "mock": bool(brand.get("mock", False)),
            },
            numbers=(),
            # Creating a brand submits it to TCR: there is no separate submission.
            submit=False,
            path=path,
        )


# --- the brand's identity step (reference C, D.5) ---------------------------------------
# An APPROVED brand may still have to prove who it is before campaigns: a sole proprietor
# replies YES to TCR's OTP text within 24 hours; a public company's brand contact clicks
# TCR's Authentication+ email within 7 days. Until then `identity_status` is UNVERIFIED.
OTP: Final = "OTP"
AUTHENTICATION_PLUS: Final = "Authentication+"
UNVERIFIED: Final = "UNVERIFIED"
VERIFIED_IDENTITIES: Final = frozenset({"VERIFIED", "VETTED_VERIFIED"})
IDENTITY_WINDOW_SECONDS: Final[Mapping[str, float]] = {
    OTP: 24 * 3600.0,
    AUTHENTICATION_PLUS: 7 * 24 * 3600.0,
}


def identity_step(brand_type: object, company_type: object) -> str | None:
    """The identity confirmation a brand needs once APPROVED, or None."""
    if brand_type == "SOLE_PROPRIETOR":
        return OTP
    if company_type == "public":
        return AUTHENTICATION_PLUS
    return None


def identity_pending(step: str | None, identity_status: object) -> bool:
    """Whether an APPROVED brand still waits for its identity step."""
    return step is not None and identity_status not in VERIFIED_IDENTITIES


# A public brand's Authentication+ check that FAILED (the contact did not confirm in 7
# days, or the address could not take TCR's email) shows as one of these codes on the
# APPROVED brand's errors (reference D.5.6, TS-BRAND). Twilio's fix (D.5.7): a new
# brand_contact_email on the A2P trust product's end user, then `POST .../{BN}/2fa`, a
# new check and a new fee. The plan makes that fix when the YAML changes the contact.
AUTHENTICATION_FAILED_CODES: Final = frozenset(range(21736, 21742))


def error_code(reason: object) -> int | None:
    """The code a recorded brand error starts with ("21736 [fields]: text"), or None."""
    head = str(reason).split(" ", 1)[0].split(":", 1)[0]
    return int(head) if head.isdigit() else None


def authentication_failed(
    status: object, identity_status: object, errors: Iterable[object] | None
) -> bool:
    """Whether an APPROVED brand's Authentication+ check FAILED (so `/2fa` may start one)."""
    if status != APPROVED or identity_status in VERIFIED_IDENTITIES:
        return False
    return any(error_code(e) in AUTHENTICATION_FAILED_CODES for e in errors or ())


def identity_wait_text(
    name: str, step: str, identity_status: object, errors: Iterable[object] | None = ()
) -> str:
    """What the plan says while an APPROVED brand waits for its identity step."""
    if step == AUTHENTICATION_PLUS and authentication_failed(APPROVED, identity_status, errors):
        found = "; ".join(
            str(e) for e in errors or () if error_code(e) in AUTHENTICATION_FAILED_CODES
        )
        return (
            f"{name}'s Authentication+ check FAILED ({found}): change brand_contact_email in "
            "the profile's A2P section to an address on the business's domain that someone "
            "reads; the plan then updates the brand contact and asks TCR for a new check "
            "(POST .../2fa, the Authentication+ fee)"
        )
    if step == OTP:
        how = (
            "the owner must reply YES to TCR's text to the brand's mobile within 24 hours "
            f"of the approval, or the brand fails (error 30752; on the sandbox: trusthub "
            f"sandbox otp confirm {name})"
        )
    else:
        how = (
            "the brand contact (brand_contact_email) must open TCR's Authentication+ email "
            "within 7 days (on the sandbox: trusthub sandbox otp confirm "
            f"{name})"
        )
    identity = identity_status or UNVERIFIED
    return f"{name} waits for its {step} confirmation (identity {identity}): {how}"
