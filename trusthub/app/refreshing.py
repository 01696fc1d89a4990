"""Refresh: read statuses, rejection reasons, evaluation results and valid_until from the
target into the state, each resource through its kind's applier (`observe`). Twilio moves
resources through review on its own; these are observations to record (with an audit entry
per transition), never drift to revert. Drift (a change made outside trusthub) is read from
whole resources by `trusthub.app.drift`, after the statuses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from trusthub.app.drift import Drift, DriftCheck, check_drift, record_drift
from trusthub.app.listing import ListedReads, RefreshCache, utc_now, versions
from trusthub.app.target import Target
from trusthub.apply.accounts import Subaccounts
from trusthub.apply.kinds import APPLIERS, Observation
from trusthub.errors import ApplyError, ProviderError, TrusthubError
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.model.kinds import KINDS, PROFILE, SUBACCOUNT, TRUST_PRODUCT
from trusthub.model.kinds import subaccount as sa
from trusthub.model.privacy import fingerprint_key
from trusthub.provider.api import TrustHubProvider
from trusthub.provider.errors import AccountUnavailable, RemoteNotFound
from trusthub.state.base import StateStore
from trusthub.state.model import KEEP, RecordedResource


@dataclass
class RefreshResult:
    read: int = 0
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # name, from, to
    missing: list[str] = field(default_factory=list)  # bundles gone from Trust Hub
    drifted: list[Drift] = field(default_factory=list)  # changed outside trusthub
    gone: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, name, role, SID
    # Subaccounts that could not be read (suspended, closed, gone): account, why.
    unavailable: list[tuple[str, str]] = field(default_factory=list)


def _failed(name: str, error: ProviderError) -> ProviderError:
    """Trust Hub refused or could not be reached: the user's to fix, not a bug. The error's
    own hint when it has one (AuthenticationFailed: which credentials to check)."""
    hint = error.hint or "check the connection to Trust Hub and try again"
    return ProviderError(f"cannot refresh {name}: {error.message}", hint=hint)


@dataclass(frozen=True, slots=True)
class _Read:
    """One resource as read (network only; recorded afterwards, in the calling thread)."""

    resource: RecordedResource
    sid: str
    observed: Observation | None
    gone: bool = False


def reading_account(r: RecordedResource) -> str:
    """The account whose credentials read `r`: a subaccount is read through the parent."""
    return PARENT_ACCOUNT if r.kind == SUBACCOUNT else r.account


def _observe(
    api: TrustHubProvider, group: Sequence[tuple[RecordedResource, dict[str, str]]]
) -> list[_Read]:
    reads = []
    for resource, sids in group:
        kind = KINDS[resource.kind]
        sid = sids[kind.root_role]
        try:
            observed = APPLIERS[kind.name].observe(api, sids)
        except RemoteNotFound:
            reads.append(_Read(resource, sid, None, gone=True))
            continue
        except ProviderError as e:  # refused, unauthenticated, the network after the retries
            raise _failed(resource.name, e) from None
        reads.append(_Read(resource, sid, observed))
    return reads


def refresh_state(
    store: StateStore,
    target: Target,
    *,
    actor: str,
    progress: Callable[[str], None] = lambda message: None,
    parallelism: int = 10,
    cache_dir: Path | None = None,
    full: bool = False,
) -> RefreshResult:
    """Read every recorded resource in the account it lives in: the parent's first (its
    subaccounts' own records among them, from one listing of its subaccounts), then each
    subaccount's with that subaccount's credentials (from the same listing), up to
    `parallelism` subaccounts at a time. A subaccount that cannot be
    read (suspended, closed) is reported in `unavailable`, its resources left as recorded.

    Each account is read through its list endpoints (`trusthub.app.listing`); profiles are
    read whole (for drift) only where something moved since the last refresh recorded in
    `cache_dir`, unless `full` (or no cache, or the last full read is a day old)."""
    result = RefreshResult()
    snapshot = store.snapshot()
    groups: dict[str, list[tuple[RecordedResource, dict[str, str]]]] = {}
    for resource in snapshot:
        sids = store.sids(resource.kind, resource.name)
        if sids.get(KINDS[resource.kind].root_role) is None:
            continue
        groups.setdefault(reading_account(resource), []).append((resource, sids))
    parent_reads = ListedReads(target.api)
    reads = _observe(parent_reads.as_provider(), groups.pop(PARENT_ACCOUNT, []))
    _record(store, reads, result, actor=actor, progress=progress)
    # Each subaccount is opened from the parent's one listing of its subaccounts (the
    # listing that answered their statuses above), not with a read apiece.
    subaccounts = Subaccounts(
        parent_reads.as_provider(),
        lambda a: store.sids(SUBACCOUNT, sa.resource_name(a)).get(sa.ROLE),
    )
    apis: dict[str, ListedReads] = {PARENT_ACCOUNT: parent_reads}
    for account in sorted(groups):
        try:
            apis[account] = ListedReads(subaccounts(account))
        except (AccountUnavailable, RemoteNotFound, ApplyError) as e:
            why = e.message if isinstance(e, TrusthubError) else str(e)
            result.unavailable.append((account, why))
            progress(f"account {account}: not read ({why})")
        except ProviderError as e:
            raise _failed(f"account {account}", e) from None
    readable = [a for a in sorted(groups) if a in apis]
    if readable:
        with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(readable)))) as pool:
            futures = [pool.submit(_observe, apis[a].as_provider(), groups[a]) for a in readable]
            for future in futures:  # in account order: the same audit order every run
                _record(store, future.result(), result, actor=actor, progress=progress)
    forget_gone(store, result.gone, actor=actor)
    # Whole resources, not only statuses: what was changed outside trusthub (drift).
    key = fingerprint_key(snapshot.lineage)
    present = {r.name: r for r in store.snapshot() if r.name not in result.missing}
    unread = {a for a, _why in result.unavailable}
    by_account: dict[str, set[str]] = {}
    for name, r in present.items():
        if r.account not in unread:
            by_account.setdefault(reading_account(r), set()).add(name)
    # Read from the state once, not once an account: each account's drift check names the
    # primaries from every account's records (a thousand subaccounts made this quadratic).
    recorded = {name: store.sids(r.kind, name) for name, r in present.items()}
    now = utc_now()
    objects = {
        account: _objects_of(recorded, present, by_account[account])
        for account in sorted(apis)
        if by_account.get(account)
    }
    # Every account's listings at once, `parallelism` accounts at a time (network only; the
    # state is read and written in this thread).
    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(objects) or 1))) as pool:
        listing = {a: pool.submit(versions, apis[a], o, now=now) for a, o in objects.items()}
    for account, pending in listing.items():
        listed = apis[account]
        try:
            current = pending.result()
            cache = (
                RefreshCache(cache_dir, snapshot.lineage, account)
                if cache_dir is not None
                else None
            )
            whole = full or cache is None or cache.due_full(now)
            moved = set(current) if whole or cache is None else cache.changed(current)
            check = DriftCheck()  # nothing of this account moved: nothing to read whole
            if moved:
                check = check_drift(
                    store, listed.as_provider(), present, key, only=moved,
                    parallelism=parallelism, sids=recorded,
                )  # fmt: skip
        except ProviderError as e:
            raise _failed("the profiles", e) from None
        if cache is not None:
            cache.save(current, full=whole, now=now)
        record_drift(store, check, key, actor=actor)
        for drift in check.drifted:
            progress(f"{drift.name}: changed outside trusthub ({', '.join(drift.paths)})")
        result.drifted.extend(check.drifted)
    store.record_refresh()  # the state's age, shown to plans that cannot refresh
    return result


def _objects_of(
    recorded: Mapping[str, Mapping[str, str]],
    present: Mapping[str, RecordedResource],
    names: set[str],
) -> dict[str, dict[str, str]]:
    """Each recorded profile among `names` -> the SIDs recorded for it and its trust
    products (role, prefixed by the resource for a product -> SID)."""
    out: dict[str, dict[str, str]] = {}
    for name in sorted(names):
        r = present[name]
        if r.kind not in (PROFILE, TRUST_PRODUCT):
            continue
        owner = name.partition("/")[0]
        prefix = "" if name == owner else f"{name}:"
        sids = {f"{prefix}{role}": sid for role, sid in recorded[name].items()}
        out.setdefault(owner, {}).update(sids)
    # Profiles with a bundle on the target (drift reads only those).
    return {
        o: s
        for o, s in out.items()
        if o in present and present[o].kind == PROFILE and "bundle" in s
    }


def _record(
    store: StateStore,
    reads: Sequence[_Read],
    result: RefreshResult,
    *,
    actor: str,
    progress: Callable[[str], None],
) -> None:
    for read in reads:
        resource, sid, observed = read.resource, read.sid, read.observed
        root_role = KINDS[resource.kind].root_role
        if read.gone:
            result.missing.append(resource.name)
            result.gone.append((resource.kind, resource.name, root_role, sid))
            progress(f"{resource.name}: {root_role} {sid} no longer exists on Trust Hub")
            continue
        if observed is None:
            continue
        result.read += 1
        reasons = observed.reasons
        # A kind's own detail (a brand's TCR id) replaces the recorded one when it moved.
        detail_moved = observed.detail is not None and dict(observed.detail) != (
            resource.evaluation or {}
        )
        if (
            observed.status != resource.status
            or tuple(reasons) != tuple(resource.rejection_reasons)
            or observed.valid_until != resource.valid_until
            or detail_moved
        ):
            with store.transaction() as tx:
                tx.set_status(
                    resource.kind,
                    resource.name,
                    observed.status,
                    action="refresh",
                    reasons=reasons,
                    valid_until=observed.valid_until,
                    actor=actor,
                    detail={"sid": sid},
                    evaluation=dict(observed.detail) if observed.detail is not None else KEEP,
                )
            if observed.status != resource.status:
                result.changed.append((resource.name, resource.status, observed.status))
                progress(f"{resource.name}: {resource.status} -> {observed.status}")


def forget_gone(store: StateStore, gone: list[tuple[str, str, str, str]], *, actor: str) -> None:
    """A resource whose object is gone from Trust Hub (deleted in the Console, a sandbox
    reset) is forgotten, with a "gone" audit entry, so the plan shows it as a create, said
    out loud, instead of failing on its dead SID at every apply. Its other objects that are
    left (end users, documents) are adopted by the next apply, which reconciles
    (`trusthub.app.continuity`)."""
    if not gone:
        return
    with store.transaction() as tx:
        for kind, name, role, sid in gone:
            tx.delete_resource(kind, name, action="gone", actor=actor, detail={role: sid})
