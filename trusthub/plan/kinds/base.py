"""What the plan engine asks a kind: the kind-specific half of planning.

The engine (`trusthub.plan.engine`) owns what every kind shares: diffing, the lifecycle's
edit and delete locks, submissions and resubmissions, ordering. A `KindPlanner` answers the
rest: what a create or a submission waits for, which actions it must follow, what blocks a
delete, and the eligibility report. Every hook has a neutral default, so a simple kind
overrides only what it needs. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from trusthub.model import lifecycle as lc
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import ResourceKind
from trusthub.plan.model import Action, ActionId, FieldChange, ProductEligibility, Verb


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """What the settings and the command tell the planner, derived by `trusthub.app.policy`.
    Every target is planned alike (primaries, which once were submitted through the API on
    the sandbox only, are now adopted from the Console everywhere); what the options carry
    is the plan's clock and the resubmissions asked for."""

    # When the plan is made (ISO 8601, UTC): deadlines the target reported (a toll-free
    # verification's edit window) are judged against it. Injected, so plans stay pure.
    now: str
    # Rejected resources to resubmit unchanged (`--resubmit NAME`): the cause of the
    # rejection lay outside the YAML (a website that was down, a record Twilio could not
    # reach).
    resubmit: frozenset[str] = frozenset()
    # Subaccounts (logical names) to close once they left trusthub.yaml (`--close-account
    # NAME`): closing is never implicit; without it, such an account is only forgotten.
    close_accounts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class LockedEdit:
    """An edit Twilio documents for an object its status otherwise locks (the brand contact
    of an A2P trust product whose brand's Authentication+ failed): what the plan says of
    it, and the fees it carries."""

    note: str
    fees: Sequence[str] = field(default=())


@dataclass(frozen=True, slots=True)
class Wait:
    """An action that cannot happen in this apply: why, and what it waits on."""

    reason: str
    depends_on: Sequence[ActionId] = field(default=())


class PlanView(Protocol):
    """The engine's read-only view of the workspace and the state, for the planners."""

    @property
    def options(self) -> PlanOptions: ...
    def desired(self, name: str) -> DesiredResource | None: ...
    def status(self, name: str) -> str | None: ...
    def valid_until(self, name: str) -> str | None:
        """The recorded `valid_until` of a resource (a deadline the target reported)."""
        ...

    def status_since(self, name: str) -> str | None:
        """Since when (ISO 8601 UTC) the resource has its recorded status."""
        ...

    def rejection_reasons(self, name: str) -> Sequence[str]:
        """The recorded rejection reasons of a resource ("CODE: message", `twilio_codes`)."""
        ...

    def recorded_attributes(self, name: str) -> Mapping[str, Any]:
        """The recorded (sealed) attributes of a resource that left the workspace."""
        ...

    def attribute(self, name: str, key: str) -> Any:
        """`key` of the resource's attributes: desired, else as recorded."""
        ...

    def children(self, name: str) -> Sequence[str]:
        """The other resources owned by `name` (desired or recorded), sorted."""
        ...

    def referring(self, key: str, name: str) -> Sequence[str]:
        """Desired resources whose attribute `key` is `name`, sorted."""
        ...

    def recorded_referring(self, key: str, name: str) -> Sequence[str]:
        """Resources that left the workspace whose recorded attribute `key` is `name`."""
        ...

    def action(self, action_id: ActionId) -> Action | None:
        """An action planned so far."""
        ...

    def recorded_sid(self, name: str) -> str | None:
        """The SID recorded for a desired resource that names its own SID (see
        `KindPlanner.console_sid`); None when none is recorded."""
        ...

    def in_account(self, account: str) -> Sequence[str]:
        """The resources (desired or recorded) that live in the subaccount `account`, sorted;
        its own record excluded."""
        ...

    def recorded_detail(self, name: str) -> Mapping[str, Any]:
        """What apply and refresh recorded of the resource beyond its status (its last
        evaluation, or a kind's own detail such as a brand's TCR id); empty if nothing."""
        ...


class KindPlanner:
    kind: ClassVar[ResourceKind]

    def rank(self, name: str, view: PlanView) -> int:
        """Where the resources owned by `name` come in the plan (lower first)."""
        return 0

    def eligibility(self, d: DesiredResource, view: PlanView) -> ProductEligibility | None:
        """The line of the eligibility report for `d`, if the kind has one."""
        return None

    def refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        """Why `d` can never be had as written (refused before anything else)."""
        return None

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return ()

    def create_wait(self, d: DesiredResource, view: PlanView) -> Wait | None:
        return None

    def assign_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return ()

    def submit_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return ()

    def submit_wait(self, d: DesiredResource, view: PlanView) -> str | None:
        """Why `d` cannot be submitted in this apply ("waits for ..."), or None."""
        return None

    def resubmit_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        """Actions of this plan, on other resources, whose fix a rejected `d` is resubmitted
        to pick up (besides its own edits); the resubmission follows them."""
        return ()

    def fixed_earlier(self, d: DesiredResource, view: PlanView) -> str | None:
        """Why a rejected `d` is resubmitted for a fix an earlier run applied elsewhere (a
        brand's profile or trust product, resubmitted after the brand failed), or None."""
        return None

    def resubmit_refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        """Why Twilio would refuse the resubmission of a rejected `d` (a cap, a missing id)."""
        return None

    def unchanged_resubmit_refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        """Why a rejected `d` cannot be resubmitted unchanged (`--resubmit`): its kind or
        its rejection forbids it. None: it may be."""
        return None

    def resubmit_replacement(self, d: DesiredResource, view: PlanView) -> str | None:
        """Why an unchanged resubmission of a rejected `d` is made by deleting it and
        creating it anew (shown on both actions), or None: it is resubmitted in place."""
        return None

    def deletable(self, name: str, view: PlanView) -> bool:
        """Whether a resource that left the workspace may be deleted in its recorded status
        (the kind's lifecycle, unless the product says more: Twilio lets a CNAM trust
        product be deleted once approved)."""
        return self.kind.lifecycle.can_delete(view.status(name))

    def fees(self, d: DesiredResource, verb: Verb, view: PlanView) -> Sequence[str]:
        """The kinds of fee Twilio charges for the action `verb` on `d` (empty: free)."""
        return ()

    def replacement(
        self,
        d: DesiredResource,
        view: PlanView,
        status: str,
        *,
        attributes_changed: bool,
        numbers_changed: bool,
    ) -> str | None:
        """Why a change of the existing `d` is made by deleting it and creating it anew
        (shown on both actions), or None: it is changed in place as the lifecycle allows."""
        return None

    def locked_edit(
        self, d: DesiredResource, view: PlanView, status: str, changes: Sequence[FieldChange]
    ) -> LockedEdit | None:
        """The one kind of edit Twilio allows of `d` although `status` locks it, when
        `changes` are that edit; None (the default): the lock refuses them."""
        return None

    def update_note(self, d: DesiredResource, view: PlanView, status: str) -> str:
        """What the plan says about an update of `d` in `status` (e.g. a deadline)."""
        return ""

    def forget(self, name: str, view: PlanView) -> str | None:
        """Why a resource that left the workspace is only forgotten by trusthub, left on
        the target as it is (shown on the action), or None: it is deleted as usual."""
        return None

    def delete_note(self, name: str, view: PlanView) -> str:
        """What the plan says about the deletion of a resource that left the workspace."""
        return ""

    def delete_blockers(self, name: str, view: PlanView) -> Sequence[str]:
        """Why a resource that left the workspace cannot be deleted, beyond its status."""
        return ()

    def delete_after(self, name: str, view: PlanView) -> Sequence[ActionId]:
        """Deletions that must come first (the engine adds the resource's children)."""
        return ()

    # -- objects made outside trusthub (the Twilio Console) --------------------------------

    def console_sid(self, d: DesiredResource, view: PlanView) -> str | None:
        """The SID of the existing object `d` stands for, when the Twilio Console makes and
        owns it (a primary profile): the engine then adopts it by that SID and never
        creates, updates, submits or deletes it. None: trusthub makes it."""
        return None

    def adopt_note(self, d: DesiredResource, view: PlanView, sid: str) -> str:
        """What the plan says about the adoption of `d`."""
        return f"{d.name} is made in the Twilio Console: apply reads {sid} and records it"

    def drift_note(self, d: DesiredResource, view: PlanView, sid: str) -> str:
        """What the plan says about a Console-owned `d` whose YAML changed."""
        return f"{d.name} ({sid}) is managed in the Twilio Console: change this there"

    def console_sid_mismatch(
        self, d: DesiredResource, view: PlanView, recorded: str | None, sid: str
    ) -> str:
        """Why a Console-owned `d` is refused when the state records another SID for it."""
        return f"{d.name}: the state records {recorded or 'no SID'}, the file names {sid}"

    def console_wait(self, d: DesiredResource, view: PlanView, status: str) -> str | None:
        """What a Console-owned `d` in `status` waits for (its review, in the Console)."""
        return None


def profile_approval_wait(d: DesiredResource, view: PlanView) -> Wait | None:
    """The wait of a resource created only once its profile is approved (a trust product,
    a toll-free verification), or None when the profile is approved."""
    pstatus = view.status(d.profile)
    if pstatus == lc.APPROVED:
        return None
    if view.action(ActionId(d.profile, Verb.ADOPT)) is not None:
        # A primary made in the Console is approved before it is used; apply checks the
        # status its adoption recorded before it creates anything on it.
        return None
    return Wait(
        f"create waits for {d.profile} to be {lc.APPROVED} (now {pstatus or 'not created'})",
        [ActionId(d.profile, Verb.SUBMIT), ActionId(d.profile, Verb.RESUBMIT)],
    )
