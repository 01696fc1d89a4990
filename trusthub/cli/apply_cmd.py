"""`trusthub apply`: carry a plan out against Trust Hub, recording every step."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import click

from trusthub.app import continuity, waiting
from trusthub.app.applying import apply_plan, plan_to_apply
from trusthub.app.continuity import reconcile_reason
from trusthub.app.loading import LoadedWorkspace, skipped_profile_files
from trusthub.app.planning import Planned, load_valid, make_plan
from trusthub.app.policy import held_back_error, refusal
from trusthub.app.saved_plans import read_saved_plan
from trusthub.app.session import Session, gone_warnings, not_read_note
from trusthub.apply.executor import Outcome
from trusthub.cli.context import AppContext
from trusthub.cli.interrupts import stop_on_signal
from trusthub.cli.options import (
    close_accounts,
    is_terminal,
    lock_timeout,
    no_refresh,
    resubmit,
    targets,
    text_or_json,
)
from trusthub.errors import ApplyError, ApplyInterrupted, PlanError
from trusthub.plan.model import Action, Plan, Verb
from trusthub.plan.partial import HeldBack, held_back
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
    "--skip-refused",
    is_flag=True,
    help="Apply what is not refused: hold back each refused action, the rest of its profile "
    "and what depends on them, apply everything else, then exit 1.",
)
@resubmit
@close_accounts
@targets
@click.option(
    "--wait",
    is_flag=True,
    help="Then wait for the reviews the plan waits on, apply what each decision unlocks, "
    "and stop when nothing more can move.",
)
@click.option(
    "--wait-timeout",
    type=click.FloatRange(0),
    default=24 * 3600.0,
    show_default=True,
    help="Seconds to wait at most (with --wait).",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(0.01),
    default=waiting.FIRST_POLL,
    show_default=True,
    help="Seconds before the first refresh (with --wait); doubles up to --poll-max.",
)
@click.option(
    "--poll-max",
    type=click.FloatRange(0.01),
    default=waiting.MAX_POLL,
    show_default=True,
    help="The longest wait between two refreshes (with --wait).",
)
@click.option(
    "--reconcile",
    is_flag=True,
    help="Look on Trust Hub before each create and adopt what trusthub made there (done "
    "on its own when the state is found lost, rewound or restored from an older backup).",
)
@no_refresh
@lock_timeout
@text_or_json
@click.pass_obj
def apply(
    app: AppContext,
    planfile: Path | None,
    auto_approve: bool,
    parallelism: int | None,
    force: bool,
    skip_refused: bool,
    resubmit: tuple[str, ...],
    close_accounts: tuple[str, ...],
    targets: tuple[str, ...],
    wait: bool,
    wait_timeout: float,
    poll_interval: float,
    poll_max: float,
    reconcile: bool,
    no_refresh: bool,
    lock_timeout: float,
    fmt: str,
) -> None:
    """Carry out the plan against Trust Hub (the sandbox unless trusthub.yaml says
    `target: twilio`). With PLANFILE, apply exactly that saved plan or refuse if it is
    stale. With --format json, the plan and the progress go to stderr and stdout gets one
    JSON document: what was done, failed, skipped, not started and held back."""
    settings = app.settings
    machine = fmt == "json"
    if machine and wait:
        raise click.UsageError("--format json does not go with --wait yet")
    if machine and not auto_approve:
        raise PlanError(
            "apply --format json does not ask for a confirmation",
            hint="review the plan (`trusthub plan`) and rerun with --auto-approve",
        )
    saved = read_saved_plan(planfile) if planfile else None
    if saved is not None and (resubmit or close_accounts):
        option = "--resubmit" if resubmit else "--close-account"
        raise PlanError(
            f"{option} goes with `trusthub plan --out FILE`, not with a saved plan",
            hint=f"apply {planfile} as it was saved, or plan again with {option}",
        )
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
        planned = plan_to_apply(
            session,
            workspace,
            saved=saved,
            refresh=not no_refresh,
            resubmit=resubmit,
            targets=targets,
            close_accounts=close_accounts,
        )
        if session.last_refresh is not None:
            for warning in gone_warnings(session.last_refresh):
                click.echo(warning, err=True)
            if reason is None and session.last_refresh.gone:  # what is left of them: adopted
                reason = reconcile_reason(settings, session.store)
        plan = planned.plan
        if saved is None:
            text = render_plan(
                plan,
                planned.key,
                planned.desired,
                "text",
                colour=is_terminal(),
                not_read=not_read_note(session.store, "--no-refresh") if no_refresh else "",
            )
            _say(text, machine, nl=False)
        elif plan.targets:
            _say(f"Partial plan: only --target {', '.join(plan.targets)}.", machine)
        refused = refusal(plan, force=force, skip_refused=skip_refused)
        if refused is not None:
            if machine:
                # Nothing starts: every action that would change Trust Hub is left.
                left = [str(a.id) for a in plan.actions if a.verb.changes_remote]
                _report(plan, "refused", Outcome(not_started=left), held_back(plan), 0.0)
            raise refused
        held = held_back(plan) if skip_refused else []
        for h in held:
            why = "refused" if h.because == "refused" else f"held back with {h.because}"
            click.echo(f"- not applied {h.action.id}: {why}", err=True)
        nothing = not _runnable(plan, skip_refused)
        if nothing:
            if reason is not None and not plan.has_changes:
                # The state knows all there is: nothing to look for on Trust Hub.
                continuity.end_apply(settings, session.store, ok=True, created=False)
            _say("Nothing to apply.", machine)
            if machine:
                _report(plan, "nothing to apply", Outcome(), held, 0.0)
            if not wait:
                if (error := held_back_error(plan) if skip_refused else None) is not None:
                    raise error
                return
        if wait and not auto_approve:
            raise PlanError(
                "apply --wait applies what each decision unlocks without asking",
                hint="review the plan and rerun with --auto-approve --wait",
            )
        if not nothing:
            if not auto_approve:
                if not sys.stdin.isatty():
                    raise PlanError(
                        "apply needs a confirmation and there is no terminal to ask on",
                        hint="review the plan and rerun with --auto-approve",
                    )
                click.confirm("Apply this plan?", abort=True)
            _run_marked(
                planned,
                session,
                parallelism or settings.parallelism,
                skip_refused,
                reason=reason,
                machine=machine,
            )
        if wait:
            _wait(
                session, workspace, parallelism or settings.parallelism,
                timeout=wait_timeout, first=poll_interval, cap=poll_max, force=force,
                skip_refused=skip_refused, targets=targets,
            )  # fmt: skip
    if skip_refused and (error := held_back_error(plan)) is not None:
        raise error


def _runnable(plan: Plan, skip_refused: bool) -> bool:
    """Whether the plan has an action to carry out (not held back with a refused one)."""
    held = {h.action.id for h in held_back(plan)} if skip_refused else set()
    return any(a.verb.changes_remote and a.id not in held for a in plan.actions)


def _wait(
    session: Session,
    workspace: LoadedWorkspace,
    parallelism: int,
    *,
    timeout: float,
    first: float,
    cap: float,
    force: bool,
    skip_refused: bool,
    targets: tuple[str, ...],
) -> None:
    """Refresh with capped backoff while Twilio is deciding; apply what a decision
    unlocks; stop when nothing is under review and nothing is left to do. The first
    Ctrl-C (or SIGTERM) stops waiting at once, as cleanly as apply stops."""
    deadline = time.monotonic() + timeout
    interval = first
    # The handler is in place before the first "Waiting" line, so a Ctrl-C after it is
    # always this one's; an apply in between installs its own and restores this one.
    with stop_on_signal() as stop:
        while True:
            reviewing = waiting.under_review(session.store)
            if not reviewing:
                _summary(session, "Nothing more can move without you.")
                return
            if time.monotonic() + interval > deadline:
                _summary(session, f"Stopped waiting after {timeout:g}s.")
                return
            names = ", ".join(f"{u.name} ({u.status})" for u in reviewing[:5])
            more = f" and {len(reviewing) - 5} more" if len(reviewing) > 5 else ""
            click.echo(f"Waiting {interval:g}s for Twilio's decisions on {names}{more}")
            if _pause(session, stop, interval):
                _summary(session, "Stopped waiting.")
                raise ApplyInterrupted(
                    "interrupted while waiting for Twilio's decisions",
                    hint="run `trusthub apply --wait` again to carry on",
                )
            planned = plan_to_apply(session, workspace, saved=None, refresh=True, targets=targets)
            refused = refusal(planned.plan, force=force, skip_refused=skip_refused)
            if refused is not None:
                raise refused
            if _runnable(planned.plan, skip_refused):
                click.echo("Decisions came in; applying what they unlock:")
                _run_marked(planned, session, parallelism, skip_refused, reason=None)
                interval = first
            else:
                interval = waiting.next_interval(interval, cap)


def _pause(session: Session, stop: threading.Event, interval: float) -> bool:
    """Wait `interval` seconds, or less when the state moves meanwhile (`trusthub events
    serve` recorded a decision): then the plan is made again at once. True if stopped."""
    serial = session.store.meta().serial
    end = time.monotonic() + interval
    while (left := end - time.monotonic()) > 0:
        if stop.wait(min(left, waiting.STATE_CHECK)):
            return True
        if session.store.meta().serial != serial:
            click.echo("The state moved (an event came in); planning again.")
            return False
    return False


def _summary(session: Session, headline: str) -> None:
    """What still waits, and on whom: Twilio's reviews, and the plan's waiting actions."""
    click.echo(headline)
    for u in waiting.under_review(session.store):
        click.echo(f"  waits on {u.service}: {u.name} is {u.status}")
    planned = make_plan(session.settings, session.store, load_valid(session.settings))
    for action in planned.plan.actions:
        if action.verb is Verb.WAITING:
            click.echo(f"  waiting: {action.resource}: {action.reason}")
        elif action.verb is Verb.REFUSED:
            click.echo(f"  waits on you: {action.resource}: {action.reason}")


NOT_STARTED_SHOWN = 20  # the rest are counted: the next plan lists them all


def _run_marked(
    planned: Planned,
    session: Session,
    parallelism: int,
    skip_refused: bool,
    *,
    reason: str | None,
    machine: bool = False,
) -> None:
    """`_run` between the workspace's apply markers (`trusthub.app.continuity`): an apply
    that never finishes makes the next one reconcile with Trust Hub; `reason` says why this
    one reconciles (None: it trusts the state)."""
    settings = session.settings
    continuity.begin_apply(settings, session.store, reason)
    creates = any(a.verb is Verb.CREATE for a in planned.plan.actions)
    try:
        _run(
            planned,
            session,
            parallelism,
            settings.name,
            skip_refused,
            reconcile=reason is not None,
            machine=machine,
        )
    except ApplyError:  # it finished, with actions that failed: none of its commits lost
        continuity.end_apply(settings, session.store, ok=False, created=creates)
        raise
    continuity.end_apply(settings, session.store, ok=True, created=creates)


# The `apply --format json` document's version: bumped on any incompatible change.
FORMAT_VERSION: Final = 1


def _say(message: str, machine: bool, *, nl: bool = True, err: bool = False) -> None:
    """A line for people: on stderr when stdout carries the JSON document."""
    click.echo(message, nl=nl, err=err or machine)


def _by_id(item: tuple[Any, Any]) -> str:
    return str(item[0])


def _report(
    plan: Plan, status: str, outcome: Outcome, held: Sequence[HeldBack], elapsed: float
) -> None:
    """The `apply --format json` document, on stdout."""
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "status": status,
        "plan_checksum": plan.checksum(),
        "targets": list(plan.targets),
        "done": [str(a) for a in outcome.done],
        "failed": [
            {"action": str(a), "error": why}
            for a, why in sorted(outcome.failed.items(), key=_by_id)
        ],
        "skipped": [
            {"action": str(a), "because": str(why)}
            for a, why in sorted(outcome.skipped.items(), key=_by_id)
        ],
        "not_started": [str(a) for a in outcome.not_started],
        "held_back": [{"action": str(h.action.id), "because": str(h.because)} for h in held],
        "elapsed_seconds": round(elapsed, 3),
    }
    click.echo(json.dumps(document, indent=2))


def _run(
    planned: Planned,
    session: Session,
    parallelism: int,
    workspace: str,
    skip_refused: bool,
    *,
    reconcile: bool = False,
    machine: bool = False,
) -> None:
    """Run the actions: a progress bar on a terminal, one log line per step otherwise."""
    started = time.monotonic()
    terminal = is_terminal()
    held_actions = held_back(planned.plan) if skip_refused else []
    held = {h.action.id for h in held_actions}
    total = sum(1 for a in planned.plan.actions if a.verb.changes_remote and a.id not in held)
    finished = 0
    with contextlib.ExitStack() as stack:
        bar = (
            stack.enter_context(click.progressbar(length=total, label="Applying", file=sys.stderr))
            if terminal
            else None
        )

        def progress(action: Action, message: str) -> None:
            if bar is None:
                _say(f"  {action.resource}: {message}", machine)

        def on_done(action: Action, error: str | None) -> None:
            nonlocal finished
            finished += 1
            if bar is not None:
                bar.update(1)
            if error is not None or bar is None:
                mark = "✓" if error is None else "✗"
                line = f"{mark} [{finished}/{total}] {action.verb.value} {action.resource}"
                _say(line + (f": {error}" if error else ""), machine, err=error is not None)

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
                skip_refused=skip_refused,
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
    if machine:
        _report(planned.plan, state, outcome, held_actions, elapsed)
    _say(
        f"Apply {state}: {len(outcome.done)} done, {len(outcome.failed)} failed, "
        f"{len(outcome.skipped)} skipped"
        + (f", {len(outcome.not_started)} not started" if outcome.stopped else "")
        + f" in {elapsed:.1f}s.",
        machine,
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
