"""CustomerProfiles and TrustProducts ("bundles", SIDs BU...).

New bundles are `draft`. The only status a client may set is `pending-review`, from
`draft` or `twilio-rejected`; edits are refused with 70002 while a bundle is pending-review,
in-review or twilio-approved. DELETE works only on `draft` and `twilio-rejected` bundles
(UNCONFIRMED rule, answered with 70002 too).

Primary customer profiles are made only in the Console (`trusthub.sandbox.console` plays
it): as Twilio does, the API refuses a create with a primary policy and any status change
of a primary with 400 (`twilio_codes.PRIMARY_RESTRICTED`, whose number is UNCONFIRMED), and,
the stricter reading, any edit of a primary bundle's own fields. Its channel-endpoint
(phone number) assignments stay open to the API, as Twilio documents for direct customers.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from trusthub.model import twilio_codes
from trusthub.model.kinds import trust_product
from trusthub.sandbox import callbacks, review
from trusthub.sandbox.policies import POLICY_BY_SID, PRIMARY_BUSINESS, PRIMARY_INDIVIDUAL
from trusthub.sandbox.protocol import (
    STATUS_FORBIDS_CHANGE,
    ApiError,
    Reply,
    Request,
    bad_parameter,
)
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.common import BundleSpec
from trusthub.sandbox.resources.paging import filter_echo, list_stored
from trusthub.sandbox.sids import iso, new_sid
from trusthub.sandbox.store import Filter, Row

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

STATUSES = (review.DRAFT, review.PENDING, review.IN_REVIEW, review.REJECTED, review.APPROVED)
DELETABLE = frozenset({review.DRAFT, review.REJECTED})
PRIMARY_POLICIES = frozenset({PRIMARY_BUSINESS, PRIMARY_INDIVIDUAL})


def primary_restricted(message: str = twilio_codes.PRIMARY_RESTRICTED_MESSAGE) -> ApiError:
    """Twilio's answer to what only the Console may do to a primary customer profile."""
    return ApiError(400, twilio_codes.PRIMARY_RESTRICTED, message)


def is_primary(row: Row) -> bool:
    return row.kind == "customer_profile" and row.data["policy_sid"] in PRIMARY_POLICIES


def render(spec: BundleSpec, req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    url = f"{req.origin}/v1/{spec.segment}/{row.sid}"
    return {
        "sid": row.sid,
        "account_sid": d["account_sid"],
        "policy_sid": d["policy_sid"],
        "friendly_name": d["friendly_name"],
        "status": d["status"],
        "valid_until": iso(d.get("valid_until")),
        "email": d["email"],
        "status_callback": d.get("status_callback"),
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "url": url,
        "links": {
            f"{spec.links}_entity_assignments": f"{url}/EntityAssignments",
            f"{spec.links}_evaluations": f"{url}/Evaluations",
            f"{spec.links}_channel_endpoint_assignment": f"{url}/ChannelEndpointAssignments",
        },
        "errors": d.get("errors"),
    }


def create(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    name = common.friendly_name(req.require("FriendlyName"))
    email = common.email(req.require("Email"))
    policy_sid = req.require("PolicySid")
    if spec.kind == "customer_profile" and policy_sid in PRIMARY_POLICIES:
        raise primary_restricted()
    policy = POLICY_BY_SID.get(policy_sid)
    if policy is None or policy.kind != spec.kind:
        raise bad_parameter("PolicySid", f"{policy_sid} is not a {spec.label} policy")
    status_callback = common.callback_url(req.get("StatusCallback"))
    now = sb.clock()
    data = {
        "account_sid": req.account_sid,
        "policy_sid": policy_sid,
        "friendly_name": name,
        "status": review.DRAFT,
        "email": email,
        "status_callback": status_callback,
        "valid_until": None,
        "errors": None,
        "date_created": now,
        "date_updated": now,
    }
    with sb.store.write() as tx:
        row = tx.insert(spec.kind, new_sid("BU"), None, data)
    return Reply(201, render(spec, req, row))


def fetch(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    sb.settle()
    with sb.store.read() as tx:
        row = common.load_bundle(tx, spec, args["Sid"], req)
    return Reply(200, render(spec, req, row))


def listing(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    status = req.get("Status")
    if status and status not in STATUSES:
        raise bad_parameter("Status", f"must be one of {', '.join(STATUSES)}")
    echo = filter_echo(req, ("Status", "FriendlyName", "PolicySid"))
    fields = {"Status": "status", "FriendlyName": "friendly_name", "PolicySid": "policy_sid"}
    sb.settle()
    return list_stored(
        sb.store,
        req,
        kind=spec.kind,
        key="results",
        render=partial(render, spec, req),
        where=[Filter(fields[k], v) for k, v in echo.items()],
        echo=echo,
    )


def update(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    status = req.get("Status")
    with sb.store.read() as tx:
        current = common.load_bundle(tx, spec, args["Sid"], req)
    if is_primary(current):
        if status == review.PENDING and current.data["status"] == review.APPROVED:
            raise primary_restricted(twilio_codes.PRIMARY_STATUS_UPDATE_MESSAGE)
        raise primary_restricted()
    if status is not None and status != review.PENDING:
        raise bad_parameter("Status", "the only status a client may set is pending-review")
    changes: dict[str, Any] = {}
    if req.has("FriendlyName"):
        changes["friendly_name"] = common.friendly_name(req.require("FriendlyName"))
    if req.has("Email"):
        changes["email"] = common.email(req.require("Email"))
    if req.has("StatusCallback"):
        changes["status_callback"] = common.callback_url(req.get("StatusCallback"))
    now = sb.clock()
    pending: list[int] = []
    with sb.store.write() as tx:
        row = common.load_bundle(tx, spec, args["Sid"], req)
        common.ensure_editable(row)
        row.data.update(changes, date_updated=now)
        if status is None:
            tx.save(row)
        else:
            pending = review.submit(sb.reviewing, tx, row, now)
    callbacks.deliver(sb.store, pending)
    return Reply(200, render(spec, req, row))


def delete(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.write() as tx:
        row = common.load_bundle(tx, spec, args["Sid"], req)
        status = row.data["status"]
        # A product Twilio lets a client delete once approved (CNAM): the model's rule.
        product = trust_product.product_of("", row.data.get("policy_sid"))
        allowed = status in DELETABLE or (
            spec is common.PRODUCTS and trust_product.can_delete(product, status)
        )
        if not allowed:
            raise ApiError(
                400,
                STATUS_FORBIDS_CHANGE,
                f"{spec.label} {row.sid} cannot be deleted while it is {status}: only draft "
                "or twilio-rejected bundles can be deleted (and approved CNAM trust products)",
            )
        common.release(tx, row.sid, f"{spec.label} {row.sid}")
        for kind in ("entity_assignment", "channel_assignment", "evaluation"):
            for child in tx.find(kind, parent=row.sid):
                tx.delete(child.sid)
        tx.drop_review(row.sid)
        tx.delete(row.sid)
    return Reply(204)


def routes(spec: BundleSpec) -> list[tuple[str, dict[str, Any]]]:
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
