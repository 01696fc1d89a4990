"""EndUsers (IT...) and SupportingDocuments (RD...).

`Attributes` is a JSON object sent as one form field (what twilio-python sends). An update
replaces the whole attribute object, as Trust Hub's docs ask. Objects assigned to a bundle
under review or approved cannot be updated or deleted (70002), save the one edit Twilio
documents for a failed Authentication+ (`brand_review.contact_fix_allowed`); deleting one
assigned only to editable bundles removes those assignments too (UNCONFIRMED: Twilio may
refuse instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from trusthub.sandbox import brand_review as tcr
from trusthub.sandbox.entity_types import DOCUMENT_TYPE, END_USER_TYPE, EntityType
from trusthub.sandbox.protocol import Reply, Request, bad_parameter, not_found
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.paging import list_stored
from trusthub.sandbox.sids import iso, new_sid
from trusthub.sandbox.store import Row

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox


@dataclass(frozen=True, slots=True)
class EntitySpec:
    kind: str
    segment: str
    prefix: str
    label: str
    types: Mapping[str, EntityType]


END_USERS = EntitySpec("end_user", "EndUsers", "IT", "End User", END_USER_TYPE)
DOCUMENTS = EntitySpec(
    "supporting_document", "SupportingDocuments", "RD", "Supporting Document", DOCUMENT_TYPE
)


def render(spec: EntitySpec, req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    out: dict[str, Any] = {
        "sid": row.sid,
        "account_sid": d["account_sid"],
        "friendly_name": d["friendly_name"],
    }
    if spec is DOCUMENTS:
        out["mime_type"] = d.get("mime_type")
        out["status"] = d["status"]
    out.update(
        type=d["type"],
        attributes=d["attributes"],
        date_created=iso(d["date_created"]),
        date_updated=iso(d["date_updated"]),
        url=f"{req.origin}/v1/{spec.segment}/{row.sid}",
    )
    return out


def _load(sb: Sandbox, spec: EntitySpec, req: Request, sid: str) -> Row:
    with sb.store.read() as tx:
        row = tx.get(sid, spec.kind)
    if row is None:
        raise not_found(req.path)
    return row


def create(spec: EntitySpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    name = common.friendly_name(req.require("FriendlyName"))
    type_ = req.require("Type")
    if type_ not in spec.types:
        raise bad_parameter("Type", f"{type_!r} is not a known {spec.label} type")
    attributes = common.json_object(req, "Attributes")
    now = sb.clock()
    data: dict[str, Any] = {
        "account_sid": req.account_sid,
        "friendly_name": name,
        "type": type_,
        "attributes": attributes,
        "date_created": now,
        "date_updated": now,
    }
    if spec is DOCUMENTS:
        data.update(status="DRAFT", mime_type=None)
    with sb.store.write() as tx:
        row = tx.insert(spec.kind, new_sid(spec.prefix), None, data)
    return Reply(201, render(spec, req, row))


def fetch(spec: EntitySpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    return Reply(200, render(spec, req, _load(sb, spec, req, args["Sid"])))


def listing(spec: EntitySpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    return list_stored(
        sb.store, req, kind=spec.kind, key="results", render=partial(render, spec, req)
    )


def update(spec: EntitySpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    changes: dict[str, Any] = {}
    if req.has("FriendlyName"):
        changes["friendly_name"] = common.friendly_name(req.require("FriendlyName"))
    if req.has("Attributes"):
        changes["attributes"] = common.json_object(req, "Attributes")
    with sb.store.write() as tx:
        row = tx.get(args["Sid"], spec.kind)
        if row is None:
            raise not_found(req.path)
        if not tcr.contact_fix_allowed(tx, row, changes):
            common.ensure_free(tx, row.sid, f"{spec.label} {row.sid}")
        row.data.update(changes, date_updated=sb.clock())
        tx.save(row)
    return Reply(200, render(spec, req, row))


def delete(spec: EntitySpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = tx.get(args["Sid"], spec.kind)
        if row is None:
            raise not_found(req.path)
        common.release(tx, row.sid, f"{spec.label} {row.sid}")
        tx.delete(row.sid)
    return Reply(204)


def routes(spec: EntitySpec) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"/v1/{spec.segment}", {"POST": partial(create, spec), "GET": partial(listing, spec)}),
        (
            f"/v1/{spec.segment}/{{Sid}}",
            {
                "GET": partial(fetch, spec),
                "POST": partial(update, spec),
                "DELETE": partial(delete, spec),
            },
        ),
    ]
