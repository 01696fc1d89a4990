"""The sandbox's deterministic reviewer: why a submitted bundle would be rejected.

A bundle is approved when none of these findings applies, and rejected with all that do,
in Trust Hub's `FailureReason` style (`[field] - reason.`):

1. A fresh Evaluation against the bundle's policy is noncompliant
   (`Evaluation noncompliant: ...`, with the first failing requirement's error code).
2. An email (the bundle's, or any end user's `*email*` attribute) uses a disposable domain:
   `[email] - Email is a suspected disposable address.` Domains: `DISPOSABLE_DOMAINS`.
3. A business profile's address is a PO box (`P.O. Box`, `PO Box`, `Post Office Box`...):
   `[address_sids] - PO Box addresses are not accepted for business profiles.`
4. The business registration number is on the published test list
   `TEST_REGISTRATION_NUMBERS`: EINs `00-0000000`, `11-1111111`, `99-9999999` and DUNS
   `000000000`. (`12-3456789`, used in documentation examples, is deliberately *not* on
   it.)
5. A secondary (or starter) profile whose primary profile is not `twilio-approved`.
6. A trust product whose supporting customer profile is not `twilio-approved`.
7. A CNAM product whose customer profile is not registered with an EIN or DUNS number.

Review findings other than the evaluation carry error code 18601, the only bundle
rejection code the public spec shows (UNCONFIRMED as to its meaning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from trusthub.sandbox import evaluation as ev
from trusthub.sandbox import policies as cat
from trusthub.sandbox.store import Row, Tx

REJECTION_CODE: Final = 18601
APPROVED: Final = "twilio-approved"

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


def _emails(bundle: Row, assigned: ev.Assigned) -> list[str]:
    found = [str(bundle.data.get("email") or "")]
    for users in assigned.end_users.values():
        for user in users:
            attributes: dict[str, Any] = user.data.get("attributes") or {}
            found += [str(v) for k, v in attributes.items() if "email" in k and v]
    return found


def _is_disposable(email: str) -> bool:
    return email.rpartition("@")[2].strip().lower() in DISPOSABLE_DOMAINS


def _business_info(assigned: ev.Assigned) -> dict[str, Any]:
    users = assigned.end_users.get("customer_profile_business_information") or []
    return dict(users[0].data.get("attributes") or {}) if users else {}


def _addresses(tx: Tx, assigned: ev.Assigned) -> list[Row]:
    found = []
    for docs in assigned.documents.values():
        for doc in docs:
            for sid in ev.address_sids((doc.data.get("attributes") or {}).get("address_sids", "")):
                address = tx.get(sid, "address")
                if address is not None:
                    found.append(address)
    return found


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
    if any(_is_disposable(e) for e in _emails(bundle, assigned)):
        out.append(Finding(REJECTION_CODE, "[email] - Email is a suspected disposable address."))
    if policy.business:
        streets = [
            f"{a.data.get('street') or ''} {a.data.get('street_secondary') or ''}"
            for a in _addresses(tx, assigned)
        ]
        if any(is_po_box(s) for s in streets):
            out.append(
                Finding(
                    REJECTION_CODE,
                    "[address_sids] - PO Box addresses are not accepted for business profiles.",
                )
            )
        number = str(_business_info(assigned).get("business_registration_number", "")).strip()
        if number in TEST_REGISTRATION_NUMBERS:
            out.append(
                Finding(
                    REJECTION_CODE,
                    "[business_registration_number] - The registration number is a published "
                    "test number and cannot be verified.",
                )
            )
    for need in policy.profiles:
        for profile in assigned.profiles:
            if ev.profile_type(profile) not in need.accepted:
                continue
            status = profile.data["status"]
            if status != APPROVED:
                label = (
                    "primary customer profile"
                    if need.name.startswith("primary")
                    else ("supporting customer profile")
                )
                out.append(
                    Finding(
                        REJECTION_CODE,
                        f"[{need.name}] - The {label} {profile.sid} is not approved "
                        f"(it is {status}).",
                    )
                )
    if policy.sid == cat.CNAM:
        for profile in ev.supporting_profiles(policy, assigned):
            info = _business_info(ev.collect(tx, profile.sid))
            if info.get("business_registration_identifier") not in ("EIN", "DUNS"):
                out.append(
                    Finding(
                        REJECTION_CODE,
                        "[business_registration_identifier] - CNAM needs a business profile "
                        "registered with an EIN or DUNS number.",
                    )
                )
    return out


def dependencies(tx: Tx, bundle: Row) -> list[str]:
    """Bundles whose review should settle before this one's (its supporting profiles)."""
    return [p.sid for p in ev.collect(tx, bundle.sid).profiles]
