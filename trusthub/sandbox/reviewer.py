"""The sandbox's deterministic reviewer: why a submitted bundle would be rejected.

A bundle is approved when none of these findings applies, and rejected with all that do,
in Trust Hub's `FailureReason` style (`[field] - reason.`):

1. A fresh Evaluation against the bundle's policy is noncompliant
   (`Evaluation noncompliant: ...`, with the first failing requirement's error code).
2. An email uses a disposable domain: the bundle's (18606, the email's domain cannot be
   trusted) or an authorized representative's (18604, 18605):
   `[email] - Email is a suspected disposable address.` Domains: `DISPOSABLE_DOMAINS`.
3. A business profile's address is a PO box (`P.O. Box`, `PO Box`, `Post Office Box`...),
   18603: `[address_sids] - PO Box addresses are not accepted for business profiles.`
4. The business registration number is on the published test list
   `TEST_REGISTRATION_NUMBERS` (18602): EINs `00-0000000`, `11-1111111`, `99-9999999`
   and DUNS `000000000`. (`12-3456789`, used in documentation examples, is deliberately
   *not* on it.)
5. A secondary (or starter) profile whose primary profile is not `twilio-approved` (22216).
6. A trust product whose supporting customer profile is not `twilio-approved` (11005 for
   Voice Integrity, 11006 otherwise); the sole-proprietor trust product only needs its
   starter profile submitted (the starter profile is approved after the brand's OTP).
7. A voice trust product whose profile lacks what the product needs, judged by
   `trusthub.model.requirements` exactly as validation and the plan judge it: EIN or DUNS
   (18609), a US address (11003), a representative with a US phone (11002); CNAM on a
   number that is not US local (11009) or with a display name against the rules (11009,
   11008).

Codes and their meanings are `trusthub.model.twilio_codes`; errors are recorded as
`{"code": N, "message": ...}` (the shape Twilio's spec shows, with the message). A forced
rejection (`trusthub sandbox reject`) and an unknown policy carry `REJECTION_CODE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from trusthub.model import mapping, requirements
from trusthub.model import twilio_codes as tc
from trusthub.sandbox import evaluation as ev
from trusthub.sandbox import policies as cat
from trusthub.sandbox.store import Row, Tx

REJECTION_CODE: Final = tc.BUSINESS_NAME_WEBSITE
_PRODUCT_BY_POLICY: Final = {sid: name for name, sid in mapping.TRUST_PRODUCT_POLICY.items()}
_REPRESENTATIVES: Final = {
    "authorized_representative_1": tc.REPRESENTATIVE_1,
    "authorized_representative_2": tc.REPRESENTATIVE_2,
}
APPROVED: Final = "twilio-approved"
_SUBMITTED: Final = frozenset({"pending-review", "in-review", APPROVED})

DISPOSABLE_DOMAINS: Final = frozenset(
    {
        "mailinator.com",
        "10minutemail.com",
        "guerrillamail.com",
        "tempmail.com",
        "temp-mail.org",
        "yopmail.com",
        "trashmail.com",
        "sharklasers.com",
        "getnada.com",
        "dispostable.com",
        "maildrop.cc",
        "throwawaymail.com",
    }
)
TEST_REGISTRATION_NUMBERS: Final = frozenset(
    {"00-0000000", "11-1111111", "99-9999999", "000000000"}
)
_PO_BOX: Final = re.compile(
    r"\b(?:p\.?\s*o\.?\s*b(?:ox)?|post\s+office\s+box|postal\s+box)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Finding:
    code: int
    reason: str


def is_po_box(street: str) -> bool:
    return bool(_PO_BOX.search(street))


def _emails(bundle: Row, assigned: ev.Assigned) -> list[tuple[int, str]]:
    """Every email of the bundle with the code that rejects it."""
    found = [(tc.EMAIL_DOMAIN, str(bundle.data.get("email") or ""))]
    for type_, users in assigned.end_users.items():
        code = _REPRESENTATIVES.get(type_, tc.EMAIL_DOMAIN)
        for user in users:
            attributes: dict[str, Any] = user.data.get("attributes") or {}
            found += [(code, str(v)) for k, v in attributes.items() if "email" in k and v]
    return found


def _is_disposable(email: str) -> bool:
    return email.rpartition("@")[2].strip().lower() in DISPOSABLE_DOMAINS


def _business_info(assigned: ev.Assigned) -> dict[str, Any]:
    users = assigned.end_users.get("customer_profile_business_information") or []
    return dict(users[0].data.get("attributes") or {}) if users else {}


def _evaluation_finding(tx: Tx, bundle: Row, policy: cat.Policy) -> Finding | None:
    status, results = ev.evaluate(tx, bundle, policy)
    if status == ev.COMPLIANT:
        return None
    failures = []
    for result in results:
        if result["passed"]:
            continue
        details = [i["failure_reason"] for i in result["invalid"]] or [result["failure_reason"]]
        failures += [f"{result['requirement_friendly_name']}: {d}" for d in details]
    first = next(r for r in results if not r["passed"])
    shown = "; ".join(failures[:3]) + (
        f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
    )
    return Finding(int(first["error_code"] or REJECTION_CODE), f"Evaluation noncompliant: {shown}")


def findings(tx: Tx, bundle: Row) -> list[Finding]:
    """Everything the reviewer objects to; empty means approval."""
    policy = cat.POLICY_BY_SID.get(bundle.data["policy_sid"])
    if policy is None:
        return [
            Finding(REJECTION_CODE, f"[policy_sid] - Unknown policy {bundle.data['policy_sid']}.")
        ]
    out: list[Finding] = []
    evaluated = _evaluation_finding(tx, bundle, policy)
    if evaluated is not None:
        out.append(evaluated)
    assigned = ev.collect(tx, bundle.sid)
    codes = sorted({code for code, e in _emails(bundle, assigned) if _is_disposable(e)})
    out += [Finding(c, "[email] - Email is a suspected disposable address.") for c in codes]
    if policy.business:
        streets = [
            f"{a.data.get('street') or ''} {a.data.get('street_secondary') or ''}"
            for a in ev.addresses(tx, assigned)
        ]
        if any(is_po_box(s) for s in streets):
            out.append(
                Finding(
                    tc.ADDRESS,
                    "[address_sids] - PO Box addresses are not accepted for business profiles.",
                )
            )
        number = str(_business_info(assigned).get("business_registration_number", "")).strip()
        if number in TEST_REGISTRATION_NUMBERS:
            out.append(
                Finding(
                    tc.BUSINESS_ID,
                    "[business_registration_number] - The registration number is a published "
                    "test number and cannot be verified.",
                )
            )
    product = _PRODUCT_BY_POLICY.get(policy.sid)
    for need in policy.profiles:
        for profile in assigned.profiles:
            if ev.profile_type(profile) not in need.accepted:
                continue
            status = profile.data["status"]
            if policy.sid == cat.SOLE_PROPRIETOR and status in _SUBMITTED:
                # The SP chain does not wait for approvals, and a starter profile is
                # approved only after the brand's OTP (reference C): submitted is enough.
                continue
            if status != APPROVED:
                primary = need.name.startswith("primary")
                label = "primary customer profile" if primary else "supporting customer profile"
                code = (
                    tc.SUPPORTING_ITEM
                    if primary or product is None
                    else requirements.not_approved_code(product)
                )
                out.append(
                    Finding(
                        code,
                        f"[{need.name}] - The {label} {profile.sid} is not approved "
                        f"(it is {status}).",
                    )
                )
    if product is not None:
        out += _product_findings(tx, policy, product, assigned)
    return out


def _facts(tx: Tx, profile: Row) -> requirements.ProfileFacts:
    assigned = ev.collect(tx, profile.sid)
    info = _business_info(assigned)
    phones = [
        str((u.data.get("attributes") or {}).get("phone_number", ""))
        for type_ in _REPRESENTATIVES
        for u in assigned.end_users.get(type_) or []
    ]
    return requirements.ProfileFacts(
        business=bool(info),
        registration=info.get("business_registration_identifier"),
        countries=tuple(str(a.data.get("iso_country") or "") for a in ev.addresses(tx, assigned)),
        representative_phones=tuple(phones),
    )


def _product_findings(
    tx: Tx, policy: cat.Policy, product: str, assigned: ev.Assigned
) -> list[Finding]:
    """What `trusthub.model.requirements` finds wrong with a trust product and its profile."""
    gaps: list[requirements.Gap] = []
    for profile in ev.supporting_profiles(policy, assigned):
        facts = _facts(tx, profile)
        if facts.business:
            gaps += requirements.profile_gaps(product, facts)
    numbers = [
        str(row.data["phone_number"])
        for sid in assigned.number_sids
        if (row := tx.get(sid, "phone_number")) is not None
    ]
    if numbers:
        gaps += requirements.number_gaps(product, numbers, explicit=True)
    for user in assigned.end_users.get("cnam_information") or []:
        name = (user.data.get("attributes") or {}).get("cnam_display_name")
        if isinstance(name, str):
            gaps += requirements.display_name_gaps(name)
    seen: list[Finding] = []
    for gap in gaps:
        if gap.code is None:
            continue
        finding = Finding(gap.code, f"{gap.message}.")
        if finding not in seen:
            seen.append(finding)
    return seen


def dependencies(tx: Tx, bundle: Row) -> list[str]:
    """Bundles whose review should settle before this one's (its supporting profiles)."""
    return [p.sid for p in ev.collect(tx, bundle.sid).profiles]
