"""`trusthub refresh`: record what Trust Hub says now."""

from __future__ import annotations

import json
from typing import Final

import click

from trusthub.app.session import Session, gone_warnings
from trusthub.cli.context import AppContext
from trusthub.cli.options import lock_timeout, text_or_json
from trusthub.errors import ConfigError

# The `refresh --format json` document's version: bumped on any incompatible change.
FORMAT_VERSION: Final = 1


@click.command("refresh")
@lock_timeout
@text_or_json
@click.option(
    "--full",
    is_flag=True,
    help="Read every profile whole, not only what moved since the last refresh (done on its "
    "own once a day).",
)
@click.pass_obj
def refresh(app: AppContext, lock_timeout: float, fmt: str, full: bool) -> None:
    """Read statuses, rejection reasons and valid_until of every recorded bundle from Trust
    Hub into the state, with an audit entry for each transition; and read each managed
    profile whole where something of it moved since the last refresh (every profile with
    --full, and once a day): what was changed outside trusthub (drift) becomes the recorded
    body, so the plan shows it field by field. Each account is read through its list
    endpoints, a thousand objects a request. JSON: `{"format_version": 1, "read", "changed":
    [{"resource", "from", "to"}], "gone": [resource...], "drifted": [{"resource", "fields",
    "numbers"}]}`, plus `"unavailable": [{"account", "why"}]` when a subaccount could not
    be read (suspended or closed)."""
    with Session(app.settings) as session:
        result = session.refresh(lock_timeout=lock_timeout, full=full)
        if result is None:
            raise ConfigError(f"cannot refresh: {session.unreachable_reason}")
    if fmt == "json":
        document = {
            "format_version": FORMAT_VERSION,
            "read": result.read,
            "changed": [
                {"resource": name, "from": before, "to": after}
                for name, before, after in result.changed
            ],
            "gone": list(result.missing),
            "drifted": [
                {"resource": d.name, "fields": list(d.paths), "numbers": bool(d.numbers)}
                for d in result.drifted
            ],
        }
        if result.unavailable:  # only with subaccounts: single-account output reads as before
            document["unavailable"] = [
                {"account": account, "why": why} for account, why in result.unavailable
            ]
        click.echo(json.dumps(document, indent=2))
        return
    for name, before, after in result.changed:
        click.echo(f"{name}: {before or '(none)'} -> {after}")
    for warning in gone_warnings(result):
        click.echo(warning, err=True)
    for account, why in result.unavailable:
        click.echo(
            f"warning: account {account} was not read: {why}; its resources keep their "
            "recorded statuses",
            err=True,
        )
    for drift in result.drifted:
        fields = [*drift.paths, *(["phone numbers"] if drift.numbers else [])]
        click.echo(
            f"{drift.name}: changed on Trust Hub outside trusthub ({', '.join(fields)}); "
            "`trusthub plan` shows each field, Trust Hub's value -> the file's"
        )
    summary = f"Refreshed {result.read} bundle(s); {len(result.changed)} changed status"
    if result.drifted:
        summary += f"; {len(result.drifted)} changed outside trusthub"
    click.echo(summary + ".")
