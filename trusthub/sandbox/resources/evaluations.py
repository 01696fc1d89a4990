"""Evaluations (EL...): run on POST against the given policy, kept for GET. Free and
non-mutating for the bundle, allowed in any status."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from trusthub.sandbox.evaluation import evaluate
from trusthub.sandbox.policies import POLICY_BY_SID
from trusthub.sandbox.protocol import Reply, Request, bad_parameter, not_found
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.common import BundleSpec
from trusthub.sandbox.resources.paging import list_stored
from trusthub.sandbox.sids import iso, new_sid
from trusthub.sandbox.store import Row

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

KIND = "evaluation"


def render(spec: BundleSpec, req: Request, row: Row) -> dict[str, Any]:
    d = row.data
    return {
        "sid": row.sid,
        "account_sid": d["account_sid"],
        "policy_sid": d["policy_sid"],
        spec.sid_field: row.parent,
        "status": d["status"],
        "results": d["results"],
        "date_created": iso(d["date_created"]),
        "url": f"{req.origin}/v1/{spec.segment}/{row.parent}/Evaluations/{row.sid}",
    }


def create(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    policy_sid = req.require("PolicySid")
    policy = POLICY_BY_SID.get(policy_sid)
    if policy is None or policy.kind != spec.kind:
        raise bad_parameter("PolicySid", f"{policy_sid} is not a {spec.label} policy")
    with sb.store.write() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        status, results = evaluate(tx, bundle, policy)
        data = {
            "account_sid": req.account_sid,
            "policy_sid": policy_sid,
            "status": status,
            "results": results,
            "date_created": sb.clock(),
        }
        row = tx.insert(KIND, new_sid("EL"), bundle.sid, data)
    return Reply(201, render(spec, req, row))


def listing(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        common.load_bundle(tx, spec, args["Bundle"], req)
    return list_stored(
        sb.store,
        req,
        kind=KIND,
        key="results",
        parent=args["Bundle"],
        render=partial(render, spec, req),
    )


def fetch(spec: BundleSpec, sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    with sb.store.read() as tx:
        bundle = common.load_bundle(tx, spec, args["Bundle"], req)
        row = tx.get(args["Sid"], KIND)
    if row is None or row.parent != bundle.sid:
        raise not_found(req.path)
    return Reply(200, render(spec, req, row))


def routes(spec: BundleSpec) -> list[tuple[str, dict[str, Any]]]:
    base = f"/v1/{spec.segment}/{{Bundle}}/Evaluations"
    return [
        (base, {"POST": partial(create, spec), "GET": partial(listing, spec)}),
        (f"{base}/{{Sid}}", {"GET": partial(fetch, spec)}),
    ]
