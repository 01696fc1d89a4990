"""`trusthub history [NAME]`: the audit log of the workspace, of one profile (with what it
owns) or of one of its resources, oldest first."""

from __future__ import annotations

import dataclasses
import json

import click

from trusthub.cli.completion_names import complete_profile_name
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
@click.argument("name", required=False, shell_complete=complete_profile_name)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Only the last N events (oldest of them first).",
)
@text_or_json
@click.pass_obj
def history(app: AppContext, name: str | None, limit: int | None, fmt: str) -> None:
    """The audit log, oldest first: of the whole workspace, or of NAME, a profile (with
    what it owns) or one of its resources (`profile/product`). JSON output includes each
    event's detail."""
    # Here, not at the top: shell completion of NAME loads this module on every Tab.
    from trusthub.app.session import open_workspace_store

    with open_workspace_store(app.settings) as store:
        events = store.audit(name, limit=limit)
    if not events and name is not None:
        raise StateError(
            f"no recorded history for {name!r}", hint="`trusthub state show` shows what is recorded"
        )
    if fmt == "json":
        click.echo(json.dumps([dataclasses.asdict(e) for e in events], indent=2))
    elif events:
        click.echo(render_table(events))
    else:
        click.echo("No recorded history yet: `trusthub apply` records every step.")
