"""What a plan is made with and what it may go ahead with: the one place both are decided.

`plan_options` derives the planner's options from the settings. Every target is planned
alike: in particular a primary profile is never created or submitted through the API on
any target (Twilio makes primaries only in its Console; the sandbox answers as Twilio
does), it is adopted by its SID.

`refusal` is the refusal policy that `plan` (exit 1) and `apply` (raises the error, nothing
applied) share, so the two commands cannot disagree about a plan.
"""

from __future__ import annotations

from trusthub.config.settings import Settings
from trusthub.errors import PlanError
from trusthub.plan.engine import PlanOptions
from trusthub.plan.model import Plan


def plan_options(settings: Settings) -> PlanOptions:
    return PlanOptions()


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
