"""`trusthub events setup`: the Event Streams sink and subscription that bring Twilio's
brand, campaign and toll-free verification events to `trusthub events serve`, in every
account of the workspace (the parent, and each subaccount `trusthub.yaml` declares: the
onboarding reference, section I, has them made in each subaccount).

In each account trusthub owns one webhook sink and one subscription, found by their
description (`description(workspace)`, naming the workspace; no personal data). What to do
is computed first from what the account has (`plan_account`, pure), then done
(`carry_out`), so `--dry-run` shows exactly what a run would do and a second run does
nothing:

* no sink of ours: one is created, posting batches to the URL, with a subscription to
  exactly the types the events receiver understands
  (`trusthub.events.vocabulary.SUBSCRIBED_TYPES`);
* a sink of ours posting elsewhere: Twilio fixes a sink's configuration for its life
  (`POST /v1/Sinks/{Sid}` takes a description only, and a subscription's sink cannot
  change), so a new sink and subscription are made first and the old ones deleted after,
  so no event falls between them (one delivered to both is a duplicate `events serve`
  recognises by its id);
* the subscription's types differ: the missing are added, the extra removed, one at the
  wrong schema version set (`/v1/Subscriptions/{Sid}/SubscribedEvents`).

A subaccount that is suspended or closed, or that apply has not created yet, is reported and
skipped; the others are still set up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import urlsplit

from trusthub.apply.accounts import Subaccounts
from trusthub.common.net import is_loopback
from trusthub.errors import ApplyError, ConfigError, ProviderError, TrusthubError
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.provider.api import EventSink, EventSubscription, TrustHubProvider
from trusthub.provider.errors import AccountUnavailable, RemoteNotFound
from trusthub.state.base import StateStore

Outcome = Literal["created", "updated", "unchanged", "skipped", "failed"]
WEBHOOK: Final = "webhook"


def description(workspace: str) -> str:
    """The description trusthub's sink and subscription carry in every account."""
    return f"trusthub events (workspace {workspace})"


def check_url(url: str) -> str:
    """The sink's destination: https, or http on loopback (a rehearsal against `events
    serve` on 127.0.0.1); never with credentials in it (they would be shown)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    hint = (
        "the Event Streams URL `trusthub events serve` prints, e.g. "
        "https://hooks.example.com/twilio/event-streams"
    )
    if parts.username is not None or parts.password is not None:
        raise ConfigError("--url must not carry credentials (user:password@)", hint=hint)
    if not host or parts.scheme not in ("https", "http"):
        raise ConfigError(f"--url {url!r} is not an absolute https URL", hint=hint)
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"--url {url!r} is http: Twilio is given https URLs only (http is for loopback "
            "rehearsals)",
            hint=hint,
        )
    return url


@dataclass(frozen=True, slots=True)
class Current:
    """What an account has: its sinks, its subscriptions, and the types of ours."""

    sinks: Sequence[EventSink]
    subscriptions: Sequence[EventSubscription]
    types: Mapping[str, Mapping[str, int]]  # subscription SID -> type -> schema version


@dataclass(frozen=True, slots=True)
class AccountPlan:
    outcome: Outcome  # created | updated | unchanged
    sink: str | None  # the sink of ours kept; None: one is created
    subscription: str | None  # the subscription kept; None: one is created
    add: Mapping[str, int] = field(default_factory=dict)  # types added (or re-versioned)
    remove: tuple[str, ...] = ()
    stale_subscriptions: tuple[str, ...] = ()  # of ours, deleted once the new ones exist
    stale_sinks: tuple[str, ...] = ()

    def changes(self, url: str, wanted: Mapping[str, int]) -> list[str]:
        out: list[str] = []
        if self.sink is None:
            out.append(f"sink -> {url}")
        if self.subscription is None:
            out.append(f"subscription to {len(wanted)} event types")
        if self.add:
            out.append(f"{len(self.add)} event types added")
        if self.remove:
            out.append(f"{len(self.remove)} event types removed")
        out += [f"old subscription {s} deleted" for s in self.stale_subscriptions]
        out += [f"old sink {s} deleted" for s in self.stale_sinks]
        return out


def _ours(sink: EventSink, url: str) -> bool:
    return (
        sink.sink_type == WEBHOOK
        and sink.destination == url
        and sink.method == "POST"
        and sink.batch_events
        and sink.status == "active"
    )


def plan_account(
    current: Current, *, url: str, desc: str, wanted: Mapping[str, int]
) -> AccountPlan:
    """What to do in one account so that it has exactly one sink of ours posting to `url`
    and one subscription of ours on it selecting exactly `wanted`. Pure."""
    sinks = [s for s in current.sinks if s.description == desc]
    subscriptions = [s for s in current.subscriptions if s.description == desc]
    keep_sink = next((s for s in sinks if _ours(s, url)), None)
    keep_sub = (
        next((s for s in subscriptions if s.sink_sid == keep_sink.sid), None)
        if keep_sink is not None
        else None
    )
    add: dict[str, int] = {}
    remove: tuple[str, ...] = ()
    if keep_sub is not None:
        have = current.types.get(keep_sub.sid, {})
        add = {t: v for t, v in wanted.items() if have.get(t) != v}
        remove = tuple(sorted(t for t in have if t not in wanted))
    stale_subs = tuple(s.sid for s in subscriptions if s is not keep_sub)
    stale_sinks = tuple(s.sid for s in sinks if s is not keep_sink)
    plan = AccountPlan(
        outcome="unchanged",
        sink=keep_sink.sid if keep_sink else None,
        subscription=keep_sub.sid if keep_sub else None,
        add=add,
        remove=remove,
        stale_subscriptions=stale_subs,
        stale_sinks=stale_sinks,
    )
    if not sinks and not subscriptions:
        outcome: Outcome = "created"
    elif plan.changes(url, wanted):
        outcome = "updated"
    else:
        outcome = "unchanged"
    return AccountPlan(outcome, plan.sink, plan.subscription, add, remove, stale_subs, stale_sinks)


def read_current(api: TrustHubProvider, desc: str) -> Current:
    sinks = api.list_event_sinks()
    subscriptions = api.list_event_subscriptions()
    types = {
        s.sid: api.subscribed_event_types(s.sid) for s in subscriptions if s.description == desc
    }
    return Current(sinks, subscriptions, types)


def carry_out(
    api: TrustHubProvider, plan: AccountPlan, *, url: str, desc: str, wanted: Mapping[str, int]
) -> tuple[str, str]:
    """Do `plan`: new objects first, old ones deleted last. The sink's and the
    subscription's SIDs."""
    sink = plan.sink or api.create_webhook_sink(desc, url).sid
    subscription = plan.subscription
    if subscription is None:
        subscription = api.create_event_subscription(desc, sink, wanted).sid
    else:
        for type_, version in sorted(plan.add.items()):
            api.subscribe_event_type(subscription, type_, version)
        for type_ in plan.remove:
            api.unsubscribe_event_type(subscription, type_)
    for sid in plan.stale_subscriptions:
        api.delete_event_subscription(sid)
    for sid in plan.stale_sinks:
        api.delete_event_sink(sid)
    return sink, subscription


@dataclass(frozen=True, slots=True)
class AccountResult:
    account: str  # "parent" or the logical name
    outcome: Outcome
    detail: str  # what was (or would be) done, or why it was skipped


def _subaccounts(
    parent: TrustHubProvider, store: StateStore, declared: Mapping[str, str | None]
) -> Subaccounts:
    return Subaccounts(parent, store.sids, declared)


def signing_tokens(
    parent: TrustHubProvider, store: StateStore, accounts: Sequence[tuple[str, str | None]]
) -> tuple[list[str], list[tuple[str, str]]]:
    """The auth tokens of the declared subaccounts, for `events serve` to check what they
    send (Twilio signs an account's webhooks with that account's token), and the accounts
    that could not be read (name, why)."""
    subaccounts = _subaccounts(parent, store, dict(accounts))
    tokens: list[str] = []
    missing: list[tuple[str, str]] = []
    for name, _sid in accounts:
        try:
            tokens.append(subaccounts(name).signing_token())
        except (AccountUnavailable, RemoteNotFound, ApplyError) as e:
            missing.append((name, e.message if isinstance(e, TrusthubError) else str(e)))
    return tokens, missing


def setup(
    parent: TrustHubProvider,
    store: StateStore,
    *,
    workspace: str,
    accounts: Sequence[tuple[str, str | None]],
    url: str,
    types: Mapping[str, int],
    dry_run: bool,
    progress: Callable[[AccountResult], None] = lambda r: None,
) -> list[AccountResult]:
    """Set up every account: the parent, then each declared subaccount (`accounts`: its
    logical name and the SID trusthub.yaml gives, if any; else the one the state
    recorded when apply made it). `types`: event type -> schema version, what the
    subscription selects (the events receiver's vocabulary: `events` is beside `app`, so
    the command hands it over)."""
    declared = dict(accounts)
    desc = description(workspace)
    wanted = dict(types)
    subaccounts = _subaccounts(parent, store, declared)
    results: list[AccountResult] = []
    sid_of = subaccounts.sid_of
    for name in (PARENT_ACCOUNT, *declared):
        if name != PARENT_ACCOUNT and sid_of(name) is None:
            result = AccountResult(name, "skipped", "not created yet: `trusthub apply` makes it")
            progress(result)
            results.append(result)
            continue
        try:
            api = parent if name == PARENT_ACCOUNT else subaccounts(name)
        except (AccountUnavailable, RemoteNotFound, ApplyError) as e:
            why = e.message if isinstance(e, TrusthubError) else str(e)
            result = AccountResult(name, "skipped", why)
        else:
            result = _one(api, name, url=url, desc=desc, wanted=wanted, dry_run=dry_run)
        progress(result)
        results.append(result)
    return results


def _one(
    api: TrustHubProvider,
    name: str,
    *,
    url: str,
    desc: str,
    wanted: Mapping[str, int],
    dry_run: bool,
) -> AccountResult:
    try:
        plan = plan_account(read_current(api, desc), url=url, desc=desc, wanted=wanted)
        changes = plan.changes(url, wanted)
        if dry_run or plan.outcome == "unchanged":
            kept = f"sink {plan.sink} -> {url}, subscription {plan.subscription}"
            detail = "; ".join(changes) if changes else kept
            return AccountResult(name, plan.outcome, detail)
        sink, subscription = carry_out(api, plan, url=url, desc=desc, wanted=wanted)
        done = "; ".join(changes)
        made = f"{done}; sink {sink}, subscription {subscription}"
        return AccountResult(name, plan.outcome, made)
    except ProviderError as e:
        return AccountResult(name, "failed", e.message)
