"""What a plan is made with and what it may go ahead with: the one place both are decided.

`plan_options` derives the planner's options from the settings. There is no permissive
default to fall back on: a primary profile is submitted through the API only on the
sandbox, because real Trust Hub refuses such submissions. The plan's clock is read here
(`utc_now`, which tests replace), so the planner stays pure.

`refusal` is the refusal policy that `plan` (exit 1) and `apply` (raises the error, nothing
applied) share, so the two commands cannot disagree about a plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from trusthub.config.settings import Settings
from trusthub.errors import PlanError
from trusthub.plan.engine import PlanOptions
from trusthub.plan.model import Plan

# The targets on which a primary profile may be submitted through the API. Anything else
# (real Twilio, or a target added later) gets the safe answer: submit in the Console.
_SUBMITS_PRIMARY_VIA_API = frozenset({"sandbox"})


def utc_now() -> str:
    """Now, as the plan's clock reads it (ISO 8601, UTC, whole seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def plan_options(
    settings: Settings, *, now: str | None = None, resubmit: Iterable[str] = ()
) -> PlanOptions:
    return PlanOptions(
        submit_primary_via_api=settings.target in _SUBMITS_PRIMARY_VIA_API,
        now=now or utc_now(),
        resubmit=frozenset(resubmit),
    )


def refusal(plan: Plan, *, force: bool) -> PlanError | None:
    """Why `plan` must not go ahead, or None when it may. A refused change is never
    applied; an unsafe plan (the safety valve, the fee budget) only with `force`."""
    if plan.refused:
        return PlanError(
            f"the plan refuses {len(plan.refused)} change(s); nothing was applied",
            hint="resolve what the plan says is refused, then apply again",
        )
    if plan.unsafe and not force:
        return PlanError("; ".join(plan.unsafe))
    return None
