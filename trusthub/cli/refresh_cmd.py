"""`trusthub refresh`: record what Trust Hub says now."""

from __future__ import annotations

import click

from trusthub.app.session import Session, gone_warnings
from trusthub.cli.context import AppContext
from trusthub.cli.options import lock_timeout
from trusthub.errors import ConfigError


@click.command("refresh")
@lock_timeout
@click.pass_obj
def refresh(app: AppContext, lock_timeout: float) -> None:
    """Read statuses, rejection reasons and valid_until of every recorded bundle from Trust
    Hub into the state, with an audit entry for each transition; and read each managed
    profile whole: what was changed outside trusthub (drift) becomes the recorded body, so
    the plan shows it field by field."""
    with Session(app.settings) as session:
        result = session.refresh(lock_timeout=lock_timeout)
        if result is None:
            raise ConfigError(f"cannot refresh: {session.unreachable_reason}")
    for name, before, after in result.changed:
        click.echo(f"{name}: {before or '(none)'} -> {after}")
    for warning in gone_warnings(result):
        click.echo(warning, err=True)
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
