"""`trusthub plan`: what apply would do, and what it refuses."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from trusthub.app import continuity
from trusthub.app.loading import skipped_profile_files
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.policy import refusal
from trusthub.app.saved_plans import write_saved_plan
from trusthub.app.session import Session, gone_warnings, not_read_note
from trusthub.cli.context import AppContext
from trusthub.cli.options import (
    close_accounts,
    is_terminal,
    lock_timeout,
    no_refresh,
    output_format,
    resubmit,
    targets,
)
from trusthub.errors import ExitCode
from trusthub.report.plan_render import render_plan


@click.command("plan")
@output_format
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save the plan to FILE for `trusthub apply FILE`.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 with no changes, 4 with changes, 1 when anything is refused or invalid.",
)
@click.option(
    "--show-sensitive",
    is_flag=True,
    help="Show new values of personal data (text format only; never in json, markdown or "
    "saved plans).",
)
@click.option(
    "--force", is_flag=True, help="Plan even when the safety valve finds the change too large."
)
@resubmit
@close_accounts
@targets
@no_refresh
@lock_timeout
@click.pass_obj
def plan(
    app: AppContext,
    fmt: str,
    out: Path | None,
    detailed_exitcode: bool,
    show_sensitive: bool,
    force: bool,
    resubmit: tuple[str, ...],
    close_accounts: tuple[str, ...],
    targets: tuple[str, ...],
    no_refresh: bool,
    lock_timeout: float,
) -> None:
    """Show what `trusthub apply` would do: creates, updates, submissions, deletes, the
    status transitions to expect, trust-product eligibility, and what is refused."""
    if show_sensitive and fmt != "text":
        # Markdown and JSON plans are for sharing (a PR comment, an artefact): never with
        # personal data, and never silently without it either.
        raise click.UsageError(
            f"--show-sensitive shows personal data in the text format only, not in {fmt}: "
            "drop one of them"
        )
    settings = app.settings
    workspace = load_valid(settings)
    for problem in skipped_profile_files(workspace):  # else its profile would be deleted
        click.echo(str(problem), err=True)
    not_read = "--no-refresh" if no_refresh else ""
    with Session(settings) as session:
        reason = continuity.reconcile_reason(settings, session.store)
        lock = session.store.lock_info()
        if reason is not None and (lock is None or lock.stale):  # not an apply under way
            click.echo(continuity.warning(reason), err=True)
        refreshed = None if no_refresh else session.refresh(lock_timeout=lock_timeout)
        for warning in gone_warnings(refreshed) if refreshed is not None else ():
            click.echo(warning, err=True)
        if not no_refresh and refreshed is None:
            not_read = session.unreachable_reason or "the target cannot be reached"
            click.echo(f"note: planning from the recorded state ({not_read})", err=True)
        for drift in refreshed.drifted if refreshed is not None else ():
            click.echo(f"note: {drift.name} was changed on Trust Hub outside trusthub", err=True)
        if not_read:  # the plan says how old what it was planned from is
            not_read = not_read_note(session.store, not_read)
        planned = make_plan(
            settings,
            session.store,
            workspace,
            resubmit=resubmit,
            targets=targets,
            close_accounts=close_accounts,
        )
    text = render_plan(
        planned.plan,
        planned.key,
        planned.desired,
        fmt,
        show_sensitive=show_sensitive,
        colour=is_terminal(),
        not_read=not_read,
        full_plan=_workflow_run_url(),
    )
    click.echo(text, nl=False)
    if out is not None:
        write_saved_plan(
            out, planned, settings.name, resubmit=resubmit, close_accounts=close_accounts
        )
        click.echo(f"Saved the plan to {out}; apply it with `trusthub apply {out}`.", err=True)
    if refusal(planned.plan, force=force) is not None:
        # The plan already says what is refused or unsafe; the exit code fails the check.
        raise click.exceptions.Exit(ExitCode.PROBLEMS)
    if detailed_exitcode and planned.plan.has_changes:
        raise click.exceptions.Exit(ExitCode.CHANGES)


_SAFE_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]+)?/[A-Za-z0-9._/-]+")


def _workflow_run_url() -> str:
    """The page of the GitHub Actions run this plan is made in, where the generated
    workflow uploads the JSON plan as the `trusthub-plan` artefact ("" outside Actions).
    Only a plain https URL is used: it goes into a Markdown link."""
    parts = [os.environ.get(v, "") for v in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY")]
    run = os.environ.get("GITHUB_RUN_ID", "")
    if not all(parts) or not run.isdigit() or os.environ.get("GITHUB_ACTIONS") != "true":
        return ""
    url = f"{parts[0].rstrip('/')}/{parts[1]}/actions/runs/{run}"
    return url if _SAFE_URL.fullmatch(url) else ""
