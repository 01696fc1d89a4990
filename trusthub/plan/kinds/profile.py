"""Planning customer profiles: primaries first; a secondary is created after its primary
and submitted once the primary is approved; a primary is submitted through the API only
where the target allows it."""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model import lifecycle as lc
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, PROFILE
from trusthub.plan.kinds.base import KindPlanner, PlanView
from trusthub.plan.model import ActionId, Verb


class ProfilePlanner(KindPlanner):
    kind = KINDS[PROFILE]

    def rank(self, name: str, view: PlanView) -> int:
        return 0 if view.attribute(name, "role") == "primary" else 1

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return [ActionId(d.primary, Verb.CREATE)] if d.primary else []

    def submit_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return [ActionId(d.primary, Verb.SUBMIT)] if d.primary else []

    def submit_wait(self, d: DesiredResource, view: PlanView) -> str | None:
        if d.role == "primary" and not view.options.submit_primary_via_api:
            return (
                "Trust Hub accepts primary profile submissions only in the Twilio Console: "
                "submit it there; `trusthub refresh` records the outcome"
            )
        if d.primary:
            pstatus = view.status(d.primary)
            if pstatus != lc.APPROVED:
                return (
                    f"waits for its primary {d.primary} to be {lc.APPROVED} "
                    f"(now {pstatus or 'not created'})"
                )
        return None

    def delete_blockers(self, name: str, view: PlanView) -> Sequence[str]:
        blockers = []
        for child in view.children(name):
            if (a := view.action(ActionId(child, Verb.REFUSED))) is not None:
                blockers.append(f"its trust product {child} stays ({a.reason})")
        for other in view.referring("primary", name):
            blockers.append(f"secondary {other} still names it as primary")
        for other in view.recorded_referring("primary", name):
            if view.action(ActionId(other, Verb.REFUSED)) is not None:
                blockers.append(f"secondary {other} cannot be deleted")
        return blockers

    def delete_after(self, name: str, view: PlanView) -> Sequence[ActionId]:
        return [ActionId(other, Verb.DELETE) for other in view.recorded_referring("primary", name)]
