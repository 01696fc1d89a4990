"""`trusthub status`: every profile, its review status, and its trust products."""

from __future__ import annotations

import json
from typing import Any

import click

from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.cli.context import AppContext
from trusthub.model import mapping
from trusthub.model.desired import TRUST_PRODUCT


def _rows(app: AppContext, refresh: bool) -> list[dict[str, Any]]:
    settings = app.settings
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
            products.append(
                {
                    "product": e.product,
                    "status": status,
                    "eligibility": e.state.value,
                    "detail": e.detail,
                }
            )
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


def _products_cell(products: list[dict[str, Any]]) -> str:
    parts = []
    for p in products:
        label = mapping.TRUST_PRODUCT_LABELS[p["product"]]
        parts.append(f"{label}: {p['status'] or p['eligibility']}")
    return "; ".join(parts) or "-"


@click.command("status")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--refresh", is_flag=True, help="Read Trust Hub first.")
@click.pass_obj
def status(app: AppContext, fmt: str, refresh: bool) -> None:
    """A table of profiles: role, type, review status and since when, rejection reasons,
    and each trust product's status or eligibility."""
    rows = _rows(app, refresh)
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "profiles": rows}, indent=2, sort_keys=True))
        return
    table = [("PROFILE", "ROLE", "TYPE", "STATUS", "SINCE", "REJECTION", "TRUST PRODUCTS")]
    for r in rows:
        table.append(
            (
                r["profile"],
                r["role"],
                r["type"],
                r["status"] or "not created",
                (r["since"] or "-")[:10],
                "; ".join(r["rejection_reasons"]) or "-",
                _products_cell(r["trust_products"]),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        click.echo("  ".join([*cells, row[-1]]).rstrip())
