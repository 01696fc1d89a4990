"""Planning customer profiles: primaries first; a secondary is created after its primary
is adopted and submitted once the primary is approved.

A primary is made in the Twilio Console (Twilio's API refuses to create or submit one) and
named in its file by `sid:`. The engine adopts it by that SID and from then on never writes
it: a change of its YAML is drift to make in the Console, and removing its file only
forgets it. Its phone numbers and its trust products are still trusthub's (see
`trusthub.model.kinds.profile`).
"""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model import lifecycle as lc
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, PROFILE
from trusthub.plan.kinds.base import KindPlanner, PlanView
from trusthub.plan.model import ActionId, Verb


def _adoption_of_primary(d: DesiredResource, view: PlanView) -> list[ActionId]:
    """The adoption of the secondary `d`'s primary, when the workspace has that primary (a
    dangling reference is the primary-reference rule's to report)."""
    if d.primary and view.desired(d.primary) is not None:
        return [ActionId(d.primary, Verb.ADOPT)]
    return []


class ProfilePlanner(KindPlanner):
    kind = KINDS[PROFILE]

    def rank(self, name: str, view: PlanView) -> int:
        return 0 if view.attribute(name, "role") == "primary" else 1

    def refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        # Validation refuses it first (rule primary-sid); the plan never falls back on
        # creating a primary through the API, which Twilio refuses.
        if d.role == "primary" and self.console_sid(d, view) is None:
            return (
                f"{d.name}: a primary profile is created in the Twilio Console; put its SID "
                f"in {d.path or 'its file'} as `sid: BU...`; for a rehearsal: "
                f"`trusthub sandbox console create-primary {d.path or 'FILE'}`"
            )
        return None

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        # The secondary's entity assignment names the adopted primary's SID.
        return _adoption_of_primary(d, view)

    def submit_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return _adoption_of_primary(d, view)

    def submit_wait(self, d: DesiredResource, view: PlanView) -> str | None:
        if d.primary:
            pstatus = view.status(d.primary)
            # A primary adopted in this plan: the Console approved it before it was used,
            # and apply checks the status the adoption records before it submits.
            adopting = view.action(ActionId(d.primary, Verb.ADOPT)) is not None
            if pstatus != lc.APPROVED and not adopting:
                return (
                    f"waits for its primary {d.primary} to be {lc.APPROVED} "
                    f"(now {pstatus or 'not adopted yet'}): approved in the Twilio Console; "
                    "`trusthub refresh` records it"
                )
        return None

    def console_sid(self, d: DesiredResource, view: PlanView) -> str | None:
        sid = d.attributes.get("sid") if d.role == "primary" else None
        return sid if isinstance(sid, str) else None

    def adopt_note(self, d: DesiredResource, view: PlanView, sid: str) -> str:
        secondaries = view.referring("primary", d.name)
        isv = (
            f", and that its business identity is ISV Reseller or Partner "
            f"(secondaries: {', '.join(secondaries)})"
            if secondaries
            else ""
        )
        return (
            f"{d.name} is made in the Twilio Console: apply reads {sid}, checks that it is a "
            f"primary {d.attributes.get('type')} profile of this account{isv}, and records it; "
            "trusthub never creates, edits, submits or deletes it"
        )

    def drift_note(self, d: DesiredResource, view: PlanView, sid: str) -> str:
        return (
            f"{d.name} ({sid}) is managed in the Twilio Console: change this there; "
            "apply changes nothing on it"
        )

    def console_sid_mismatch(
        self, d: DesiredResource, view: PlanView, recorded: str | None, sid: str
    ) -> str:
        held = f"bundle {recorded}" if recorded else "no bundle SID"
        keep = f"; if the recorded one is right, set `sid: {recorded}` in {d.path}"
        return (
            f"{d.name}: the state records {held} for this primary, but its file names {sid}. "
            f"If {sid} is the primary made in the Twilio Console, stop managing the old "
            f"record with `trusthub state rm {d.name}` (nothing is deleted on Twilio) and plan "
            "again: it is then adopted" + (keep if recorded else "")
        )

    def console_wait(self, d: DesiredResource, view: PlanView, status: str) -> str | None:
        if status == lc.APPROVED:
            return None
        return (
            f"{d.name} is {status}: it is reviewed in the Twilio Console (fix and submit it "
            "there); `trusthub refresh` records the outcome"
        )

    def forget(self, name: str, view: PlanView) -> str | None:
        if view.attribute(name, "role") != "primary":
            return None
        return (
            f"{name} is managed in the Twilio Console: removing its file stops trusthub "
            "managing it; nothing is deleted on Twilio"
        )

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
