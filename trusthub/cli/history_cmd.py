"""`trusthub history NAME`: the audit log of one profile (with its trust products) or of
one trust product, oldest first."""

from __future__ import annotations

import dataclasses
import json

import click

from trusthub.app.session import open_workspace_store
from trusthub.cli.context import AppContext
from trusthub.cli.options import text_or_json
from trusthub.errors import StateError
from trusthub.model import twilio_codes
from trusthub.state.model import AuditEvent

_HEADER = ("ID", "TIME", "RESOURCE", "ACTION", "FROM", "TO", "ACTOR", "PLAN")


def _cells(e: AuditEvent) -> tuple[str, ...]:
    return (
        str(e.id),
        e.time,
        e.name,
        e.action,
        e.from_status or "-",
        e.to_status or "-",
        e.actor,
        (e.plan_checksum or "-")[:12],
    )


def render_table(events: list[AuditEvent]) -> str:
    """The events, one a line; under an event that recorded rejection reasons, each with
    Twilio's code, its meaning and what to fix."""
    rows = [_HEADER, *map(_cells, events)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        reasons = events[index - 1].detail.get("reasons") if index else None
        for reason in reasons or ():
            lines.append(f"    rejected: {twilio_codes.explain(str(reason))}")
    return "\n".join(lines)


@click.command()
@click.argument("name")
@text_or_json
@click.pass_obj
def history(app: AppContext, name: str, fmt: str) -> None:
    """The audit log of NAME: a profile (with its trust products) or a trust product
    (`profile/product`). JSON output includes each event's detail."""
    with open_workspace_store(app.settings) as store:
        events = store.audit(name)
    if not events:
        raise StateError(
            f"no recorded history for {name!r}", hint="`trusthub state show` shows what is recorded"
        )
    if fmt == "json":
        click.echo(json.dumps([dataclasses.asdict(e) for e in events], indent=2))
    else:
        click.echo(render_table(events))
