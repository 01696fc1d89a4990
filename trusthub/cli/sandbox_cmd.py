"""`trusthub sandbox`: run the embedded Trust Hub sandbox over HTTP, force review decisions,
read the status callbacks it recorded, list its accounts (a parent and its subaccounts),
and wipe it."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import click

from trusthub.cli.context import AppContext
from trusthub.errors import ConfigError
from trusthub.sandbox import FaultSettings, Sandbox
from trusthub.sandbox.core import BundleSummary
from trusthub.sandbox.protocol import CONNECTION_LIMIT, THREADS, TIMEOUT
from trusthub.sandbox.sids import is_sid

_FAULT_KINDS = ("error", "throttle", "drop", "error_after_commit", "slow")


def resolve_bundle_sid(app: AppContext, name_or_sid: str) -> str:
    """The SID for a SID, or for a name looked up in the recorded state: the bundle (BU...)
    of a profile or trust product (`acme`, `acme/cnam`), an A2P brand (BN..., `acme/a2p-brand`)
    a toll-free verification (HH..., `acme/tollfree-0142`) or an A2P campaign (QE...,
    `acme/a2p-campaign-reminders`)."""
    if any(is_sid(name_or_sid, prefix) for prefix in ("BU", "BN", "HH", "QE")):
        return name_or_sid
    from trusthub.model.kinds import KINDS
    from trusthub.state import open_store

    # Names are unique across kinds in the state, which records each one's kind.
    with open_store(app.settings.state, app.settings.name) as store:
        recorded = store.snapshot().by_name().get(name_or_sid)
        sid = (
            store.sids(recorded.kind, name_or_sid).get(KINDS[recorded.kind].root_role)
            if recorded is not None and recorded.kind in KINDS
            else None
        )
    if sid is None:
        raise ConfigError(
            f"no bundle is recorded for {name_or_sid!r} in this workspace's state",
            hint="apply the profile first, or pass its bundle SID (BU followed by 32 hex digits)",
        )
    return sid


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _open(app: AppContext, **options: Any) -> Sandbox:
    return Sandbox.from_settings(app.settings, **options)


def _fault_settings(specs: tuple[str, ...], seed: int, latency: float) -> FaultSettings:
    rates: dict[str, float] = {}
    for spec in specs:
        kind, _, value = spec.partition("=")
        if kind not in _FAULT_KINDS:
            raise click.BadParameter(
                f"{spec!r}: the kind must be one of {', '.join(_FAULT_KINDS)}",
                param_hint="--fault",
            )
        try:
            rates[kind] = float(value)
        except ValueError:
            raise click.BadParameter(
                f"{spec!r}: RATE must be a number", param_hint="--fault"
            ) from None
    try:
        return FaultSettings(
            seed=seed,
            latency=latency,
            error_rate=rates.get("error", 0.0),
            throttle_rate=rates.get("throttle", 0.0),
            drop_rate=rates.get("drop", 0.0),
            error_after_commit_rate=rates.get("error_after_commit", 0.0),
            slow_rate=rates.get("slow", 0.0),
        )
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--fault") from None


def _describe(summary: BundleSummary) -> str:
    text = f"{summary.sid} ({summary.friendly_name}): {summary.status}"
    if summary.identity_status:
        text += f", identity {summary.identity_status}"
    if summary.valid_until:
        text += f", valid until {summary.valid_until}"
    if summary.failure_reason:
        text += f"\n  reason: {summary.failure_reason}"
    return text


@click.group("sandbox")
def sandbox() -> None:
    """The embedded Trust Hub sandbox (no Twilio account needed)."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", type=int, default=0, show_default=True, help="Port; 0 picks a free one.")
@click.option("--latency", type=float, default=None, help="Seconds added to every request.")
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="KIND=RATE",
    help="Inject faults: error, throttle, drop, error_after_commit or slow, with a rate "
    "between 0 and 1 (repeatable).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fault draws.")
@click.option("--allow-remote", is_flag=True, help="Allow binding a non-loopback address.")
@click.option("--verbose", is_flag=True, help="Log every request.")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=THREADS,
    show_default=True,
    help="Workers answering requests.",
)
@click.option(
    "--connection-limit",
    type=click.IntRange(min=1),
    default=CONNECTION_LIMIT,
    show_default=True,
    help="Open connections at most; more wait to be accepted.",
)
@click.option(
    "--client-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=TIMEOUT,
    show_default=True,
    help="Seconds a client has to send a request; idle connections close then.",
)
@click.pass_obj
def serve(
    app: AppContext,
    host: str,
    port: int,
    latency: float | None,
    faults: tuple[str, ...],
    seed: int,
    allow_remote: bool,
    verbose: bool,
    threads: int,
    connection_limit: int,
    client_timeout: float,
) -> None:
    """Serve the sandbox over HTTP until interrupted; it accepts the credentials of the
    parent and of each active subaccount."""
    from trusthub.sandbox.server import SandboxServer, credentials_from_env

    settings = app.settings.sandbox
    credentials = credentials_from_env(os.environ)
    fault_settings = _fault_settings(faults, seed, settings.latency if latency is None else latency)
    sb = _open(app, credentials=credentials, faults=fault_settings)
    try:
        server = SandboxServer(
            sb,
            host,
            port,
            allow_remote=allow_remote,
            verbose=verbose,
            threads=threads,
            connection_limit=connection_limit,
            timeout=client_timeout,
        )
        click.echo(f"Trust Hub sandbox listening on {server.url}")
        click.echo(f"  database     {app.settings.relative(settings.database)}")
        click.echo(f"  account SID  {sb.account_sid}  (the parent)")
        if credentials is None:
            click.echo(
                f"  auth token   {sb.auth_token}  (made by the sandbox; set TWILIO_ACCOUNT_SID"
            )
            click.echo("               and TWILIO_AUTH_TOKEN to choose your own)")
        else:
            click.echo("  auth token   from TWILIO_AUTH_TOKEN")
        subaccounts = len(sb.accounts()) - 1
        if subaccounts:
            click.echo(
                f"  subaccounts  {subaccounts}, each with its own credentials "
                "(`trusthub sandbox accounts`)"
            )
        click.echo(
            "Point the twilio SDK at it with trusthub.sandbox.transport.server_client(url, sid, "
            "token), or set client.trusthub.base_url and client.api.base_url to the URL. "
            "Ctrl-C stops."
        )
        previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it cleanly too
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
    finally:
        sb.close()


@sandbox.command()
@click.argument("name_or_sid")
@click.pass_obj
def approve(app: AppContext, name_or_sid: str) -> None:
    """Approve a submitted profile, trust product, A2P brand or campaign, or toll-free
    verification now."""
    sid = resolve_bundle_sid(app, name_or_sid)
    with _open(app) as sb:
        click.echo(_describe(sb.approve(sid)))


@sandbox.command()
@click.argument("name_or_sid")
@click.option(
    "--reason", required=True, help="The FailureReason, e.g. '[email] - Unknown email domain.'"
)
@click.pass_obj
def reject(app: AppContext, name_or_sid: str, reason: str) -> None:
    """Reject a submitted profile, trust product or toll-free verification (or fail an A2P
    brand or campaign) now (a toll-free or campaign reason may start with Twilio's code:
    "30513: ...", "30934: ...")."""
    sid = resolve_bundle_sid(app, name_or_sid)
    with _open(app) as sb:
        click.echo(_describe(sb.reject(sid, reason)))


@sandbox.group()
def otp() -> None:
    """A sole proprietor's OTP (and a public company's Authentication+), as TCR asks."""


@otp.command("confirm")
@click.argument("name_or_sid")
@click.pass_obj
def otp_confirm(app: AppContext, name_or_sid: str) -> None:
    """The owner of the APPROVED brand NAME (`acme/a2p-brand` or BN...) replied YES to TCR's
    OTP text (within its 24 h; a public company's Authentication+ email, within 7 days):
    its identity becomes VERIFIED, and its starter profile is approved."""
    sid = resolve_bundle_sid(app, name_or_sid)
    if not is_sid(sid, "BN"):
        raise ConfigError(
            f"{name_or_sid!r} is not an A2P brand",
            hint="name the brand, e.g. brightframe-photo/a2p-brand, or pass its BN... SID",
        )
    with _open(app) as sb:
        click.echo(_describe(sb.confirm_identity(sid)))


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


@sandbox.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def callbacks(app: AppContext, fmt: str) -> None:
    """List the status callbacks, delivered or held in the outbox."""
    with _open(app) as sb:
        sb.settle()  # reviews due now are decided, and their callbacks recorded, first
        records = sb.callbacks()
    if fmt == "json":
        data = [
            {
                "id": c.id,
                "bundle_sid": c.bundle_sid,
                "url": c.url,
                "params": c.params,
                "signature": c.signature,
                "state": c.state,
                "detail": c.detail,
                "created": _iso(c.created),
                "attempted": _iso(c.attempted),
            }
            for c in records
        ]
        click.echo(json.dumps(data, indent=2))
        return
    if not records:
        click.echo("no status callbacks yet")
        return
    for c in records:
        status = c.params.get("Status", "")
        click.echo(
            f"{c.id:>4}  {_iso(c.created)}  {c.state:<9}  {status:<15}  {c.bundle_sid}  {c.url}"
        )
        if c.detail:
            click.echo(f"      {c.detail}")
        if "FailureReason" in c.params:
            click.echo(f"      reason: {c.params['FailureReason']}")


@sandbox.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def accounts(app: AppContext, fmt: str) -> None:
    """List the sandbox's accounts: the parent, then its subaccounts (never their tokens)."""
    with _open(app) as sb:
        records = sb.accounts()
    if fmt == "json":
        data = [
            {
                "sid": a.sid,
                "friendly_name": a.friendly_name,
                "status": a.status,
                "parent_sid": a.parent_sid,
            }
            for a in records
        ]
        click.echo(json.dumps(data, indent=2))
        return
    for a in records:
        role = "parent" if a.parent_sid is None else f"subaccount of {a.parent_sid}"
        click.echo(f"{a.sid}  {a.status:<9}  {role}  {a.friendly_name}")


@sandbox.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def reset(app: AppContext, yes: bool) -> None:
    """Delete every object, review and callback in the sandbox, and every subaccount (the
    parent's credentials stay)."""
    database = app.settings.sandbox.database
    if not yes:
        click.confirm(
            f"Delete everything in the sandbox {app.settings.relative(database)}?", abort=True
        )
    with _open(app) as sb:
        sb.reset()
    click.echo("sandbox reset (the workspace state may still record SIDs from before)")


@sandbox.group("console")
def console() -> None:
    """Play the parts of the Twilio Console a rehearsal needs (what Twilio's API refuses)."""


@console.command("create-primary")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def create_primary(app: AppContext, file: Path) -> None:
    """Make the approved primary customer profile of FILE in the sandbox, as the Console
    would (under the file's `sid:` when it has one), and print its SID."""
    from trusthub.app.console import create_console_primary

    outcome = create_console_primary(app.settings, file)
    sid = outcome.result.sid
    if outcome.result.created:
        click.echo(f"{outcome.name}: created primary customer profile {sid} (twilio-approved)")
    else:
        click.echo(f"{outcome.name}: primary customer profile {sid} is already in the sandbox")
    if not outcome.had_sid:
        click.echo(f"Put its SID in {outcome.display}:  sid: {sid}")


@console.command("create-subaccount")
@click.argument("friendly_name")
@click.pass_obj
def create_subaccount(app: AppContext, friendly_name: str) -> None:
    """Make an active subaccount of the sandbox's parent account named FRIENDLY_NAME, and
    print its SID (`trusthub sandbox accounts` lists them)."""
    with _open(app) as sb:
        click.echo(sb.create_subaccount(friendly_name).sid)


def _set_status(app: AppContext, sid: str, status: str) -> None:
    if not is_sid(sid, "AC"):
        raise ConfigError(
            f"{sid!r} is not an account SID", hint="pass AC followed by 32 hex digits"
        )
    with _open(app) as sb:
        summary = sb.set_account_status(sid, status)
    click.echo(f"{summary.sid} ({summary.friendly_name}): {summary.status}")


@console.command("suspend-account")
@click.argument("sid")
@click.pass_obj
def suspend_account(app: AppContext, sid: str) -> None:
    """Suspend the subaccount SID: its credentials are refused until it is active again."""
    _set_status(app, sid, "suspended")


@console.command("close-account")
@click.argument("sid")
@click.pass_obj
def close_account(app: AppContext, sid: str) -> None:
    """Close the subaccount SID, for good: its credentials are refused from now on."""
    _set_status(app, sid, "closed")
