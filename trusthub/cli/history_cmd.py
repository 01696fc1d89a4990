"""`trusthub history [NAME]`: the audit log of the workspace, of one profile (with what it
owns) or of one of its resources, oldest first."""

from __future__ import annotations

import json

import click

from trusthub.cli.completion_names import complete_profile_name
from trusthub.cli.context import AppContext
from trusthub.cli.options import text_or_json
from trusthub.common.characters import escape_invisible
from trusthub.errors import StateError


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
    what it owns) or one of its resources (`profile/product`). An update lists the fields
    it changed (personal data masked). JSON output (`{"format_version": 1, "events":
    [...]}`) includes each event's changes and detail."""
    # Here, not at the top: shell completion of NAME loads this module on every Tab.
    from trusthub.app.session import open_workspace_store
    from trusthub.report.history import history_data, render_table

    with open_workspace_store(app.settings) as store:
        events = store.audit(name, limit=limit)
    if not events and name is not None:
        raise StateError(
            f"no recorded history for {name!r}", hint="`trusthub state show` shows what is recorded"
        )
    if fmt == "json":
        # As the plan JSON: UTF-8 (the masks read `•••`), no raw bidi control.
        click.echo(escape_invisible(json.dumps(history_data(events), indent=2, ensure_ascii=False)))
    elif events:
        click.echo(render_table(events))
    else:
        click.echo("No recorded history yet: `trusthub apply` records every step.")
