"""`trusthub apply`: carry a plan out against Trust Hub, recording every step."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from trusthub.app.applying import apply_plan
from trusthub.app.planning import Planned, load_valid, make_plan
from trusthub.app.session import Session
from trusthub.cli.context import AppContext
from trusthub.cli.options import is_terminal, lock_timeout, no_refresh
from trusthub.cli.plan_cmd import SAVED_PLAN_KIND
from trusthub.errors import ApplyError, LoadError, PlanError
from trusthub.plan.model import Action
from trusthub.report.plan_render import render_plan
from trusthub.state.actor import current_holder


def _read_saved(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise LoadError(f"cannot read the saved plan: {e}", location=None) from None
    except json.JSONDecodeError as e:
        raise LoadError(
            f"{path}:{e.lineno}:{e.colno}: not a saved plan (invalid JSON: {e.msg})"
        ) from None
    if not isinstance(data, dict) or data.get("kind") != SAVED_PLAN_KIND:
        raise LoadError(f"{path} is not a plan saved by `trusthub plan --out`")
    return data


def _check_saved(saved: dict[str, Any], planned: Planned, path: Path) -> None:
    """Refuse a saved plan that no longer describes what would happen (Terraform's stale
    plan guard plus octoDNS's checksum): the state moved, or the workspace changed."""
    plan = planned.plan
    old = saved.get("plan", {})
    if old.get("lineage") != plan.lineage:
        raise PlanError(
            f"{path} was made for another state (lineage {old.get('lineage')}, this state is "
            f"{plan.lineage})",
            hint="run `trusthub plan --out FILE` again against this state",
        )
    if old.get("serial") != plan.serial:
        raise PlanError(
            f"{path} is stale: the state moved from serial {old.get('serial')} to "
            f"{plan.serial} since the plan was made",
            hint="run `trusthub plan --out FILE` again, review it, then apply it",
        )
    if old.get("checksum") != plan.checksum():
        raise PlanError(
            f"{path} no longer matches the workspace: the profiles changed since the plan was made",
            hint="run `trusthub plan --out FILE` again, review it, then apply it",
        )


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
@no_refresh
@lock_timeout
@click.pass_obj
def apply(
    app: AppContext,
    planfile: Path | None,
    auto_approve: bool,
    parallelism: int | None,
    force: bool,
    no_refresh: bool,
    lock_timeout: float,
) -> None:
    """Carry out the plan against Trust Hub (the sandbox unless trusthub.yaml says
    `target: twilio`). With PLANFILE, apply exactly that saved plan or refuse if it is
    stale."""
    settings = app.settings
    saved = _read_saved(planfile) if planfile else None
    workspace = load_valid(settings)
    with (
        Session(settings) as session,
        session.store.lock(current_holder("apply"), timeout=lock_timeout) as lock,
    ):
        if lock.took_over is not None:
            click.echo(
                f"note: took over a stale lock held by {lock.took_over.describe()}", err=True
            )
        target = session.target()
        if saved is None and not no_refresh:
            from trusthub.app.refreshing import refresh_state

            refresh_state(session.store, target, actor=session.actor)
        planned = make_plan(settings, session.store, workspace)
        plan = planned.plan
        if saved is not None and planfile is not None:
            _check_saved(saved, planned, planfile)
        else:
            text = render_plan(plan, planned.key, planned.desired, "text", colour=is_terminal())
            click.echo(text, nl=False)
        if plan.refused:
            raise PlanError(
                f"the plan refuses {len(plan.refused)} change(s); nothing was applied",
                hint="resolve what the plan says is refused, then apply again",
            )
        if plan.unsafe and not force:
            raise PlanError("; ".join(plan.unsafe))
        if not plan.has_changes:
            click.echo("Nothing to apply.")
            return
        if not auto_approve:
            if not sys.stdin.isatty():
                raise PlanError(
                    "apply needs a confirmation and there is no terminal to ask on",
                    hint="review the plan and rerun with --auto-approve",
                )
            click.confirm("Apply this plan?", abort=True)
        _run(planned, session, parallelism or settings.parallelism, settings.name)


def _run(planned: Planned, session: Session, parallelism: int, workspace: str) -> None:
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

        outcome = apply_plan(
            planned,
            session.store,
            session.target(),
            workspace=workspace,
            actor=session.actor,
            parallelism=parallelism,
            progress=progress,
            on_done=on_done,
        )
    elapsed = time.monotonic() - started
    for action_id, why in sorted(outcome.skipped.items()):
        click.echo(f"- skipped {action_id}: it depends on {why}, which did not complete", err=True)
    click.echo(
        f"Apply {'complete' if outcome.ok else 'incomplete'}: {len(outcome.done)} done, "
        f"{len(outcome.failed)} failed, {len(outcome.skipped)} skipped in {elapsed:.1f}s."
    )
    if not outcome.ok:
        raise ApplyError(
            f"{len(outcome.failed)} action(s) failed",
            hint="fix the cause and run `trusthub apply` again: it resumes where this run stopped",
        )
