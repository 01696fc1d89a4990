"""Policies, EndUserTypes and SupportingDocumentTypes: read-only, served from
`trusthub.sandbox.policies`. A type may be fetched by its OY SID or its machine name."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from trusthub.sandbox.entity_types import DOCUMENT_TYPES, END_USER_TYPES, EntityType
from trusthub.sandbox.policies import POLICIES, Policy, requirements_json
from trusthub.sandbox.protocol import Reply, Request, not_found
from trusthub.sandbox.resources.paging import list_static

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox


def render_policy(req: Request, policy: Policy) -> dict[str, Any]:
    return {
        "sid": policy.sid,
        "friendly_name": policy.label,
        "requirements": requirements_json(policy),
        "url": f"{req.origin}/v1/Policies/{policy.sid}",
    }


def render_type(segment: str, req: Request, kind: EntityType) -> dict[str, Any]:
    return {
        "sid": kind.sid,
        "friendly_name": kind.label,
        "machine_name": kind.machine_name,
        "fields": [
            {"machine_name": f.name, "friendly_name": f.label, "constraint": "String"}
            for f in kind.fields
        ],
        "url": f"{req.origin}/v1/{segment}/{kind.sid}",
    }


def list_policies(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    return list_static(req, key="results", items=[render_policy(req, p) for p in POLICIES])


def fetch_policy(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    for policy in POLICIES:
        if policy.sid == args["Sid"]:
            return Reply(200, render_policy(req, policy))
    raise not_found(req.path)


def list_types(
    segment: str,
    key: str,
    kinds: Sequence[EntityType],
    sb: Sandbox,
    req: Request,
    args: dict[str, str],
) -> Reply:
    return list_static(req, key=key, items=[render_type(segment, req, k) for k in kinds])


def fetch_type(
    segment: str, kinds: Sequence[EntityType], sb: Sandbox, req: Request, args: dict[str, str]
) -> Reply:
    for kind in kinds:
        if args["Sid"] in (kind.sid, kind.machine_name):
            return Reply(200, render_type(segment, req, kind))
    raise not_found(req.path)


def routes() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = [
        ("/v1/Policies", {"GET": list_policies}),
        ("/v1/Policies/{Sid}", {"GET": fetch_policy}),
    ]
    for segment, key, kinds in (
        ("EndUserTypes", "end_user_types", END_USER_TYPES),
        ("SupportingDocumentTypes", "supporting_document_types", DOCUMENT_TYPES),
    ):
        out.append((f"/v1/{segment}", {"GET": partial(list_types, segment, key, kinds)}))
        out.append((f"/v1/{segment}/{{Sid}}", {"GET": partial(fetch_type, segment, kinds)}))
    return out
