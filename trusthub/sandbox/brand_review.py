"""The sandbox's deterministic TCR review of A2P 10DLC brands (a module of its own, beside
the bundle review in `review` and `reviewer`).

A new or resubmitted brand is `PENDING`, due `review_delay` seconds later; brands advance
lazily when read (as bundles do): the first read at or after the due time decides. A brand
is `APPROVED` (with a `tcr_id`; `VETTED_VERIFIED` when standard secondary vetting runs,
else `VERIFIED`) unless one of TCR's classic findings applies, which makes it `FAILED`
with Twilio's code in `errors[]` (reference D.3, L):

* 30793: a connected bundle fails validation: the customer profile or the A2P trust product
  was never submitted, or was rejected, or the two SIDs are swapped. TCR never saw it, so
  the brand has no `tcr_id` (and cannot be resubmitted: 21725).
* 30795: tax ID mismatch: the EIN is registered to another business in the sandbox's
  registry (`REGISTERED_EINS`), e.g. the documentation example `12-3456789`.
* 30701: invalid brand input: a US or Canadian address whose region is not a 2-letter code.

`force` (the CLI's `approve` and `reject`) decides a brand now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from trusthub.model import twilio_codes
from trusthub.sandbox import brand_vetting, event_streams
from trusthub.sandbox import evaluation as ev
from trusthub.sandbox.store import Filter, Row, Store, Tx

KIND: Final = "brand_registration"
PENDING: Final = "PENDING"
IN_REVIEW: Final = "IN_REVIEW"
APPROVED: Final = "APPROVED"
FAILED: Final = "FAILED"
SUSPENDED: Final = "SUSPENDED"
FORCED_CODE: Final = 30701  # `trusthub sandbox reject` of a brand: "brand input invalid"

# Bundle statuses in which TCR can read the bundle (submitted at least).
_SUBMITTED: Final = frozenset({"pending-review", "in-review", "twilio-approved"})

# EIN -> the legal name the sandbox's registry holds for it (a stand-in for the IRS record
# TCR checks). A brand whose EIN is listed under another name fails with 30795.
REGISTERED_EINS: Final = {"12-3456789": "Example Holdings Inc"}


@dataclass(frozen=True, slots=True)
class Finding:
    code: int
    description: str
    fields: tuple[str, ...] = ()
    registered: bool = True  # TCR saw the brand (it gets a tcr_id)

    def error(self) -> dict[str, Any]:
        return {
            "error_code": self.code,
            "description": self.description,
            "fields": list(self.fields),
            "url": f"https://www.twilio.com/docs/api/errors/{self.code}",
        }


def tcr_id(sid: str) -> str:
    """TCR's brand id: "B" and six characters, stable for a brand."""
    return "B" + hashlib.sha1(sid.encode()).hexdigest()[:6].upper()


def _business(tx: Tx, profile_sid: str) -> dict[str, Any]:
    for user in ev.collect(tx, profile_sid).end_users.get(
        "customer_profile_business_information", []
    ):
        return dict(user.data.get("attributes") or {})
    return {}


def findings(tx: Tx, brand: Row) -> list[Finding]:
    """What TCR objects to; empty means approval."""
    d = brand.data
    profile = tx.get(d["customer_profile_bundle_sid"], "customer_profile")
    product = tx.get(d["a2p_profile_bundle_sid"], "trust_product")
    if profile is None or product is None:
        return [
            Finding(
                30793,
                "Connected bundle validation failed: CustomerProfileBundleSid must be a customer "
                "profile and A2PProfileBundleSid an A2P trust product (are they swapped?).",
                ("customer_profile_bundle_sid", "a2p_profile_bundle_sid"),
                registered=False,
            )
        ]
    for label, bundle in (("customer profile", profile), ("A2P trust product", product)):
        if bundle.data["status"] not in _SUBMITTED:
            return [
                Finding(
                    30793,
                    f"Connected bundle validation failed: the {label} {bundle.sid} is "
                    f"{bundle.data['status']}; submit it (again) first.",
                    registered=False,
                )
            ]
    out = []
    business = _business(tx, profile.sid)
    number = str(business.get("business_registration_number", "")).strip()
    holder = REGISTERED_EINS.get(number)
    name = str(business.get("business_name", "")).strip()
    if holder is not None and holder.casefold() != name.casefold():
        out.append(
            Finding(
                30795,
                f"Tax ID mismatch: the EIN {number} is registered to another business name; "
                "the legal name must match the IRS record exactly.",
                ("ein", "company_name"),
            )
        )
    for address in ev.addresses(tx, ev.collect(tx, profile.sid)):
        region = str(address.data.get("region") or "")
        if address.data.get("iso_country") in ("US", "CA") and not (
            len(region) == 2 and region.isalpha()
        ):
            out.append(
                Finding(
                    30701,
                    "Invalid State/Region/Province. please check the input field value [Max "
                    "length 20, For The United States, please use 2 character codes. E.g. "
                    "'CA' for California] and retry.",
                    ("region",),
                )
            )
    return out


def decide(tx: Tx, brand: Row, found: Sequence[Finding], now: float) -> None:
    d = brand.data
    if found:
        registered = all(f.registered for f in found)
        d.update(
            status=FAILED,
            errors=[f.error() for f in found],
            failure_reason="; ".join(f.description for f in found),
            identity_status="UNVERIFIED",
            tcr_id=(d.get("tcr_id") or tcr_id(brand.sid)) if registered else d.get("tcr_id"),
        )
    else:
        vetted = d["brand_type"] == "STANDARD" and not d["skip_automatic_sec_vet"]
        step = identity_step(tx, brand)
        d.update(
            status=APPROVED,
            errors=[],
            failure_reason=None,
            identity_status=(UNVERIFIED if step else "VETTED_VERIFIED" if vetted else "VERIFIED"),
            identity_step=step,
            # TCR texts the OTP (or mails the Authentication+ link) now; it must be
            # confirmed within its window (24 h, 7 days).
            identity_due=now + IDENTITY_WINDOW[step] if step else None,
            authentication_status=None,
            tcr_id=d.get("tcr_id") or tcr_id(brand.sid),
            brand_score=75 if vetted else None,
        )
    d.update(review_due=None, date_updated=now)
    tx.save(brand)
    event_streams.emit(tx, event_streams.brand_event(brand, now))
    if not found and d["brand_type"] == "STANDARD" and not d["skip_automatic_sec_vet"]:
        # The automatic secondary vetting, decided with the brand (its score above).
        brand_vetting.secondary_vetting(tx, brand, now)
        event_streams.emit(tx, event_streams.vetting_event(brand, now))


def settle(store: Store, clock: Callable[[], float]) -> None:
    """Decide what is due, in every account (see `_settle`)."""
    with store.as_operator():  # time passes for every account, whoever asked
        _settle(store, clock)


def _settle(store: Store, clock: Callable[[], float]) -> None:
    """Decide every brand whose review is due, fail every sole-proprietor brand whose OTP
    was not confirmed in time, and fail the Authentication+ check of every public brand
    whose contact did not confirm in 7 days; called before brands are read."""
    now = clock()
    with store.read() as tx:
        due = [r.sid for r in tx.find(KIND, where=[Filter("status", PENDING)])]
        expired = [
            r.sid
            for r in tx.find(KIND, where=[Filter("status", APPROVED)])
            if r.data.get("identity_step") == OTP
            and r.data.get("identity_due") is not None
            and r.data["identity_due"] <= now
        ]
        lapsed = [
            r.sid
            for r in tx.find(KIND, where=[Filter("status", APPROVED)])
            if r.data.get("identity_step") == AUTHENTICATION_PLUS
            and r.data.get("identity_due") is not None
            and r.data["identity_due"] <= now
        ]
    if expired or lapsed:
        with store.write() as tx:
            for sid in expired:
                brand = tx.get(sid, KIND)
                if brand is not None and brand.data.get("identity_due") is not None:
                    _otp_expired(tx, brand, now)
            for sid in lapsed:
                brand = tx.get(sid, KIND)
                if brand is not None and brand.data.get("identity_due") is not None:
                    _authentication_failed(tx, brand, now)
    if not due:
        return
    with store.write() as tx:
        for sid in due:
            brand = tx.get(sid, KIND)
            if brand is None or brand.data.get("review_due") is None:
                continue
            if brand.data["review_due"] <= now:
                decide(tx, brand, findings(tx, brand), now)


def start_data(data: dict[str, Any], now: float, delay: float) -> None:
    """A new or resubmitted brand (its stored data) goes to TCR."""
    data.update(status=PENDING, review_due=now + delay, date_updated=now, identity_due=None)


# --- the identity step: a sole proprietor's OTP, a public company's Authentication+ ---------

OTP: Final = "OTP"
AUTHENTICATION_PLUS: Final = "Authentication+"
UNVERIFIED: Final = "UNVERIFIED"
IDENTITY_WINDOW: Final = {OTP: 24 * 3600.0, AUTHENTICATION_PLUS: 7 * 24 * 3600.0}
OTP_NOT_CONFIRMED: Final = 30752


def identity_step(tx: Tx, brand: Row) -> str | None:
    """What TCR asks of an approved brand before campaigns: a sole proprietor's OTP (a text
    to the mobile of its trust product), a public company's Authentication+ (an email to
    its `brand_contact_email`), or nothing."""
    if brand.data["brand_type"] == "SOLE_PROPRIETOR":
        return OTP
    for user in ev.collect(tx, brand.data["a2p_profile_bundle_sid"]).end_users.get(
        "us_a2p_messaging_profile_information", []
    ):
        if (user.data.get("attributes") or {}).get("company_type") == "public":
            return AUTHENTICATION_PLUS
    return None


def _otp_expired(tx: Tx, brand: Row, now: float) -> None:
    d = brand.data
    finding = Finding(
        OTP_NOT_CONFIRMED,
        "The sole proprietor's OTP was not confirmed: the owner must reply YES to TCR's "
        "text within 24 hours. Resubmit the brand for a new OTP.",
        ("mobile_phone_number",),
    )
    d.update(
        status=FAILED,
        errors=[finding.error()],
        failure_reason=finding.description,
        identity_status=UNVERIFIED,
        identity_due=None,
        date_updated=now,
    )
    tx.save(brand)


# The code an Authentication+ check left unconfirmed for 7 days fails with. The reference
# (D.5.6, TS-BRAND) gives only the range 21736-21741 for 2FA failures; which one means
# "not completed in time" is UNCONFIRMED: the sandbox uses the first (`twilio_codes`).
AUTHENTICATION_FAILED_CODE: Final = twilio_codes.AUTHENTICATION_FAILED
AUTHENTICATION_FAILED: Final = "FAILED"


def _authentication_failed(tx: Tx, brand: Row, now: float) -> None:
    """The brand contact did not confirm within 7 days: TCR fails the Authentication+ check.
    The brand stays APPROVED (TCR registered it) but UNVERIFIED, so it takes no campaigns;
    the fix is a new contact email and `POST .../2fa` (reference D.5.7)."""
    d = brand.data
    finding = Finding(
        AUTHENTICATION_FAILED_CODE,
        "Authentication+ failed: the brand contact did not confirm TCR's verification email "
        "within 7 days. Update brand_contact_email on the A2P trust product's end user, "
        "then request a new check (POST /v1/a2p/BrandRegistrations/{BN}/2fa).",
        ("brand_contact_email",),
    )
    d.update(
        errors=[finding.error()],
        identity_status=UNVERIFIED,
        identity_due=None,
        authentication_status=AUTHENTICATION_FAILED,
        date_updated=now,
    )
    tx.save(brand)


def authentication_failed(brand: Row) -> bool:
    """Whether the brand's last Authentication+ check failed (so `/2fa` may start one)."""
    d = brand.data
    return (
        d.get("status") == APPROVED
        and d.get("identity_step") == AUTHENTICATION_PLUS
        and d.get("authentication_status") == AUTHENTICATION_FAILED
    )


A2P_PROFILE_INFORMATION: Final = "us_a2p_messaging_profile_information"
CONTACT: Final = "brand_contact_email"


def contact_fix_allowed(tx: Tx, end_user: Row, changes: dict[str, Any]) -> bool:
    """Whether an update of `end_user` is Twilio's documented fix of a failed
    Authentication+ (reference D.5.7): only `brand_contact_email` of the A2P trust product's
    `us_a2p_messaging_profile_information` changes, and a brand registered on that product
    has a FAILED check. Such an edit is allowed even though the product is under review or
    approved (which otherwise locks its end users, 70002; the conflict is UNCONFIRMED,
    reference D.5.8 and N.3: the sandbox allows only this one edit, the narrowest reading
    that still lets Twilio's own remediation work)."""
    if end_user.data.get("type") != A2P_PROFILE_INFORMATION or set(changes) - {
        "attributes",
        "friendly_name",
    }:
        return False
    if changes.get("friendly_name", end_user.data.get("friendly_name")) != end_user.data.get(
        "friendly_name"
    ):
        return False
    old = dict(end_user.data.get("attributes") or {})
    new = dict(changes.get("attributes") or old)
    if {k: v for k, v in old.items() if k != CONTACT} != {
        k: v for k, v in new.items() if k != CONTACT
    }:
        return False
    products = {
        a.parent
        for a in tx.find("entity_assignment", where=[Filter("object_sid", end_user.sid)])
        if a.parent
    }
    return any(
        authentication_failed(brand)
        for sid in products
        for brand in tx.find(KIND, where=[Filter("a2p_profile_bundle_sid", sid)])
    )


class IdentityError(Exception):
    """The brand has no identity step waiting (not approved, verified, or unknown)."""


def confirm_identity(store: Store, sid: str, now: float) -> Row:
    """The owner replied YES to the OTP (or the brand contact clicked the Authentication+
    email): the brand's identity is verified."""
    with store.write() as tx:
        brand = tx.get(sid, KIND)
        if brand is None:
            raise IdentityError(f"the sandbox has no brand registration {sid}")
        d = brand.data
        if d["status"] != APPROVED or d.get("identity_due") is None:
            raise IdentityError(
                f"brand {sid} is {d['status']} with identity {d['identity_status']}: only an "
                "APPROVED brand waiting for its OTP or Authentication+ can be confirmed"
            )
        vetted = d["brand_type"] == "STANDARD" and not d["skip_automatic_sec_vet"]
        d.update(
            identity_status="VETTED_VERIFIED" if vetted else "VERIFIED",
            identity_due=None,
            date_updated=now,
        )
        tx.save(brand)
    return brand


def resend_otp(store: Store, sid: str, now: float) -> Row | None:
    """`POST .../SmsOtp`: a new OTP text, valid 24 hours from now; None if the brand is
    unknown. Raises IdentityError for a brand that waits for no OTP."""
    with store.write() as tx:
        brand = tx.get(sid, KIND)
        if brand is None:
            return None
        d = brand.data
        if (
            d["brand_type"] != "SOLE_PROPRIETOR"
            or d.get("identity_step") != OTP
            or (d["status"] != APPROVED or d.get("identity_due") is None)
        ):
            raise IdentityError(
                f"brand {sid} waits for no OTP: only an APPROVED sole-proprietor brand whose "
                "OTP is not confirmed gets a new one"
            )
        d.update(identity_due=now + IDENTITY_WINDOW[OTP], date_updated=now)
        tx.save(brand)
    return brand


def retry_authentication(store: Store, sid: str, now: float) -> Row | None:
    """`POST .../{BN}/2fa`: TCR mails the brand contact (as the A2P trust product's end user
    now names it) a new Authentication+ link, valid 7 days; a new check, a new fee (D.5.4,
    D.5.7). None if the brand is unknown; IdentityError unless its check FAILED."""
    with store.write() as tx:
        brand = tx.get(sid, KIND)
        if brand is None:
            return None
        if not authentication_failed(brand):
            d = brand.data
            raise IdentityError(
                f"brand {sid} is {d['status']} with identity {d['identity_status']}: a new "
                "Authentication+ check is started only for a public brand whose last check "
                "FAILED"
            )
        brand.data.update(
            errors=[],
            identity_due=now + IDENTITY_WINDOW[AUTHENTICATION_PLUS],
            authentication_status=None,
            authentication_retries=int(brand.data.get("authentication_retries") or 0) + 1,
            date_updated=now,
        )
        tx.save(brand)
    return brand


class ForceError(Exception):
    """The brand cannot be forced (unknown)."""


def force(store: Store, sid: str, now: float, *, reason: str | None) -> Row:
    """Approve (`reason` None) or fail a brand now, whatever TCR would say."""
    with store.write() as tx:
        brand = tx.get(sid, KIND)
        if brand is None:
            raise ForceError(f"the sandbox has no brand registration {sid}")
        found = [] if reason is None else [Finding(FORCED_CODE, reason)]
        decide(tx, brand, found, now)
    return brand
