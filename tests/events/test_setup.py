"""`trusthub events setup` against the sandbox's Events API: one webhook sink and one
subscription of trusthub's in the parent and in each declared subaccount, made by the first
run, left alone by the second, moved by a changed --url; a suspended subaccount reported
and skipped; and an event of a subaccount's brand reaching `events serve` through the sink
the setup made there (the sandbox has no operator-wide sink in that test)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.events.conftest import World
from tests.support.cli import COMMAND, run_cli
from trusthub.app.event_setup import description
from trusthub.events.vocabulary import SUBSCRIBED_TYPES
from trusthub.sandbox import Sandbox
from trusthub.sandbox.accounts import SUSPENDED

HOOK = "https://hooks.example.com/twilio/event-streams"
MOVED = "https://hooks2.example.com/twilio/event-streams"
DESCRIPTION = description("sinks")


@pytest.fixture
def ws(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A workspace (no profiles) declaring two existing subaccounts."""
    root = tmp_path / "ws"
    (root / "profiles").mkdir(parents=True)
    head = "apiVersion: trusthub/v1\nkind: Workspace\nname: sinks\n"
    (root / "trusthub.yaml").write_text(head, encoding="utf-8")
    from trusthub.config.settings_file import load_settings

    with Sandbox.from_settings(load_settings(root)) as sb:
        sids = {name: sb.create_subaccount(name.title()).sid for name in ("alpha", "beta")}
    declared = "".join(f"  {name}: {{sid: {sid}}}\n" for name, sid in sids.items())
    (root / "trusthub.yaml").write_text(head + "accounts:\n" + declared, encoding="utf-8")
    return root, sids


def _sandbox(root: Path) -> Sandbox:
    from trusthub.config.settings_file import load_settings

    return Sandbox.from_settings(load_settings(root))


def _holdings(sb: Sandbox, sid: str | None) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """(sink SID, destination, description) of each sink, and the types of the one
    subscription of trusthub's, as the stock SDK sees them in one account."""
    v1 = sb.client(sid).events.v1
    sinks = [(s.sid, s.sink_configuration["destination"], s.description) for s in v1.sinks.list()]
    subscriptions = v1.subscriptions.list()
    assert len(subscriptions) == 1
    assert subscriptions[0].description == DESCRIPTION
    assert subscriptions[0].sink_sid == sinks[0][0]
    types = {
        str(e.type): int(e.schema_version or 0)
        for e in v1.subscriptions(subscriptions[0].sid).subscribed_events.list()
    }
    return sinks, types


def _lines(out: str) -> dict[str, str]:
    """account label -> its outcome word."""
    return {
        line.split(": ", 1)[0]: line.split(": ", 1)[1].split(" (", 1)[0]
        for line in out.splitlines()
        if ": " in line
    }


def test_setup_creates_in_every_account_then_changes_nothing_then_follows_the_url(
    ws: tuple[Path, dict[str, str]],
) -> None:
    root, sids = ws
    accounts = {"parent": None, "account alpha": sids["alpha"], "account beta": sids["beta"]}

    first = run_cli("events", "setup", "--url", HOOK, workspace=root, code=0).stdout
    assert _lines(first) == dict.fromkeys(accounts, "created")
    with _sandbox(root) as sb:
        made = {label: _holdings(sb, sid) for label, sid in accounts.items()}
        for token in (sb.auth_token, *(sb.account_credentials(s)[1] for s in sids.values())):
            assert token not in first
    for sinks, types in made.values():
        assert [(d, desc) for _sid, d, desc in sinks] == [(HOOK, DESCRIPTION)]
        assert types == dict(SUBSCRIBED_TYPES)
    assert len({sinks[0][0] for sinks, _ in made.values()}) == 3  # one sink per account

    second = run_cli("events", "setup", "--url", HOOK, workspace=root, code=0).stdout
    assert _lines(second) == dict.fromkeys(accounts, "unchanged")
    with _sandbox(root) as sb:
        assert {label: _holdings(sb, sid) for label, sid in accounts.items()} == made

    dry = run_cli("events", "setup", "--url", MOVED, "--dry-run", workspace=root, code=0).stdout
    assert _lines(dry) == dict.fromkeys(accounts, "would update")
    assert MOVED in dry
    with _sandbox(root) as sb:
        assert {label: _holdings(sb, sid) for label, sid in accounts.items()} == made

    moved = run_cli("events", "setup", "--url", MOVED, workspace=root, code=0).stdout
    assert _lines(moved) == dict.fromkeys(accounts, "updated")
    with _sandbox(root) as sb:
        for label, sid in accounts.items():
            sinks, types = _holdings(sb, sid)
            assert [(d, desc) for _sid, d, desc in sinks] == [(MOVED, DESCRIPTION)]
            assert sinks[0][0] != made[label][0][0][0]  # a new sink: a sink's URL is fixed
            assert types == dict(SUBSCRIBED_TYPES)
    again = run_cli("events", "setup", "--url", MOVED, workspace=root, code=0).stdout
    assert _lines(again) == dict.fromkeys(accounts, "unchanged")


def test_setup_mends_the_types_and_skips_a_suspended_subaccount(
    ws: tuple[Path, dict[str, str]],
) -> None:
    root, sids = ws
    run_cli("events", "setup", "--url", HOOK, workspace=root, code=0)
    dropped = "com.twilio.messaging.compliance.brand-registration.brand-failure"
    with _sandbox(root) as sb:
        v1 = sb.client(sids["alpha"]).events.v1
        subscription = v1.subscriptions.list()[0]
        v1.subscriptions(subscription.sid).subscribed_events(dropped).delete()
        extra = "com.twilio.messaging.compliance.number-registration.pending"
        v1.subscriptions(subscription.sid).subscribed_events.create(type=extra, schema_version=1)
        sb.set_account_status(sids["beta"], SUSPENDED)

    out = run_cli("events", "setup", "--url", HOOK, workspace=root, code=0).stdout
    lines = _lines(out)
    assert lines == {"parent": "unchanged", "account alpha": "updated", "account beta": "skipped"}
    assert "1 event types added; 1 event types removed" in out
    assert "is suspended" in out
    with _sandbox(root) as sb:
        assert _holdings(sb, sids["alpha"])[1] == dict(SUBSCRIBED_TYPES)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.com/e", "is http"),
        ("https://user:secret@hooks.example.com/e", "must not carry credentials"),
        ("hooks.example.com/e", "is not an absolute https URL"),
    ],
)
def test_setup_takes_https_urls_or_loopback_only(
    ws: tuple[Path, dict[str, str]], url: str, why: str
) -> None:
    root, _ = ws
    result = run_cli("events", "setup", "--url", url, workspace=root)
    assert result.exit_code != 0
    assert why in result.output
    assert "secret" not in result.output
    with _sandbox(root) as sb:
        assert sb.client().events.v1.sinks.list() == []
    run_cli("events", "setup", "--url", "http://127.0.0.1:9/event-streams", workspace=root, code=0)


def test_a_subaccount_s_brand_event_reaches_events_serve_through_the_sink_setup_made(
    tmp_path: Path,
) -> None:
    """`events serve` as a process (it reads the subaccount's token through the parent, to
    check what the subaccount's objects send), `events setup` pointing every account at it,
    and no operator-wide sink: the brand's decision in the subaccount arrives only through
    the subaccount's own sink and subscription."""
    world = World(
        tmp_path / "ws", operator_sink=False, clients={"brightsmile-dental": "brightsmile"}
    )
    subaccount_token = world.sandbox.account_credentials(world.accounts["brightsmile"])[1]
    env = {**os.environ, "TWILIO_AUTH_TOKEN": world.token}
    env.pop("TRUSTHUB_STATE", None)
    proc = subprocess.Popen(
        [*COMMAND, "-C", str(world.root), "events", "serve", "--bind", f"127.0.0.1:{world.port}",
         "--public-url", world.url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith(f"trusthub events listening on {world.url}"), first
        sink = f"{world.url}/event-streams"
        out = world.cli("events", "setup", "--url", sink).stdout
        # The example's northwind (northwind-outfitters' subaccount) is made by apply, which
        # has not run yet: skipped, until `events setup` runs again once it exists.
        assert _lines(out) == {
            "parent": "created",
            "account brightsmile": "created",
            "account northwind": "skipped",
        }
        assert "account northwind: skipped (not created yet: `trusthub apply` makes it)" in out
        world.apply()
        world.sandbox.approve(world.sid("profile", "brightsmile-dental", "bundle"))
        world.apply()
        world.apply()
        brand = world.sid("a2p_brand", "brightsmile-dental/a2p-brand", "brand")
        world.sandbox.approve(brand)
        sent = [
            d
            for d in world.sandbox.event_deliveries()
            if d.event["type"].endswith("brand-registration.brand-registered")
        ]
        # One delivery, through the subaccount's sink (the parent's posts to the same URL
        # but does not select the subaccount's events), answered by the receiver.
        assert [(d.sink, d.state) for d in sent] == [(sink, "delivered")]
        assert sent[0].event["data"]["accountsid"] == world.accounts["brightsmile"]
        assert world.status("brightsmile-dental/a2p-brand") == ("APPROVED", ())
        assert any(event_id == sent[0].event_id for event_id, _o, _n in world.received())
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        world.close()
    assert proc.returncode == 0, err
    assert subaccount_token not in out + err
    assert world.token not in out + err


def test_the_plan_leaves_others_sinks_alone_and_moves_ours_new_first() -> None:
    from trusthub.app.event_setup import Current, plan_account
    from trusthub.provider.api import EventSink, EventSubscription

    def sink(sid: str, desc: str, url: str) -> EventSink:
        return EventSink(sid, desc, "webhook", "active", url, "POST", True)

    wanted = {"a": 1, "b": 1}
    theirs = sink("DG1", "the team's own", HOOK)
    ours = sink("DG2", DESCRIPTION, HOOK)
    subscription = EventSubscription("DF2", DESCRIPTION, "DG2")
    current = Current([theirs, ours], [subscription], {"DF2": {"a": 1, "b": 1}})
    same = plan_account(current, url=HOOK, desc=DESCRIPTION, wanted=wanted)
    assert same.outcome == "unchanged"
    assert same.changes(HOOK, wanted) == []

    moved = plan_account(current, url=MOVED, desc=DESCRIPTION, wanted=wanted)
    assert moved.outcome == "updated"
    assert (moved.sink, moved.subscription) == (None, None)  # both made anew
    assert (moved.stale_subscriptions, moved.stale_sinks) == (("DF2",), ("DG2",))  # not DG1

    versions = Current([ours], [subscription], {"DF2": {"a": 2, "c": 1}})
    mended = plan_account(versions, url=HOOK, desc=DESCRIPTION, wanted=wanted)
    assert (mended.outcome, dict(mended.add), mended.remove) == ("updated", wanted, ("c",))
    fresh = plan_account(Current([theirs], [], {}), url=HOOK, desc=DESCRIPTION, wanted=wanted)
    assert (fresh.outcome, fresh.stale_sinks) == ("created", ())
