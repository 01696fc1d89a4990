"""`trusthub import`: profile files and recorded state from what the target already holds."""

from __future__ import annotations

import click

from trusthub.app.importing import ImportResult, run_import
from trusthub.app.session import Session
from trusthub.cli.context import AppContext
from trusthub.cli.options import lock_timeout
from trusthub.cli.schema_files import write_schema_files
from trusthub.errors import ConfigError


@click.command("import")
@click.argument("name", required=False)
@click.argument("sid", required=False)
@click.option("--all", "all_", is_flag=True, help="Import every customer profile not managed yet.")
@click.option(
    "--update",
    "update",
    metavar="NAME",
    help="Write Trust Hub's values into the file of the managed profile NAME (after drift).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be written (personal data masked).")
@click.option("--force", is_flag=True, help="Overwrite profile files that exist.")
@click.option(
    "--account",
    "account",
    metavar="NAME",
    default="parent",
    show_default=True,
    help="With NAME SID: the account (under `accounts:` in trusthub.yaml) the profile is in. "
    "--all walks the parent and every declared subaccount.",
)
@lock_timeout
@click.pass_obj
def import_(
    app: AppContext,
    name: str | None,
    sid: str | None,
    all_: bool,
    update: str | None,
    dry_run: bool,
    force: bool,
    account: str,
    lock_timeout: float,
) -> None:
    """Read customer profiles (with their end users, address, supporting document, phone
    numbers and trust products) from the target and write one profile file each into the
    profiles directory, recording them in the state as apply would: `validate` passes and
    the next plan is empty. `import --all`, `import NAME BU...` for one, `import --update
    NAME` to take Trust Hub's values for a managed profile. `--all` walks the parent and
    every subaccount declared under `accounts:` in trusthub.yaml (a profile found in one gets
    its `account:`) and names the parent's subaccounts that are not declared."""
    chosen = sum([all_, update is not None, name is not None])
    if chosen != 1 or (name is not None and sid is None) or (sid is not None and name is None):
        raise click.UsageError("give exactly one of --all, NAME SID, or --update NAME")
    with Session(app.settings) as session:
        if session.reachable_target() is None:
            raise ConfigError(f"cannot import: {session.unreachable_reason}")
        result = run_import(
            session,
            all_=all_,
            name=name,
            sid=sid,
            update=update,
            dry_run=dry_run,
            force=force,
            lock_timeout=lock_timeout,
            account=account,
        )
    _report(result)
    if result.files and not dry_run:
        for written in write_schema_files(app.settings.root):  # what their first lines name
            click.echo(f"Wrote {written} (for editors: each profile file's first line names it).")


def _report(result: ImportResult) -> None:
    for note in result.skipped:
        click.echo(f"skipped {note}")
    unmapped = 0
    products = 0
    for f in result.files:
        verb = "would write" if result.dry_run else ("overwrote" if f.overwrote else "wrote")
        extra = f" with {', '.join(f.products)}" if f.products else ""
        click.echo(
            f"{verb} {f.path}: {f.name}, {f.role} {f.type} profile {f.sid}, {f.status}{extra}"
        )
        products += len(f.products)
        for u in f.unmapped:
            unmapped += 1
            # The value itself is in the file only: it may be personal data.
            click.echo(f"  ! {u.dotted}: {u.why} (see the comment in the file)")
        if result.dry_run:
            click.echo("")
            click.echo(f.masked)
    summary = (
        f"{'Would import' if result.dry_run else 'Imported'} {len(result.files)} profile(s) "
        f"and {products} trust product(s)"
    )
    if unmapped:
        summary += f"; {unmapped} value(s) could not be mapped (comments in the files)"
    click.echo(summary + ".")
