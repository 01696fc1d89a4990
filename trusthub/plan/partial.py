"""Partial work on a plan: `--target NAME` (a part of the plan, with what it depends on) and
`apply --skip-refused` (everything that neither is refused nor hangs on a refusal).

Both are pure functions of a computed plan, so `plan` and `apply` (and a saved plan read
back) derive the same part the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from trusthub.errors import ExitCode, PlanError
from trusthub.plan.model import Action, ActionId, Plan, Verb


class UnknownTargetError(PlanError):
    """`--target NAME` names nothing the plan knows: a usage error."""

    exit_code = ExitCode.USAGE


def _closure(plan: Plan, seeds: Iterable[Action]) -> set[ActionId]:
    """The ids of `seeds` and of every action they depend on, transitively."""
    by_id = {a.id: a for a in plan.actions}
    keep: set[ActionId] = set()
    todo = [a.id for a in seeds]
    while todo:
        action_id = todo.pop()
        if action_id in keep or action_id not in by_id:
            continue
        keep.add(action_id)
        todo.extend(by_id[action_id].depends_on)
    return keep


def _profile_names(plan: Plan) -> set[str]:
    return {p.name for p in plan.profiles}


def target(plan: Plan, names: Sequence[str]) -> Plan:
    """The part of `plan` that concerns `names` (profiles, each with all its resources, or
    single resources such as `acme/cnam`) and every action those depend on, like
    Terraform's `-target`. The result records its targets, so it says it is partial and its
    checksum differs from the whole plan's."""
    if not names:
        return plan
    profiles = _profile_names(plan)
    resources = {a.resource for a in plan.actions}
    unknown = [n for n in names if n not in profiles and n not in resources]
    if unknown:
        known = ", ".join(sorted(profiles)[:5]) + (", ..." if len(profiles) > 5 else "")
        raise UnknownTargetError(
            f"--target {unknown[0]}: no profile of the workspace or resource of the plan has "
            "that name",
            hint=f"name a profile ({known}) or a resource of the plan such as NAME/cnam",
        )
    wanted = set(names)
    seeds = [a for a in plan.actions if a.resource in wanted or a.profile in wanted]
    keep = _closure(plan, seeds)
    actions = tuple(a for a in plan.actions if a.id in keep)
    shown = wanted | {a.profile for a in actions}
    return Plan(
        actions=actions,
        eligibility=tuple(e for e in plan.eligibility if e.profile in shown),
        profiles=tuple(p for p in plan.profiles if p.name in shown),
        lineage=plan.lineage,
        serial=plan.serial,
        unsafe=plan.unsafe,
        targets=tuple(sorted(wanted)),
    )


@dataclass(frozen=True, slots=True)
class HeldBack:
    """What `apply --skip-refused` does not run, and why."""

    action: Action
    because: str  # "refused", or the refused action it hangs on


def held_back(plan: Plan) -> list[HeldBack]:
    """The actions `apply --skip-refused` holds back: every refused action; every action of
        a profile that has a refused action (its profile and trust products are one unit a
        reviewer judges together, so none of it goes half-way); and every action that depends,
        transitively, on one held back. Everything else may run. Lists refused actions and the
    actions that would change Trust Hub (a waiting action runs in no apply)."""
    refused = [a for a in plan.actions if a.verb is Verb.REFUSED]
    cause: dict[ActionId, str] = {a.id: "refused" for a in refused}
    refused_profiles = {a.profile: str(a.id) for a in refused}
    for action in plan.actions:
        if action.id not in cause and action.profile in refused_profiles:
            cause[action.id] = refused_profiles[action.profile]
    changed = True
    while changed:  # actions are in apply order, so this settles in one or two passes
        changed = False
        for action in plan.actions:
            if action.id in cause:
                continue
            for dep in action.depends_on:
                if dep in cause:
                    cause[action.id] = cause[dep] if cause[dep] != "refused" else str(dep)
                    changed = True
                    break
    # Waiting actions run in no apply anyway: they are not "held back".
    return [
        HeldBack(a, cause[a.id])
        for a in plan.actions
        if a.id in cause and (a.verb is Verb.REFUSED or a.verb.changes_remote)
    ]
