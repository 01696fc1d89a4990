"""Refresh: read statuses, rejection reasons, evaluation results and valid_until from the
target into the state, each resource through its kind's applier (`observe`). Twilio moves
resources through review on its own; these are observations to record (with an audit entry
per transition), never drift to revert. Drift (a change made outside trusthub) is read from
whole resources by `trusthub.app.drift`, after the statuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trusthub.app.drift import Drift, check_drift, record_drift
from trusthub.app.target import Target
from trusthub.apply.kinds import APPLIERS
from trusthub.errors import ProviderError
from trusthub.model.kinds import KINDS
from trusthub.model.privacy import fingerprint_key
from trusthub.provider.errors import RemoteNotFound
from trusthub.state.base import StateStore
from trusthub.state.model import KEEP


@dataclass
class RefreshResult:
    read: int = 0
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # name, from, to
    missing: list[str] = field(default_factory=list)  # bundles gone from Trust Hub
    drifted: list[Drift] = field(default_factory=list)  # changed outside trusthub
    gone: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, name, role, SID


def _failed(name: str, error: ProviderError) -> ProviderError:
    """Trust Hub refused or could not be reached: the user's to fix, not a bug. The error's
    own hint when it has one (AuthenticationFailed: which credentials to check)."""
    hint = error.hint or "check the connection to Trust Hub and try again"
    return ProviderError(f"cannot refresh {name}: {error.message}", hint=hint)


def refresh_state(
    store: StateStore,
    target: Target,
    *,
    actor: str,
    progress: Callable[[str], None] = lambda message: None,
) -> RefreshResult:
    result = RefreshResult()
    snapshot = store.snapshot()
    for resource in snapshot:
        kind = KINDS[resource.kind]
        sids = store.sids(resource.kind, resource.name)
        sid = sids.get(kind.root_role)
        if sid is None:
            continue
        try:
            observed = APPLIERS[kind.name].observe(target.api, sids)
        except RemoteNotFound:
            result.missing.append(resource.name)
            result.gone.append((resource.kind, resource.name, kind.root_role, sid))
            progress(f"{resource.name}: {kind.root_role} {sid} no longer exists on Trust Hub")
            continue
        except ProviderError as e:  # refused, unauthenticated, the network after the retries
            raise _failed(resource.name, e) from None
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
    forget_gone(store, result.gone, actor=actor)
    # Whole resources, not only statuses: what was changed outside trusthub (drift).
    key = fingerprint_key(snapshot.lineage)
    present = {r.name: r for r in store.snapshot() if r.name not in result.missing}
    try:
        check = check_drift(store, target.api, present, key)
    except ProviderError as e:
        raise _failed("the profiles", e) from None
    record_drift(store, check, key, actor=actor)
    for drift in check.drifted:
        progress(f"{drift.name}: changed outside trusthub ({', '.join(drift.paths)})")
    result.drifted = check.drifted
    return result


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
