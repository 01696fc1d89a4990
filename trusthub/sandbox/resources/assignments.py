"""EntityAssignments (BV...) and ChannelEndpointAssignments (RA...) of both bundle kinds.

Entity assignments (end users, documents, supporting customer profiles) are edits: refused
with 70002 while the bundle is under review or approved. Phone numbers may join or leave a
bundle in any status, because Trust Hub lets numbers be added to an approved profile or
product (reference §9: SHAKEN/STIR numbers are assigned "before or after submitting").
Assigning the same object twice is refused, so a retried create cannot duplicate it.

An assignment takes objects of the bundle's own account, with the one exception Twilio
documents (reference I): a subaccount's customer profile (secondary or starter) takes its
parent's primary customer profile. Any other account's object reads as absent.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from trusthub.sandbox.evaluation import profile_type
from trusthub.sandbox.policies import PRIMARY_BUSINESS, PRIMARY_INDIVIDUAL
from trusthub.sandbox.protocol import Reply, Request, bad_parameter, not_found
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.common import BundleSpec
from trusthub.sandbox.resources.paging import filter_echo, list_stored
from trusthub.sandbox.sids import iso, new_sid
from trusthub.sandbox.store import Filter, Row, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

ENTITY = "entity_assignment"
CHANNEL = "channel_assignment"
ASSIGNABLE = ("end_user", "supporting_document", "customer_profile")
_PRIMARY_POLICIES = frozenset({PRIMARY_BUSINESS, PRIMARY_INDIVIDUAL})  # as `bundles` has them


def _url(spec: BundleSpec, req: Request, row: Row, segment: str) -> str:
    return f"{req.origin}/v1/{spec.segment}/{row.parent}/{segment}/{row.sid}"


def render_entity(spec: BundleSpec, req: Request, row: Row) -> dict[str, Any]:
    return {
        "sid": row.sid,
        spec.sid_field: row.parent,
        "account_sid": row.data["account_sid"],
        "object_sid": row.data["object_sid"],
        "date_created": iso(row.data["date_created"]),
        "url": _url(spec, req, row, "EntityAssignments"),
    }


def render_channel(spec: BundleSpec, req: Request, row: Row) -> dict[str, Any]:
    return {
        "sid": row.sid,
        spec.sid_field: row.parent,
        "account_sid": row.data["account_sid"],
        "channel_endpoint_type": row.data["channel_endpoint_type"],
        "channel_endpoint_sid": row.data["channel_endpoint_sid"],
        "date_created": iso(row.data["date_created"]),
        "url": _url(spec, req, row, "ChannelEndpointAssignments"),
    }


def _touch(tx: Tx, bundle: Row, sb: Sandbox) -> None:
    """An assignment added or removed moves its bundle's `date_updated`, which refresh reads
    to know what changed (UNCONFIRMED on Twilio: `trusthub.app.listing`)."""
    bundle.data["date_updated"] = sb.clock()
    tx.save(bundle)


def _child(tx: Tx, kind: str, bundle: Row, sid: str, req: Request) -> Row:
    row = tx.get(sid, kind)
    if row is None or row.parent != bundle.sid:
        raise not_found(req.path)
    return row


def create_entity(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    object_sid = common.sid_param(req, "ObjectSid")
    with sb.store.write() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        common.ensure_editable(bundle)
        obj = tx.get(object_sid, ASSIGNABLE) or _parent_primary(tx, bundle, object_sid)
        if obj is None:
            raise bad_parameter(
                "ObjectSid", f"{object_sid} is not an end user, supporting document or customer "
                "profile of this account"
            )  # fmt: skip
        if obj.sid == bundle.sid:
            raise bad_parameter("ObjectSid", "a bundle cannot be assigned to itself")
        if tx.find(ENTITY, parent=bundle.sid, where=[Filter("object_sid", object_sid)]):
            raise bad_parameter("ObjectSid", f"{object_sid} is already assigned to {bundle.sid}")
        object_type = profile_type(obj) if obj.kind == "customer_profile" else obj.data["type"]
        data = {
            "account_sid": req.account_sid,
            "object_sid": object_sid,
            "object_type": object_type,
            "date_created": sb.clock(),
        }
        row = tx.insert(ENTITY, new_sid("BV"), bundle.sid, data)
        _touch(tx, bundle, sb)
    return Reply(201, render_entity(spec, req, row))


def _parent_primary(tx: Tx, bundle: Row, object_sid: str) -> Row | None:
    """The parent's primary customer profile, lent to a subaccount's customer profile."""
    if bundle.account is None or bundle.kind != "customer_profile":
        return None  # the parent's own bundle, or a trust product: nothing is lent
    if bundle.data["policy_sid"] in _PRIMARY_POLICIES:
        return None
    lent = tx.unscoped().get(object_sid, "customer_profile")
    if lent is None or lent.account is not None:  # only the parent's (the one parent)
        return None
    return lent if lent.data["policy_sid"] in _PRIMARY_POLICIES else None


def create_channel(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    endpoint_type = req.require("ChannelEndpointType")
    if endpoint_type != "phone-number":
        # UNCONFIRMED whether Trust Hub knows other endpoint types; the docs use only this.
        raise bad_parameter("ChannelEndpointType", "the sandbox supports phone-number")
    endpoint = common.sid_param(req, "ChannelEndpointSid")
    with sb.store.write() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        if tx.get(endpoint, "phone_number") is None:
            raise bad_parameter(
                "ChannelEndpointSid", f"{endpoint} is not a phone number of this account"
            )
        if tx.find(CHANNEL, parent=bundle.sid, where=[Filter("channel_endpoint_sid", endpoint)]):
            raise bad_parameter(
                "ChannelEndpointSid", f"{endpoint} is already assigned to {bundle.sid}"
            )
        data = {
            "account_sid": req.account_sid,
            "channel_endpoint_type": endpoint_type,
            "channel_endpoint_sid": endpoint,
            "date_created": sb.clock(),
        }
        row = tx.insert(CHANNEL, new_sid("RA"), bundle.sid, data)
        _touch(tx, bundle, sb)
    return Reply(201, render_channel(spec, req, row))


def list_entities(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        common.load_bundle(tx, spec, args["Bundle"], req)
    echo = filter_echo(req, ("ObjectType",))
    return list_stored(
        sb.store,
        req,
        kind=ENTITY,
        key="results",
        parent=args["Bundle"],
        render=partial(render_entity, spec, req),
        where=[Filter("object_type", v) for v in echo.values()],
        echo=echo,
    )


def list_channels(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        common.load_bundle(tx, spec, args["Bundle"], req)
    echo = filter_echo(req, ("ChannelEndpointSid", "ChannelEndpointSids"))
    where = []
    if "ChannelEndpointSid" in echo:
        where.append(Filter("channel_endpoint_sid", echo["ChannelEndpointSid"]))
    if "ChannelEndpointSids" in echo:
        sids = [s.strip() for s in echo["ChannelEndpointSids"].split(",") if s.strip()]
        where.append(Filter("channel_endpoint_sid", sids, "in"))
    return list_stored(
        sb.store,
        req,
        kind=CHANNEL,
        key="results",
        parent=args["Bundle"],
        render=partial(render_channel, spec, req),
        where=where,
        echo=echo,
    )


def fetch_entity(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        row = _child(tx, ENTITY, bundle, args["Sid"], req)
    return Reply(200, render_entity(spec, req, row))


def fetch_channel(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        row = _child(tx, CHANNEL, bundle, args["Sid"], req)
    return Reply(200, render_channel(spec, req, row))


def delete_entity(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        row = _child(tx, ENTITY, bundle, args["Sid"], req)
        common.ensure_editable(bundle)
        tx.delete(row.sid)
        _touch(tx, bundle, sb)
    return Reply(204)


def delete_channel(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        row = _child(tx, CHANNEL, bundle, args["Sid"], req)
        tx.delete(row.sid)
        _touch(tx, bundle, sb)
    return Reply(204)


def routes(spec: BundleSpec) -> list[tuple[str, dict[str, Any]]]:
    base = f"/v1/{spec.segment}/{{Bundle}}"
    return [
        (
            f"{base}/EntityAssignments",
            {"POST": partial(create_entity, spec), "GET": partial(list_entities, spec)},
        ),
        (
            f"{base}/EntityAssignments/{{Sid}}",
            {"GET": partial(fetch_entity, spec), "DELETE": partial(delete_entity, spec)},
        ),
        (
            f"{base}/ChannelEndpointAssignments",
            {"POST": partial(create_channel, spec), "GET": partial(list_channels, spec)},
        ),
        (
            f"{base}/ChannelEndpointAssignments/{{Sid}}",
            {"GET": partial(fetch_channel, spec), "DELETE": partial(delete_channel, spec)},
        ),
    ]
