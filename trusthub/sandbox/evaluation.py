"""Evaluations: a bundle checked against a policy's requirements, one result per requirement,
in the shape of reference §6 (`passed`, `failure_reason`, `error_code`, `valid`, `invalid`).

Error codes: 22214 end user missing, 22215 end-user field missing, 22216 supporting item
missing (a document, the supporting customer profile, phone numbers), 22217 document field
missing, 22218 invalid value (bad phone number or email, value not in the accepted list, a
number the product cannot cover, a profile of the wrong type), 22219 the address a document
points at does not exist.

Messages name SIDs, never attribute values: evaluation results end up in logs and state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import phonenumbers

from trusthub.sandbox import entity_types as types
from trusthub.sandbox import policies as cat
from trusthub.sandbox.fields import is_blank
from trusthub.sandbox.store import Row, Tx

END_USER_MISSING: Final = 22214
END_USER_FIELD_MISSING: Final = 22215
ITEM_MISSING: Final = 22216
DOCUMENT_FIELD_MISSING: Final = 22217
INVALID_VALUE: Final = 22218
ADDRESS_MISSING: Final = 22219

COMPLIANT: Final = "compliant"
NONCOMPLIANT: Final = "noncompliant"
BUNDLE_KINDS: Final = ("customer_profile", "trust_product")


@dataclass
class Assigned:
    """What a bundle holds: its assigned objects by kind, and its phone numbers."""

    end_users: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    documents: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    profiles: list[Row] = field(default_factory=list)
    number_sids: list[str] = field(default_factory=list)


def collect(tx: Tx, bundle_sid: str) -> Assigned:
    """What the bundle holds. Read across accounts: the bundle is the caller's, and what it
    holds is its own account's but for the one loan Twilio allows, the parent's primary
    profile in a subaccount's profile (`resources.assignments`), with that primary's own
    items."""
    tx = tx.unscoped()
    assigned = Assigned()
    for assignment in tx.find("entity_assignment", parent=bundle_sid):
        obj = tx.get(assignment.data["object_sid"])
        if obj is None:
            continue
        if obj.kind == "end_user":
            assigned.end_users[obj.data["type"]].append(obj)
        elif obj.kind == "supporting_document":
            assigned.documents[obj.data["type"]].append(obj)
        elif obj.kind == "customer_profile":
            assigned.profiles.append(obj)
    assigned.number_sids = [
        a.data["channel_endpoint_sid"] for a in tx.find("channel_assignment", parent=bundle_sid)
    ]
    return assigned


def profile_type(profile: Row) -> str | None:
    policy = cat.POLICY_BY_SID.get(profile.data["policy_sid"])
    return None if policy is None else policy.object_type


def _item(
    label: str, name: str, reason: str | None = None, code: int | None = None
) -> dict[str, Any]:
    return {
        "friendly_name": label,
        "object_field": name,
        "passed": reason is None,
        "failure_reason": reason,
        "error_code": code,
    }


class Head(NamedTuple):
    """What a result is about: the requirement's label, object type and name."""

    label: str
    object_type: str
    requirement: str


def _result(
    head: Head,
    valid: list[dict[str, Any]],
    invalid: list[dict[str, Any]],
    missing: tuple[str, int] | None = None,
) -> dict[str, Any]:
    reason, code = missing if missing else (None, None)
    if reason is None and invalid:
        reason, code = invalid[0]["failure_reason"], invalid[0]["error_code"]
    return {
        "friendly_name": head.label,
        "object_type": head.object_type,
        "requirement_name": head.requirement,
        "requirement_friendly_name": head.label,
        "passed": reason is None,
        "failure_reason": reason,
        "error_code": code,
        "valid": valid,
        "invalid": invalid,
    }


def _end_user(need: cat.EndUserNeed, assigned: Assigned, noun: str) -> dict[str, Any]:
    kind = types.END_USER_TYPE[need.type]
    users = assigned.end_users.get(need.type, [])
    head = Head(kind.label, kind.machine_name, kind.machine_name)
    if not users:
        if need.optional:
            return _result(head, [], [])
        invalid = [
            _item(f.label, f.name, _field_missing(f.label, kind.label), END_USER_FIELD_MISSING)
            for f in kind.fields
            if f.required({})
        ]
        missing = (
            f"A {kind.label} End-User is missing. Please add one to the {noun}.",
            END_USER_MISSING,
        )
        return _result(head, [], invalid, missing)
    attributes = users[0].data.get("attributes") or {}
    valid, invalid = [], []
    for f in kind.fields:
        value = attributes.get(f.name)
        if is_blank(value):
            if f.required(attributes):
                reason = _field_missing(f.label, kind.label)
                invalid.append(_item(f.label, f.name, reason, END_USER_FIELD_MISSING))
            continue
        problem = f.problem(value)
        if problem is None:
            valid.append(_item(f.label, f.name))
        else:
            invalid.append(_item(f.label, f.name, problem, INVALID_VALUE))
    return _result(head, valid, invalid)


def _field_missing(label: str, where: str) -> str:
    return f"The {label} is missing. Please enter in a {label} on the {where}."


def _document(tx: Tx, need: cat.DocumentNeed, assigned: Assigned, noun: str) -> dict[str, Any]:
    docs = [d for t in need.accepted for d in assigned.documents.get(t, [])]
    head = Head(need.label, need.accepted[0], need.name)
    if not docs:
        address = _item(
            "Address sid(s)",
            "address_sids",
            f"The Address is missing. Please enter in the address shown on the {need.label}.",
            ADDRESS_MISSING,
        )
        missing = (f"A {need.label} is missing. Please add one to the {noun}.", ITEM_MISSING)
        return _result(head, [], [address], missing)
    doc = docs[0]
    kind = types.DOCUMENT_TYPE[doc.data["type"]]
    attributes = doc.data.get("attributes") or {}
    valid, invalid = [], []
    for f in kind.fields:
        value = attributes.get(f.name)
        if is_blank(value):
            if f.required(attributes):
                reason = _field_missing(f.label, need.label)
                invalid.append(_item(f.label, f.name, reason, DOCUMENT_FIELD_MISSING))
            continue
        if f.name == "address_sids":
            unknown = [s for s in address_sids(value) if tx.get(s, "address") is None]
            if unknown:
                reason = (
                    f"The Address {unknown[0]} does not exist. Please create it, or enter the "
                    f"sid of an existing Address on the {need.label}."
                )
                invalid.append(_item(f.label, f.name, reason, ADDRESS_MISSING))
            else:
                valid.append(_item(f.label, f.name))
            continue
        problem = f.problem(value)
        if problem is None:
            valid.append(_item(f.label, f.name))
        else:
            invalid.append(_item(f.label, f.name, problem, INVALID_VALUE))
    return _result(head, valid, invalid)


def address_sids(value: Any) -> list[str]:
    """`address_sids` as a list: one SID in every documented example; a list or a
    comma-separated string is accepted too (UNCONFIRMED)."""
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(i).strip() for i in items if str(i).strip()]


def addresses(tx: Tx, assigned: Assigned) -> list[Row]:
    """The addresses the bundle's supporting documents point at (those that exist)."""
    found = []
    for docs in assigned.documents.values():
        for doc in docs:
            for sid in address_sids((doc.data.get("attributes") or {}).get("address_sids", "")):
                address = tx.get(sid, "address")
                if address is not None:
                    found.append(address)
    return found


def _profile(need: cat.ProfileNeed, assigned: Assigned, noun: str) -> dict[str, Any]:
    head = Head(need.label, need.accepted[0], need.name)
    matching = [p for p in assigned.profiles if profile_type(p) in need.accepted]
    if matching:
        return _result(head, [_item("Bundle Sid", "bundle_sid")], [])
    if assigned.profiles:
        wrong = assigned.profiles[0]
        reason = (
            f"The Customer Profile {wrong.sid} is a {profile_type(wrong) or 'profile'}; this "
            f"requirement accepts {', '.join(need.accepted)}."
        )
        return _result(head, [], [_item("Bundle Sid", "bundle_sid", reason, INVALID_VALUE)])
    missing = (f"A {need.label} is missing. Please add one to the {noun}.", ITEM_MISSING)
    return _result(head, [], [], missing)


def supporting_profiles(policy: cat.Policy, assigned: Assigned) -> list[Row]:
    accepted = {t for need in policy.profiles for t in need.accepted}
    return [p for p in assigned.profiles if profile_type(p) in accepted]


def _numbers(
    tx: Tx, policy: cat.Policy, need: cat.NumberNeed, assigned: Assigned, noun: str
) -> dict[str, Any]:
    head = Head("Phone Numbers", "phone-number", "phone_numbers")
    if not assigned.number_sids:
        missing = (
            f"A Phone Number is missing. Please assign at least one phone number to the {noun}.",
            ITEM_MISSING,
        )
        return _result(head, [], [], missing)
    on_profile = {
        sid for p in supporting_profiles(policy, assigned) for sid in collect(tx, p.sid).number_sids
    }
    valid, invalid = [], []
    for sid in assigned.number_sids:
        problem = _number_problem(tx, sid, need)
        if problem is None and sid not in on_profile:
            problem = f"Phone number {sid} is not assigned to the supporting customer profile."
        if problem is None:
            valid.append(_item("Phone Number", "phone_number"))
        else:
            invalid.append(_item("Phone Number", "phone_number", problem, INVALID_VALUE))
    return _result(head, valid, invalid)


def _number_problem(tx: Tx, sid: str, need: cat.NumberNeed) -> str | None:
    row = tx.unscoped().get(sid, "phone_number")  # a number `collect` found assigned
    if row is None:
        return f"Phone number {sid} does not exist in this account."
    try:
        parsed = phonenumbers.parse(row.data["phone_number"], None)
    except phonenumbers.NumberParseException:
        return f"Phone number {sid} is invalid."
    region = phonenumbers.region_code_for_number(parsed)
    toll_free = phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE
    if need.region is not None and region != need.region:
        return f"Phone number {sid} is not a {need.region} number."
    if need.toll_free == "only" and not toll_free:
        return f"Phone number {sid} is not a toll-free number."
    if need.toll_free == "exclude" and toll_free:
        return f"Phone number {sid} is toll-free; this product covers only local numbers."
    return None


def evaluate(tx: Tx, bundle: Row, policy: cat.Policy) -> tuple[str, list[dict[str, Any]]]:
    """(compliant | noncompliant, results) of `bundle` against `policy`."""
    noun = "Customer Profile" if bundle.kind == "customer_profile" else "Trust Product"
    assigned = collect(tx, bundle.sid)
    results = [_end_user(n, assigned, noun) for n in policy.end_users]
    results += [_document(tx, n, assigned, noun) for n in policy.documents]
    results += [_profile(n, assigned, noun) for n in policy.profiles]
    if policy.numbers is not None:
        results.append(_numbers(tx, policy, policy.numbers, assigned, noun))
    status = COMPLIANT if all(r["passed"] for r in results) else NONCOMPLIANT
    return status, results
