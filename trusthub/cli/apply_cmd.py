"""`trusthub apply`: carry a plan out against Trust Hub, recording every step."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import click

from trusthub.app import continuity
from trusthub.app.applying import apply_plan, plan_to_apply
from trusthub.app.continuity import reconcile_reason
from trusthub.app.loading import skipped_profile_files
from trusthub.app.planning import Planned, load_valid
from trusthub.app.policy import refusal
from trusthub.app.saved_plans import read_saved_plan
from trusthub.app.session import Session, gone_warnings
from trusthub.cli.context import AppContext
from trusthub.cli.interrupts import stop_on_signal
from trusthub.cli.options import is_terminal, lock_timeout, no_refresh
from trusthub.errors import ApplyError, ApplyInterrupted, PlanError
from trusthub.plan.model import Action, Verb
from trusthub.report.plan_render import render_plan
from trusthub.state.actor import current_holder


@click.command("apply")
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option(
    "--parallelism",
    type=click.IntRange(1, 100),
    default=None,
    help="Requests in flight at once (default: trusthub.yaml parallelism, else 10).",
)
@click.option(
    "--force", is_flag=True, help="Apply even when the safety valve finds the change too large."
)
@click.option(
    "--reconcile",
    is_flag=True,
    help="Look on Trust Hub before each create and adopt what trusthub made there (done "
    "on its own when the state is found lost, rewound or restored from an older backup).",
)
@no_refresh
@lock_timeout
@click.pass_obj
def apply(
    app: AppContext,
    planfile: Path | None,
    auto_approve: bool,
    parallelism: int | None,
    force: bool,
    reconcile: bool,
    no_refresh: bool,
    lock_timeout: float,
) -> None:
    """Carry out the plan against Trust Hub (the sandbox unless trusthub.yaml says
    `target: twilio`). With PLANFILE, apply exactly that saved plan or refuse if it is
    stale."""
    settings = app.settings
    saved = read_saved_plan(planfile) if planfile else None
    workspace = load_valid(settings)
    for problem in skipped_profile_files(workspace):  # else its profile would be deleted
        click.echo(str(problem), err=True)
    with (
        Session(settings) as session,
        session.store.lock(current_holder("apply"), timeout=lock_timeout) as lock,
    ):
        if lock.took_over is not None:
            click.echo(
                f"note: took over a stale lock held by {lock.took_over.describe()}", err=True
            )
        # Before the refresh, which moves the serial on and could hide a rewound state.
        reason = reconcile_reason(settings, session.store)
        if reason is None and reconcile:
            reason = "asked for with --reconcile"
        elif reason is not None:
            click.echo(continuity.warning(reason), err=True)
        planned = plan_to_apply(session, workspace, saved=saved, refresh=not no_refresh)
        if session.last_refresh is not None:
            for warning in gone_warnings(session.last_refresh):
                click.echo(warning, err=True)
            if reason is None and session.last_refresh.gone:  # what is left of them: adopted
                reason = reconcile_reason(settings, session.store)
        plan = planned.plan
        if saved is None:
            text = render_plan(plan, planned.key, planned.desired, "text", colour=is_terminal())
            click.echo(text, nl=False)
        refused = refusal(plan, force=force)
        if refused is not None:
            raise refused
        if not plan.has_changes:
            if reason is not None:  # the state knows all there is: nothing to look for
                continuity.end_apply(settings, session.store, ok=True, created=False)
            click.echo("Nothing to apply.")
            return
        if not auto_approve:
            if not sys.stdin.isatty():
                raise PlanError(
                    "apply needs a confirmation and there is no terminal to ask on",
                    hint="review the plan and rerun with --auto-approve",
                )
            click.confirm("Apply this plan?", abort=True)
        continuity.begin_apply(settings, session.store, reason)
        creates = any(a.verb is Verb.CREATE for a in plan.actions)
        try:
            _run(
                planned,
                session,
                parallelism or settings.parallelism,
                settings.name,
                reconcile=reason is not None,
            )
        except ApplyError:  # it finished, with actions that failed: none of its commits lost
            continuity.end_apply(settings, session.store, ok=False, created=creates)
            raise
        continuity.end_apply(settings, session.store, ok=True, created=creates)


NOT_STARTED_SHOWN = 20  # the rest are counted: the next plan lists them all


def _run(
    planned: Planned, session: Session, parallelism: int, workspace: str, *, reconcile: bool
) -> None:
    """Run the actions: a progress bar on a terminal, one log line per step otherwise."""
    started = time.monotonic()
    terminal = is_terminal()
    total = sum(1 for a in planned.plan.actions if a.verb.changes_remote)
    finished = 0
    with contextlib.ExitStack() as stack:
        bar = (
            stack.enter_context(click.progressbar(length=total, label="Applying", file=sys.stderr))
            if terminal
            else None
        )

        def progress(action: Action, message: str) -> None:
            if bar is None:
                click.echo(f"  {action.resource}: {message}")

        def on_done(action: Action, error: str | None) -> None:
            nonlocal finished
            finished += 1
            if bar is not None:
                bar.update(1)
            if error is not None or bar is None:
                mark = "✓" if error is None else "✗"
                line = f"{mark} [{finished}/{total}] {action.verb.value} {action.resource}"
                click.echo(line + (f": {error}" if error else ""), err=error is not None)

        target = session.target()
        with stop_on_signal() as stop:
            outcome = apply_plan(
                planned,
                session.store,
                target,
                workspace=workspace,
                actor=session.actor,
                parallelism=parallelism,
                progress=progress,
                on_done=on_done,
                stop=stop,
                reconcile=reconcile,
            )
    elapsed = time.monotonic() - started
    for action_id, why in sorted(outcome.skipped.items()):
        click.echo(f"- skipped {action_id}: it depends on {why}, which did not complete", err=True)
    for action_id in outcome.not_started[:NOT_STARTED_SHOWN]:
        click.echo(f"- not started: {action_id}", err=True)
    if len(outcome.not_started) > NOT_STARTED_SHOWN:
        click.echo(f"- ... and {len(outcome.not_started) - NOT_STARTED_SHOWN} more", err=True)
    state = "complete" if outcome.ok else "interrupted" if outcome.stopped else "incomplete"
    click.echo(
        f"Apply {state}: {len(outcome.done)} done, {len(outcome.failed)} failed, "
        f"{len(outcome.skipped)} skipped"
        + (f", {len(outcome.not_started)} not started" if outcome.stopped else "")
        + f" in {elapsed:.1f}s."
    )
    if outcome.stopped:
        raise ApplyInterrupted(
            f"interrupted: {len(outcome.not_started)} action(s) not started",
            hint="run `trusthub apply` again to carry on: it starts from what the state recorded",
        )
    if not outcome.ok:
        raise ApplyError(
            f"{len(outcome.failed)} action(s) failed",
            hint="fix the cause and run `trusthub apply` again: it resumes where this run stopped",
        )
