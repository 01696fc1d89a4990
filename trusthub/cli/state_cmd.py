"""`trusthub state`: look at the recorded state and look after it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from trusthub.app.binding import describe, rebind
from trusthub.app.continuity import keep_reconciling
from trusthub.app.forgetting import forget_profile
from trusthub.app.loading import load_workspace
from trusthub.app.planning import workspace_desired
from trusthub.app.session import Session, open_workspace_store, workspace_identity
from trusthub.cli.context import AppContext
from trusthub.cli.options import text_or_json
from trusthub.common.locations import is_database
from trusthub.errors import StateError
from trusthub.model.lifecycle import STATUSES
from trusthub.state import StateStore
from trusthub.state.actor import current_holder
from trusthub.state.model import KIND_NAMES as KINDS
from trusthub.state.model import LockInfo
from trusthub.state.transfer import migrate_state, restore_state

NOT_CREATED = "not-created"


@click.group()
def state() -> None:
    """Look at the recorded state and look after it: show, backup, restore, unlock,
    migrate, rebind, rm, grant-readonly."""


def _lock_data(info: LockInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    h = info.holder
    return {
        "user": h.user,
        "host": h.host,
        "pid": h.pid,
        "ci_run": h.ci_run,
        "operation": h.operation,
        "since": info.since,
        "stale": info.stale,
    }


def _summary(store: StateStore) -> dict[str, Any]:
    snap = store.snapshot()
    statuses = Counter(r.status or NOT_CREATED for r in snap)
    kinds = Counter(r.kind for r in snap)
    return {
        "backend": store.backend,
        "location": store.location,
        "workspace": store.workspace,
        "lineage": snap.lineage,
        "serial": snap.serial,
        "schema_version": store.meta().schema_version,
        "bound_to": describe(b) if (b := store.binding()) is not None else None,
        "lock": _lock_data(store.lock_info()),
        "resources": {
            "total": len(snap),
            "by_kind": {k: kinds[k] for k in KINDS},
            "by_status": {s: statuses[s] for s in (*STATUSES, NOT_CREATED)},
        },
        "open_intents": len(store.open_intents()),
        "refreshed_at": (refreshed := store.refreshed_at()),
        "age_seconds": _age(refreshed),
    }


def _age(since: str | None) -> int | None:
    """Seconds since `since` (ISO-8601 UTC): how old what the state says of Trust Hub is."""
    if since is None:
        return None
    return max(0, int((datetime.now(UTC) - datetime.fromisoformat(since)).total_seconds()))


def _lock_text(lock: dict[str, Any] | None) -> str:
    if lock is None:
        return "unlocked"
    who = f"{lock['user']} in CI run {lock['ci_run']}" if lock["ci_run"] else lock["user"]
    text = (
        f"held by {who} (pid {lock['pid']} on host {lock['host']}) since {lock['since']}, "
        f"for {lock['operation']}"
    )
    return text + ("; stale: its holder is gone" if lock["stale"] else "")


def _refreshed_text(summary: dict[str, Any]) -> str:
    if summary["refreshed_at"] is None:
        return "never (statuses are as the last apply left them)"
    return f"{summary['refreshed_at']} ({summary['age_seconds']} s ago)"


def _render(summary: dict[str, Any]) -> str:
    res = summary["resources"]
    kinds = ", ".join(f"{n} {k}" for k, n in res["by_kind"].items())
    lines = [
        f"backend:      {summary['backend']}",
        f"location:     {summary['location']}",
        f"workspace:    {summary['workspace']}",
        f"lineage:      {summary['lineage']}",
        f"serial:       {summary['serial']}",
        f"schema:       version {summary['schema_version']}",
        f"bound to:     {summary['bound_to'] or 'no target yet'}",
        f"lock:         {_lock_text(summary['lock'])}",
        f"open intents: {summary['open_intents']}",
        f"refreshed:    {_refreshed_text(summary)}",
        f"resources:    {res['total']} ({kinds})",
    ]
    lines += [f"  {status:<16} {n}" for status, n in res["by_status"].items() if n]
    return "\n".join(lines)


@state.command()
@text_or_json
@click.pass_obj
def show(app: AppContext, fmt: str) -> None:
    """Lineage, serial, lock holder and resource counts by status."""
    with open_workspace_store(app.settings) as store:
        summary = _summary(store)
    click.echo(json.dumps(summary, indent=2) if fmt == "json" else _render(summary))


@state.command()
@click.option("--force", is_flag=True, help="Also break a lock whose holder may be running.")
@click.pass_obj
def unlock(app: AppContext, force: bool) -> None:
    """Clear a lock left by a run that is gone. A stale lock is always cleared; a live one
    (or one held from another host) only with --force."""
    with open_workspace_store(app.settings) as store:
        cleared = store.unlock(force=force)
    if cleared is None:
        click.echo("state is not locked")
    else:
        which = "stale lock" if cleared.stale else "lock"
        click.echo(f"cleared the {which} of {cleared.describe()}")


@state.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.pass_obj
def backup(app: AppContext, file: Path, force: bool) -> None:
    """Write a consistent copy of the state to FILE (SQLite: a state file; PostgreSQL: a
    JSON export of this workspace)."""
    if file.exists() and not force:
        raise StateError(f"{file} exists", hint="pick another name, or pass --force")
    with open_workspace_store(app.settings) as store:
        meta = store.backup(file)
        location = store.location
    click.echo(f"backed up {location} (lineage {meta.lineage}, serial {meta.serial}) to {file}")


@state.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Restore a backup of another state (another lineage), replacing this one.",
)
@click.pass_obj
def restore(app: AppContext, file: Path, force: bool) -> None:
    """Replace the state with the backup FILE, after checking it. The state it replaces is
    kept under .trusthub/backups/ (a damaged SQLite file is renamed beside itself)."""
    settings = app.settings
    done = restore_state(
        settings.state,
        workspace_identity(settings),
        file,
        holder=current_holder("state restore"),
        force=force,
        keep_dir=settings.state_dir / "backups",
    )
    click.echo(f"restored {file}: lineage {done.meta.lineage}, serial {done.meta.serial}")
    if done.previous is not None:
        click.echo(f"the state it replaced is kept in {done.previous}")
    if done.older and done.replaced is not None:
        reason = (
            f"the state was restored from {file}, taken at serial {done.backup_serial}, older "
            f"than the state it replaced (serial {done.replaced.serial})"
        )
        with open_workspace_store(settings) as store:
            keep_reconciling(settings, store, reason)
        click.echo(
            f"warning: backup {file} (serial {done.backup_serial}) is older than the state it "
            f"replaced (serial {done.replaced.serial}, same lineage): what was made on Trust Hub "
            "since is not in it. The next apply looks on Trust Hub before creating anything "
            "and adopts what trusthub made there, instead of creating it again",
            err=True,
        )


@state.command()
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL_OR_PATH",
    help="The new state: a SQLite file (path relative to the current directory) or a "
    "postgresql:// URL. It must be empty.",
)
@click.pass_obj
def migrate(app: AppContext, target: str) -> None:
    """Copy this workspace's state and history to another backend and verify the copy."""
    location = target if is_database(target) else str(Path(target).resolve())
    name = workspace_identity(replace(app.settings, state=location))  # named, for a database
    with open_workspace_store(app.settings) as source:
        done = migrate_state(source, location, name, holder=current_holder("state migrate"))
    click.echo(
        f"copied lineage {done.target.lineage} serial {done.target.serial}: "
        f"{done.resources} resources, {done.audit_events} audit events "
        f"to {done.target_location}\nverified: the copy's content hash is {done.content_hash}"
    )
    click.echo("to use it, point `state:` in trusthub.yaml (or TRUSTHUB_STATE) at the new location")


@state.command(name="grant-readonly")
@click.argument("role")
@click.pass_obj
def grant_readonly(app: AppContext, role: str) -> None:
    """Let the PostgreSQL role ROLE read the state and nothing more (USAGE on the schema
    `trusthub`, SELECT on its tables), e.g. for the credentials pull requests plan with.
    Run it as the role that owns the state; rerunning it changes nothing.

    \b
    Example: trusthub state grant-readonly trusthub_pr
    """
    from trusthub.state.postgres import PostgresStore

    with open_workspace_store(app.settings) as store:
        if not isinstance(store, PostgresStore):
            raise StateError(
                f"state grant-readonly is for a PostgreSQL state; this one is {store.backend} "
                f"({store.location})",
                hint="a SQLite state is a file: give readers a copy (`trusthub state backup`)",
            )
        statements = store.grant_readonly(role)
        location = store.location
    for statement in statements:
        click.echo(statement)
    click.echo(f"role {role} can read the state in {location}, and change nothing")


@state.command(name="rebind")
@click.option("--lock-timeout", type=float, default=0.0, show_default=True, metavar="SECONDS")
@click.pass_obj
def rebind_cmd(app: AppContext, lock_timeout: float) -> None:
    """Bind the state to the configured target and account (after switching `target:` or
    credentials). What was recorded on the old account is forgotten, never deleted on
    either account: the next plan creates it on the new one."""
    with Session(app.settings) as session:
        target = session.unchecked_target()
        with session.store.lock(current_holder("state rebind"), timeout=lock_timeout):
            done = rebind(session.store, target, actor=session.actor)
    if done.old is not None and done.old.same_account(done.new):
        click.echo(f"the state already belongs to {describe(done.new)}; nothing to do")
        return
    if done.old is not None:
        names = ", ".join(done.forgotten) if done.forgotten else "nothing was recorded"
        click.echo(
            f"forgot {len(done.forgotten)} resource(s) recorded on {describe(done.old)} "
            f"(nothing deleted there): {names}"
        )
    click.echo(f"the state now belongs to {describe(done.new)}")
    if done.forgotten:
        click.echo("the next `trusthub plan` shows what will be made on it")


@state.command(name="rm")
@click.argument("name")
@click.option("--lock-timeout", type=float, default=0.0, show_default=True, metavar="SECONDS")
@click.pass_obj
def rm_cmd(app: AppContext, name: str, lock_timeout: float) -> None:
    """Stop managing the profile NAME and its trust products, brands and verifications:
    their records leave the state (each with an audit entry naming the SIDs left), and
    nothing on Trust Hub is deleted or changed. Remove the profile's file first."""
    settings = app.settings
    workspace = load_workspace(settings)
    desired = workspace_desired(settings, workspace)
    files = {n: doc.path for n, doc in workspace.profiles.items()}
    with (
        Session(settings) as session,
        session.store.lock(current_holder("state rm"), timeout=lock_timeout),
    ):
        done = forget_profile(session.store, name, desired, files=files, actor=session.actor)
    for member in done.names:
        left = ", ".join(f"{role} {sid}" for role, sid in sorted(done.left[member].items()))
        click.echo(f"forgot {member}" + (f" (left on Trust Hub: {left})" if left else ""))
    click.echo(
        f"{name} is no longer managed by this workspace; nothing on Trust Hub was deleted. "
        f"`trusthub history {name}` keeps its record."
    )
