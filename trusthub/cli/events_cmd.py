"""`trusthub events serve`: receive Twilio's status callbacks and Event Streams deliveries
and record them in the workspace's state as they arrive."""

from __future__ import annotations

import os
import signal
import sys
import threading
from urllib.parse import urlsplit

import click

from trusthub.app.session import open_workspace_store
from trusthub.cli.context import AppContext
from trusthub.errors import ApplyError, ConfigError, ProviderError
from trusthub.events import receiver as limits
from trusthub.events.receiver import CALLBACK_PATH, STREAMS_PATH
from trusthub.events.server import EventServer, parse_bind
from trusthub.model.desired import PARENT_ACCOUNT


@click.group()
def events() -> None:
    """Receive Twilio's status events and record them in the state."""


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


_LOG_LOCK = threading.Lock()


def _log(line: str) -> None:
    with _LOG_LOCK:
        sys.stderr.write(f"events: {line}\n")
        sys.stderr.flush()


def _public_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(
            f"--public-url {url!r} is not an http(s) URL without a query",
            hint="the URL Twilio posts to, e.g. https://hooks.example.com/twilio",
        )
    return url.rstrip("/")


@events.command()
@click.option(
    "--bind",
    required=True,
    metavar="HOST:PORT",
    help="Address to listen on (loopback unless --allow-remote-bind); port 0 picks one.",
)
@click.option(
    "--public-url",
    required=True,
    metavar="URL",
    help="The URL Twilio is given for this receiver; signatures are checked against it.",
)
@click.option("--allow-remote-bind", is_flag=True, help="Allow a non-loopback --bind.")
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=limits.THREADS,
    show_default=True,
    help="Worker threads answering requests.",
)
@click.option(
    "--connection-limit",
    type=click.IntRange(1, 10000),
    default=limits.CONNECTION_LIMIT,
    show_default=True,
    help="Open connections at most.",
)
@click.option(
    "--client-timeout",
    type=click.FloatRange(1, 600),
    default=limits.TIMEOUT,
    show_default=True,
    help="Seconds a client has to send a request.",
)
@click.option(
    "--queue-size",
    type=click.IntRange(1, 100000),
    default=limits.QUEUE_SIZE,
    show_default=True,
    help="Deliveries waiting to be recorded; past it, 503.",
)
@click.option(
    "--subscribe-sandbox",
    is_flag=True,
    help="Register PUBLIC-URL/event-streams as an Event Streams sink of the sandbox.",
)
@click.pass_obj
def serve(
    app: AppContext,
    bind: str,
    public_url: str,
    allow_remote_bind: bool,
    threads: int,
    connection_limit: int,
    client_timeout: float,
    queue_size: int,
    subscribe_sandbox: bool,
) -> None:
    """Serve until interrupted: Trust Hub status callbacks on PUBLIC-URL/status-callbacks,
    Event Streams deliveries on PUBLIC-URL/event-streams. Checks X-Twilio-Signature with
    TWILIO_AUTH_TOKEN (from the environment, never shown)."""
    host, port = parse_bind(bind)
    base = _public_url(public_url)
    token = os.environ.get("TWILIO_AUTH_TOKEN", "")
    subaccount_tokens = _subaccount_tokens(app) if app.settings.accounts else []
    with open_workspace_store(app.settings) as store:
        server = EventServer(
            store,
            host=host,
            port=port,
            public_url=base,
            auth_token=token,
            log=_log,
            allow_remote=allow_remote_bind,
            threads=threads,
            connection_limit=connection_limit,
            timeout=client_timeout,
            queue_size=queue_size,
            subaccount_tokens=subaccount_tokens,
        )
        try:
            if subscribe_sandbox:
                _subscribe(app, base + STREAMS_PATH)
            click.echo(f"trusthub events listening on {server.url}", nl=True)
            click.echo(f"  status callbacks  {base}{CALLBACK_PATH}")
            click.echo(f"  Event Streams     {base}{STREAMS_PATH}")
            click.echo(f"  state             {store.location}")
            click.echo("Ctrl-C stops (what was received is recorded first).")
            sys.stdout.flush()
            previous = signal.signal(signal.SIGTERM, _interrupt)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                click.echo("stopped")
            finally:
                signal.signal(signal.SIGTERM, previous)
        finally:
            server.server_close()


def _subaccount_tokens(app: AppContext) -> list[str]:
    """The declared subaccounts' auth tokens, read through the parent: Twilio signs what a
    subaccount's objects send with the subaccount's own token. Held in memory only."""
    from trusthub.app import event_setup
    from trusthub.app.session import Session

    declared = [(a.name, a.sid) for a in app.settings.accounts]
    try:
        with Session(app.settings) as session:
            tokens, missing = event_setup.signing_tokens(
                session.target().api, session.store, declared
            )
    except ConfigError as e:
        click.echo(f"warning: the subaccounts' events will be refused: {e.message}", err=True)
        return []
    except ProviderError as e:
        raise ConfigError(f"cannot read the subaccounts: {e.message}", hint=e.hint) from None
    for name, why in missing:
        click.echo(f"warning: account {name}: its events will be refused ({why})", err=True)
    return tokens


def _subscribe(app: AppContext, sink: str) -> None:
    if app.settings.target != "sandbox":
        raise ConfigError(
            "--subscribe-sandbox needs the sandbox target",
            hint="with Twilio, create the sink and subscriptions in the Console or its API",
        )
    from trusthub.sandbox import Sandbox

    with Sandbox.from_settings(app.settings) as sb:
        sb.add_event_sink(sink)
    click.echo(f"  sandbox sink      {sink}")


@events.command()
@click.option(
    "--url",
    required=True,
    metavar="URL",
    help="Where Twilio posts the events: the Event Streams URL `events serve` prints "
    "(https; http on loopback only).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@click.pass_obj
def setup(app: AppContext, url: str, dry_run: bool) -> None:
    """Create or update the Event Streams sink and subscription in every account (the
    parent and each subaccount under `accounts:` in trusthub.yaml): one webhook sink
    posting to URL and one subscription to the brand, campaign and toll-free verification
    events trusthub understands. A second run changes nothing."""
    from trusthub.app import event_setup
    from trusthub.app.session import Session
    from trusthub.events.vocabulary import SUBSCRIBED_TYPES

    destination = event_setup.check_url(url)
    verb = {"created": "would create", "updated": "would update"} if dry_run else {}

    def show(result: event_setup.AccountResult) -> None:
        label = "parent" if result.account == PARENT_ACCOUNT else f"account {result.account}"
        outcome = verb.get(result.outcome, result.outcome)
        click.echo(f"{label}: {outcome} ({result.detail})")

    with Session(app.settings) as session:
        results = event_setup.setup(
            session.target().api,
            session.store,
            workspace=app.settings.name,
            accounts=[(a.name, a.sid) for a in app.settings.accounts],
            url=destination,
            types=SUBSCRIBED_TYPES,
            dry_run=dry_run,
            progress=show,
        )
    failed = [r.account for r in results if r.outcome == "failed"]
    if failed:
        raise ApplyError(
            f"Event Streams were not set up in {', '.join(failed)}",
            hint="fix what is said above and run `trusthub events setup` again",
        )
