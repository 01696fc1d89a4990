"""Refresh: read statuses, rejection reasons, evaluation results and valid_until from the
target into the state. Twilio moves bundles through review on its own; these are
observations to record (with an audit entry per transition), never drift to revert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trusthub.app.target import Target
from trusthub.apply.objects import BUNDLE
from trusthub.errors import ProviderError
from trusthub.provider.errors import RemoteNotFound
from trusthub.state.base import StateStore


@dataclass
class RefreshResult:
    read: int = 0
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # name, from, to
    missing: list[str] = field(default_factory=list)  # bundles gone from Trust Hub


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
    for resource in store.snapshot():
        sid = store.sids(resource.kind, resource.name).get(BUNDLE)
        if sid is None:
            continue
        try:
            bundle = target.api.fetch_bundle(resource.kind, sid)
        except RemoteNotFound:
            result.missing.append(resource.name)
            progress(f"{resource.name}: bundle {sid} no longer exists on Trust Hub")
            continue
        except ProviderError as e:  # refused, unauthenticated, the network after the retries
            raise _failed(resource.name, e) from None
        result.read += 1
        reasons = bundle.errors
        if (
            bundle.status != resource.status
            or tuple(reasons) != tuple(resource.rejection_reasons)
            or bundle.valid_until != resource.valid_until
        ):
            with store.transaction() as tx:
                tx.set_status(
                    resource.kind,
                    resource.name,
                    bundle.status,
                    action="refresh",
                    reasons=reasons,
                    valid_until=bundle.valid_until,
                    actor=actor,
                    detail={"sid": sid},
                )
            if bundle.status != resource.status:
                result.changed.append((resource.name, resource.status, bundle.status))
                progress(f"{resource.name}: {resource.status} -> {bundle.status}")
    return result
