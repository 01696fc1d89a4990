"""`trusthub status`: every profile, its review status, its trust products and its toll-free
verifications."""

from __future__ import annotations

import json
from typing import Any

import click

from trusthub.app.status import profile_statuses
from trusthub.cli.context import AppContext
from trusthub.model import mapping, twilio_codes
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.model.kinds import tollfree_verification as tollfree


def _products_cell(products: list[dict[str, Any]]) -> str:
    parts = []
    for p in products:
        label = mapping.TRUST_PRODUCT_LABELS[p["product"]]
        text = f"{label}: {p['status'] or p['eligibility']}"
        if "brand" in p:  # the A2P 10DLC brand registered for it
            if p["status"] and p["eligibility"] != p["status"]:
                text += f" ({p['eligibility']})"  # granted only once a campaign is VERIFIED
            b = p["brand"]
            text += f", brand {b['status'] or 'not created'}"
            if b.get("identity_awaited"):
                # A sole proprietor's OTP or a public company's Authentication+ (2FA).
                by = f" by {b['identity_deadline']}" if b.get("identity_deadline") else ""
                text += f" ({b['identity_step']} awaited{by}, identity {b['identity_status']})"
            elif b.get("identity_failed"):
                text += (
                    f" ({b['identity_step']} FAILED, identity {b['identity_status']}: change "
                    "brand_contact_email and apply for a new check)"
                )
            elif b.get("identity_step") and b["status"] == "APPROVED":
                text += f" ({b['identity_step']} confirmed, identity {b['identity_status']})"
            if b["errors"]:
                text += f" ({'; '.join(b['errors'])})"
            if b.get("vetting"):  # an imported vetting (a political brand's token)
                v = b["vetting"]
                text += f", vetting {v['provider']} {v['status'] or 'not imported'}"
            for c in p.get("campaigns", []):
                short = c["resource"].partition("/")[2].removeprefix("a2p-campaign-")
                text += f", campaign {short} {c['status'] or 'not created'}"
                if c["errors"]:
                    text += f" ({'; '.join(c['errors'])})"
        parts.append(text)
    return "; ".join(parts) or "-"


def _tollfree_cell(verifications: list[dict[str, Any]]) -> str:
    parts = []
    for v in verifications:
        text = f"{v['resource'].partition('/')[2]}: {v['status'] or 'not created'}"
        if v["status"] == tollfree.REJECTED:
            closes, closed = v["edit_window_closes"], v.get("edit_window_closed")
            if closes:
                text += f", edit window closes {closes}"
            else:
                text += ", edit window closed" + (f" {closed}" if closed else "")
                text += ": plan deletes and resubmits it (back of the queue)"
            if v["rejection_reasons"]:
                text += f" ({'; '.join(map(twilio_codes.explain, v['rejection_reasons']))})"
        parts.append(text)
    return "; ".join(parts) or "-"


@click.command("status")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--refresh", is_flag=True, help="Read Trust Hub first.")
@click.pass_obj
def status(app: AppContext, fmt: str, refresh: bool) -> None:
    """A table of profiles: role, type, review status and since when, rejection reasons,
    each trust product's status or eligibility, and each toll-free verification's status
    (with the day its edit window closes, when rejected). Works while files are broken:
    such a profile shows what the state recorded; the ACCOUNT column appears when profiles
    live in subaccounts. JSON (version 1) adds each profile's `sids` (resource -> object ->
    SID), `account` and `file_problems`."""
    rows = profile_statuses(app.settings, refresh=refresh)
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "profiles": rows}, indent=2, sort_keys=True))
        return
    # The ACCOUNT column only where profiles live in subaccounts (issue 14).
    accounts = any(r["account"] != PARENT_ACCOUNT for r in rows)
    table = [
        (
            *("PROFILE", "ROLE", "TYPE"),
            *(["ACCOUNT"] if accounts else []),
            *("STATUS", "SINCE", "REJECTION", "TRUST PRODUCTS", "TOLL-FREE"),
        )
    ]
    for r in rows:
        table.append(
            (
                r["profile"] + (" *" if r["file_problems"] else ""),
                r["role"],
                r["type"],
                *([r["account"]] if accounts else []),
                r["status"] or "not created",
                (r["since"] or "-")[:10],
                "; ".join(map(twilio_codes.explain, r["rejection_reasons"])) or "-",
                _products_cell(r["trust_products"]),
                _tollfree_cell(r["tollfree_verifications"]),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        click.echo("  ".join([*cells, row[-1]]).rstrip())
    broken = [r["profile"] for r in rows if r["file_problems"]]
    if broken:
        click.echo(
            f"* its file has problems ({', '.join(broken)}): the row shows what the state "
            "recorded; `trusthub validate` lists the problems.",
            err=True,
        )
