"""`trusthub status`: every profile with its review status, and each trust product it asks
for with its recorded status or its eligibility (what the plan says), as plain data."""

from __future__ import annotations

from typing import Any

from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.config.settings import Settings
from trusthub.model.kinds import A2P_BRAND, TRUST_PRODUCT
from trusthub.model.kinds import a2p_brand as brand


def profile_statuses(settings: Settings, *, refresh: bool) -> list[dict[str, Any]]:
    """One row per profile (the `profiles` of `status --format json`). With `refresh`, Trust
    Hub is read first when it can be reached."""
    workspace = load_valid(settings)
    with Session(settings) as session:
        if refresh:
            session.refresh()
        planned = make_plan(settings, session.store, workspace)
        recorded = session.store.snapshot().by_name()
    rows = []
    for p in planned.plan.profiles:
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
                }
            products.append(row)
        rows.append(
            {
                "profile": p.name,
                "role": p.role,
                "type": p.type,
                "status": p.status,
                "since": p.status_since,
                "rejection_reasons": list(p.rejection_reasons),
                "trust_products": products,
            }
        )
    return rows
