"""Pieces every resource family uses: the bundle kinds, parameter checks, and the rule that
objects assigned to a bundle under review or approved cannot change."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from trusthub.sandbox.evaluation import BUNDLE_KINDS
from trusthub.sandbox.protocol import (
    MAX_JSON_DEPTH,
    STATUS_FORBIDS_CHANGE,
    ApiError,
    Request,
    bad_parameter,
    not_found,
    status_forbids,
)
from trusthub.sandbox.review import LOCKED
from trusthub.sandbox.sids import is_sid
from trusthub.sandbox.store import Filter, Row, Tx

MAX_FRIENDLY_NAME: Final = 64
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+")


@dataclass(frozen=True, slots=True)
class BundleSpec:
    kind: str  # stored kind
    segment: str  # URL segment
    sid_field: str  # e.g. customer_profile_sid, on sub-resources
    links: str  # prefix of the `links` keys
    label: str


PROFILES: Final = BundleSpec(
    "customer_profile",
    "CustomerProfiles",
    "customer_profile_sid",
    "customer_profiles",
    "Customer Profile",
)
PRODUCTS: Final = BundleSpec(
    "trust_product", "TrustProducts", "trust_product_sid", "trust_products", "Trust Product"
)
BUNDLE_LABEL: Final = {PROFILES.kind: PROFILES.label, PRODUCTS.kind: PRODUCTS.label}


def friendly_name(value: str, name: str = "FriendlyName") -> str:
    if len(value) > MAX_FRIENDLY_NAME:
        raise bad_parameter(name, f"must be at most {MAX_FRIENDLY_NAME} characters")
    return value


def email(value: str) -> str:
    if not _EMAIL.fullmatch(value.strip()):
        raise bad_parameter("Email", "not an email address")
    return value.strip()


def callback_url(value: str | None) -> str | None:
    """An absolute http(s) URL, or None to clear it. Twilio's spec declares StatusCallback
    an optional `format: uri` string; a form cannot carry a null, so an empty value is how a
    client clears it (trusthub's update does), and the sandbox takes it so."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_parameter("StatusCallback", "must be an absolute http or https URL")
    return value


def sid_param(req: Request, name: str) -> str:
    value = req.require(name)
    if not is_sid(value):
        raise bad_parameter(name, f"{value!r} is not a SID (two letters and 32 hex digits)")
    return value


def json_object(req: Request, name: str) -> dict[str, Any]:
    raw = req.get(name)
    if raw is None or raw == "":
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise bad_parameter(name, "must be a JSON object") from None
    except RecursionError:
        value = None  # nested past what the parser handles: refused just below
    if not isinstance(value, dict):
        raise bad_parameter(name, "must be a JSON object")
    if _depth(value) > MAX_JSON_DEPTH:
        raise bad_parameter(name, f"nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _depth(value: object) -> int:
    """How deeply `value` nests objects and arrays (a scalar is 0), without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            if deepest > MAX_JSON_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            todo.extend((child, level + 1) for child in children)
    return deepest


def load_bundle(tx: Tx, spec: BundleSpec, sid: str, req: Request) -> Row:
    row = tx.get(sid, spec.kind)
    if row is None:
        raise not_found(req.path)
    return row


def ensure_editable(bundle: Row) -> None:
    status = bundle.data["status"]
    if status in LOCKED:
        raise status_forbids(f"{BUNDLE_LABEL[bundle.kind]} {bundle.sid}", status)


def ensure_free(tx: Tx, object_sid: str, what: str) -> list[Row]:
    """The assignments of an object; refused (70002) when any of its bundles is locked."""
    assignments = tx.find("entity_assignment", where=[Filter("object_sid", object_sid)])
    for assignment in assignments:
        bundle = tx.get(assignment.parent or "", BUNDLE_KINDS)
        if bundle is not None and bundle.data["status"] in LOCKED:
            raise ApiError(
                400,
                STATUS_FORBIDS_CHANGE,
                f"{what} can't be updated: a bundle it belongs to is immutable "
                f"({BUNDLE_LABEL[bundle.kind]} {bundle.sid} is {bundle.data['status']})",
            )
    return assignments


def release(tx: Tx, object_sid: str, what: str) -> None:
    """Before deleting an object: drop its assignments (all in editable bundles)."""
    for assignment in ensure_free(tx, object_sid, what):
        tx.delete(assignment.sid)
