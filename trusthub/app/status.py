"""`trusthub status`: every profile with its review status, each trust product it asks for
with its recorded status or its eligibility (what the plan says), and its toll-free
verifications with their status and, while a rejected one may still be edited, the day the
edit window closes, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trusthub.app import policy
from trusthub.app.loading import load_workspace
from trusthub.app.planning import make_plan
from trusthub.app.session import Session
from trusthub.config.settings import Settings
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import (
    A2P_BRAND,
    A2P_BRAND_VETTING,
    A2P_CAMPAIGN,
    TOLLFREE_VERIFICATION,
    TRUST_PRODUCT,
)
from trusthub.model.kinds import a2p_brand as brand
from trusthub.model.kinds import a2p_brand_vetting as brand_vetting
from trusthub.model.kinds import a2p_campaign as campaign
from trusthub.model.kinds import tollfree_verification as tollfree
from trusthub.state.model import RecordedResource


def tollfree_verifications(
    profile: str,
    desired: Mapping[str, DesiredResource],
    recorded: Mapping[str, RecordedResource],
    now: str,
) -> list[dict[str, Any]]:
    """The toll-free verifications of `profile`, declared or recorded, by name. A rejected
    one has `edit_window_closes` (the day, from the last refresh) while Twilio still accepts
    edits by the clock `now`, and None once the window has closed (the plan then deletes and
    resubmits it); `edit_window_closed` is the day it closed when the recorded end has
    passed by `now`."""
    names = {
        name
        for name, d in desired.items()
        if d.kind == TOLLFREE_VERIFICATION and d.profile == profile
    } | {
        name
        for name, r in recorded.items()
        if r.kind == TOLLFREE_VERIFICATION and name.partition("/")[0] == profile
    }
    rows = []
    for name in sorted(names):
        r = recorded.get(name)
        status = r.status if r is not None and r.kind == TOLLFREE_VERIFICATION else None
        rejected = r is not None and status == tollfree.REJECTED
        rows.append(
            {
                "resource": name,
                "declared": name in desired,
                "status": status,
                "since": r.status_since if r is not None else None,
                "rejection_reasons": list(r.rejection_reasons)
                if r is not None and rejected
                else [],
                "edit_window_closes": (
                    tollfree.edit_window_closes(r.valid_until, now)
                    if r is not None and rejected
                    else None
                ),
                "edit_window_closed": (
                    tollfree.edit_window_closed(r.valid_until, now)
                    if r is not None and rejected
                    else None
                ),
            }
        )
    return rows


def campaigns(
    profile: str,
    desired: Mapping[str, DesiredResource],
    recorded: Mapping[str, RecordedResource],
) -> list[dict[str, Any]]:
    """The A2P campaigns of `profile`, declared or recorded: status, TCR id, use case and
    errors with their codes' meanings."""
    names = {n for n, d in desired.items() if d.kind == A2P_CAMPAIGN and d.profile == profile}
    names |= {
        n for n, r in recorded.items() if r.kind == A2P_CAMPAIGN and n.partition("/")[0] == profile
    }
    rows = []
    for name in sorted(names):
        r = recorded.get(name)
        d = desired.get(name)
        detail = (r.evaluation or {}) if r is not None else {}
        rows.append(
            {
                "resource": name,
                "declared": d is not None,
                "use_case": d.attributes["use_case"] if d is not None else detail.get("use_case"),
                "status": r.status if r is not None else None,
                "since": r.status_since if r is not None else None,
                "campaign_id": detail.get("campaign_id"),
                "errors": [campaign.explain_error(e) for e in (r.rejection_reasons if r else ())]
                if r is not None and r.status == campaign.FAILED
                else [],
            }
        )
    return rows


def identity(
    profile: str,
    desired: Mapping[str, DesiredResource],
    b: RecordedResource | None,
    detail: Mapping[str, Any],
) -> dict[str, Any]:
    """The brand's identity step (a sole proprietor's OTP, a public company's
    Authentication+), whether it is still awaited, and by when (its window from the
    approval, as the state recorded it)."""
    d = desired.get(brand.brand_name(profile))
    product = desired.get(f"{profile}/{brand.PRODUCT}")
    step = brand.identity_step(
        d.attributes.get("brand_type") if d is not None else None,
        product.attributes.get("company_type") if product is not None else None,
    )
    failed = b is not None and brand.authentication_failed(
        b.status, detail.get("identity_status"), detail.get("errors")
    )
    awaited = (
        not failed
        and b is not None
        and b.status == brand.APPROVED
        and brand.identity_pending(step, detail.get("identity_status"))
    )
    deadline = None
    if awaited and step is not None and b is not None and b.status_since:
        deadline = policy.iso_after(b.status_since, brand.IDENTITY_WINDOW_SECONDS[step])
    return {
        "identity_step": step,
        "identity_awaited": awaited,
        "identity_failed": failed,
        "identity_deadline": deadline,
    }


def vetting(profile: str, recorded: Mapping[str, RecordedResource]) -> dict[str, Any] | None:
    """The brand's imported vetting (a Campaign Verify token), as the state recorded it."""
    v = recorded.get(brand_vetting.vetting_name(profile))
    if v is None or v.kind != A2P_BRAND_VETTING:
        return None
    detail = v.evaluation or {}
    return {
        "resource": v.name,
        "status": v.status,
        "since": v.status_since,
        "provider": detail.get("provider") or brand_vetting.CAMPAIGN_VERIFY,
        "vetting_class": detail.get("vetting_class"),
    }


def profile_statuses(settings: Settings, *, refresh: bool) -> list[dict[str, Any]]:
    """One row per profile (the `profiles` of `status --format json`). With `refresh`, Trust
    Hub is read first when it can be reached.

    Works while files are broken: the valid profiles are planned as usual; a profile whose
    file is broken (or gone) shows what the state recorded, with `file_problems: true` and
    no eligibility (that depends on the file), rather than what a plan would do to it."""
    workspace = load_workspace(settings)
    now = policy.utc_now()
    with Session(settings) as session:
        if refresh:
            session.refresh()
        planned = make_plan(settings, session.store, workspace, now=now)
        recorded = session.store.snapshot().by_name()
        sids = {n: session.store.sids(r.kind, n) for n, r in recorded.items() if r.status}
    rows = []
    for p in planned.plan.profiles:
        if p.name not in workspace.profiles:
            broken = p.name in workspace.broken
            rows.append(_recorded_only(p, recorded, planned.desired, broken, now))
            rows[-1]["sids"] = _sids(p.name, sids)
            continue
        products = []
        for e in planned.plan.eligibility:
            if e.profile != p.name:
                continue
            r = recorded.get(f"{p.name}/{e.product}")
            status = r.status if r is not None and r.kind == TRUST_PRODUCT else None
            row: dict[str, Any] = {
                "product": e.product,
                "status": status,
                "eligibility": e.state.value,
                "detail": e.detail,
            }
            b = recorded.get(brand.brand_name(p.name))
            if e.product == brand.PRODUCT and (
                brand.brand_name(p.name) in planned.desired or b is not None
            ):
                detail = (b.evaluation or {}) if b is not None and b.kind == A2P_BRAND else {}
                row["brand"] = {
                    "status": b.status if b is not None else None,
                    "tcr_id": detail.get("tcr_id"),
                    "identity_status": detail.get("identity_status"),
                    "errors": list(b.rejection_reasons) if b is not None else [],
                    "resubmissions": detail.get("resubmissions", 0),
                    **identity(p.name, planned.desired, b, detail),
                    "vetting": vetting(p.name, recorded),
                }
                row["campaigns"] = campaigns(p.name, planned.desired, recorded)
            products.append(row)
        rows.append(
            {
                "profile": p.name,
                "role": p.role,
                "type": p.type,
                "account": p.account,
                "status": p.status,
                "since": p.status_since,
                "rejection_reasons": list(p.rejection_reasons),
                "trust_products": products,
                "tollfree_verifications": tollfree_verifications(
                    p.name, planned.desired, recorded, now
                ),
                "file_problems": False,
                "sids": _sids(p.name, sids),
            }
        )
    return rows


def _sids(profile: str, sids: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The SIDs of the Trust Hub objects behind a profile and what it owns: resource name ->
    object role (bundle, end user, address, ...) -> SID."""
    return {
        name: dict(sorted(by_role.items()))
        for name, by_role in sorted(sids.items())
        if by_role and name.partition("/")[0] == profile
    }


def _recorded_only(
    p: Any,
    recorded: Mapping[str, RecordedResource],
    desired: Mapping[str, DesiredResource],
    broken: bool,
    now: str,
) -> dict[str, Any]:
    """The row of a profile without a valid file: only what the state recorded."""
    products = [
        {
            "product": name.partition("/")[2],
            "status": r.status,
            "eligibility": None,
            "detail": "its file has problems" if broken else "its file is gone",
        }
        for name, r in sorted(recorded.items())
        if r.kind == TRUST_PRODUCT and name.partition("/")[0] == p.name
    ]
    return {
        "profile": p.name,
        "role": p.role,
        "type": p.type,
        "account": p.account,
        "status": p.status,
        "since": p.status_since,
        "rejection_reasons": list(p.rejection_reasons),
        "trust_products": products,
        "tollfree_verifications": tollfree_verifications(p.name, desired, recorded, now),
        "file_problems": broken,
    }
