"""Build plan scenarios: the example workspace, edited, against a recorded state made as
if an earlier apply had recorded it with chosen statuses."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.example import example_documents
from trusthub.config.settings_file import load_settings
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import desired_resources
from trusthub.model.kinds.subaccount import account_resources
from trusthub.model.privacy import fingerprint_key
from trusthub.plan.engine import (
    PlanOptions,
    compute_plan,
    desired_hashes,
    sids_needed,
    specs_needed,
)
from trusthub.plan.model import Plan

REPO = Path(__file__).resolve().parents[2]
LINEAGE = "7f1c2d3e-0000-4000-8000-000000000001"
KEY = fingerprint_key(LINEAGE)


@dataclass
class Rec:
    kind: str
    name: str
    status: str | None
    spec_hash: str | None
    rejection_reasons: tuple[str, ...] = ()
    status_since: str | None = "2026-11-20T10:00:00Z"
    valid_until: str | None = None
    account: str = "parent"


def example_profiles() -> dict[str, dict[str, Any]]:
    return example_documents()  # as trusthub reads them: with the example's defaults


def desired_of(profiles: Mapping[str, Mapping[str, Any]]) -> dict[str, DesiredResource]:
    """What the profiles ask for, after the subaccounts of the example's trusthub.yaml that
    they name (as `trusthub.app.planning.workspace_desired` puts them first)."""
    named = {data.get("account") for data in profiles.values()}
    accounts = load_settings(REPO, environ={}).accounts
    desired = {
        d.name: d
        for d in account_resources(
            (a.name, a.sid, a.friendly_name) for a in accounts if a.name in named
        )
    }
    desired.update(
        desired_resources(
            (name, data, f"profiles/{name}.yaml") for name, data in sorted(profiles.items())
        )
    )
    return desired


@dataclass
class Recorded:
    records: dict[str, Rec]
    bodies: dict[str, dict[str, Any]]


def recorded_from(
    profiles: Mapping[str, Mapping[str, Any]], statuses: Mapping[str, str]
) -> Recorded:
    """State as if `profiles` had been applied; `statuses` names each recorded resource's
    status (resources not named are not recorded)."""
    desired = desired_of(profiles)
    records, bodies = {}, {}
    for name, status in statuses.items():
        d = desired[name]
        records[name] = Rec(d.kind, name, status, d.spec_hash(KEY))
        bodies[name] = d.sealed(KEY).to_data()
    return Recorded(records, bodies)


def plan_for(
    profiles: Mapping[str, Mapping[str, Any]],
    recorded: Recorded,
    serial: int = 3,
    *,
    recorded_sids: Mapping[str, str] | None = None,
) -> tuple[Plan, dict[str, DesiredResource]]:
    desired = desired_of(profiles)
    hashes = desired_hashes(desired, KEY)
    needed = specs_needed(hashes, recorded.records)
    bodies = {n: recorded.bodies[n] for n in needed}
    # A recorded primary was adopted by the SID its file names.
    sids = {n: str(desired[n].attributes["sid"]) for n in sids_needed(desired, recorded.records)}
    sids.update(recorded_sids or {})
    plan = compute_plan(
        desired,
        recorded.records,
        bodies,
        key=KEY,
        lineage=LINEAGE,
        serial=serial,
        hashes=hashes,
        recorded_sids=sids,
        options=PlanOptions(now="2026-12-01T12:00:00Z"),
    )
    return plan, desired


def edited(profiles: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return copy.deepcopy(dict(profiles))  # type: ignore[arg-type]
