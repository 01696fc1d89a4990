"""The safety valve (octoDNS's idea): a plan that would update or delete too large a share
of the recorded profiles is refused unless --force. The fee budget likewise: a plan with more
fee-bearing actions of a kind than `fees.max_per_apply` allows. Pure; the CLI decides."""

from __future__ import annotations

from trusthub.config.settings import FeeSettings, SafetySettings
from trusthub.model.fees import settings_key
from trusthub.model.kinds import PROFILE
from trusthub.plan.model import Plan, Verb

_UPDATES = (Verb.UPDATE, Verb.ASSIGN, Verb.RESUBMIT)


def unsafe_reasons(plan: Plan, recorded_profiles: int, safety: SafetySettings) -> list[str]:
    if recorded_profiles < max(safety.min_profiles, 1):
        return []
    updated = {a.profile for a in plan.actions if a.verb in _UPDATES}
    deleted = {a.resource for a in plan.actions if a.verb is Verb.DELETE and a.kind == PROFILE}
    reasons = []
    for what, names, limit in (
        ("update", updated, safety.max_update_percent),
        ("delete", deleted, safety.max_delete_percent),
    ):
        share = 100.0 * len(names) / recorded_profiles
        if share > limit:
            reasons.append(
                f"the plan would {what} {len(names)} of {recorded_profiles} recorded profiles "
                f"({share:.0f}%, over the {limit:g}% limit in trusthub.yaml safety."
                f"max_{what}_percent); rerun with --force if that is intended"
            )
    return reasons


def over_budget(plan: Plan, fees: FeeSettings) -> list[str]:
    """Why the plan's fee-bearing actions exceed the fee budget (empty: they fit)."""
    limits = fees.limits
    reasons = []
    for fee, count in plan.fee_totals().items():
        key = settings_key(fee)
        limit = limits[key]
        if count > limit:
            reasons.append(
                f"the plan would pay the {fee} fee {count} time{'s' if count > 1 else ''}, "
                f"over the limit of {limit} in trusthub.yaml fees.max_per_apply.{key}; "
                "rerun with --force if that is intended"
            )
    return reasons
