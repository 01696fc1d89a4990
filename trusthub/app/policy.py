"""What a plan is made with and what it may go ahead with: the one place both are decided.

`plan_options` derives the planner's options from the settings. Every target is planned
alike: in particular a primary profile is never created or submitted through the API on
any target (Twilio makes primaries only in its Console; the sandbox answers as Twilio
does), it is adopted by its SID. The plan's clock is read here (`utc_now`, which tests
replace), so the planner stays pure.

`refusal` is the refusal policy that `plan` (exit 1) and `apply` (raises the error, nothing
applied) share, so the two commands cannot disagree about a plan. A refused action is never
applied: without `--skip-refused` a plan with one applies nothing; with it, apply runs what
`trusthub.plan.partial.held_back` does not hold back, then exits 1 all the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from trusthub.config.settings import Settings
from trusthub.errors import PlanError
from trusthub.plan.engine import PlanOptions
from trusthub.plan.model import Plan
from trusthub.plan.partial import held_back


def utc_now() -> str:
    """Now, as the plan's clock reads it (ISO 8601, UTC, whole seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def iso_after(since: str, seconds: float) -> str | None:
    """The ISO 8601 UTC time `seconds` after `since` (None if `since` does not parse)."""
    try:
        start = datetime.fromisoformat(since)
    except ValueError:
        return None
    return (start + timedelta(seconds=seconds)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_options(
    settings: Settings,
    *,
    now: str | None = None,
    resubmit: Iterable[str] = (),
    close_accounts: Iterable[str] = (),
) -> PlanOptions:
    return PlanOptions(
        now=now or utc_now(),
        resubmit=frozenset(resubmit),
        close_accounts=frozenset(close_accounts),
    )


def refusal(plan: Plan, *, force: bool, skip_refused: bool = False) -> PlanError | None:
    """Why `plan` must not go ahead, or None when it may. A refused change is never
    applied; an unsafe plan (the safety valve, the fee budget) only with `force`. With
    `skip_refused`, refused actions do not stop the rest (the caller holds them back and
    what depends on them, and still fails: see `held_back_error`)."""
    if plan.refused and not skip_refused:
        return PlanError(
            f"the plan refuses {len(plan.refused)} change(s); nothing was applied",
            hint="resolve what the plan says is refused, then apply again",
        )
    if plan.unsafe and not force:
        return PlanError("; ".join(plan.unsafe))
    return None


def held_back_error(plan: Plan) -> PlanError | None:
    """The error an `apply --skip-refused` ends with when it held anything back: the run
    applied the rest, but the workspace is not what Trust Hub holds, so it must not pass."""
    held = held_back(plan)
    if not held:
        return None
    return PlanError(
        f"{len(plan.refused)} refused change(s) and {len(held) - len(plan.refused)} action(s) "
        "that depend on them were held back; the rest was applied",
        hint="resolve what the plan says is refused, then apply again",
    )
