"""Planning toll-free verifications (`trusthub.model.kinds.tollfree_verification`).

* Created once the profile is twilio-approved (section E of the onboarding reference: the
  profile passed as CustomerProfileSid must be approved; an ISV's own primary must be
  approved in any case), after the profile's numbers are in place. The create is the
  submission: `(none) -> PENDING_REVIEW`.
* A rejected verification that changed is edited in place while Twilio still accepts
  edits (the 7-day window; the plan shows when it closes, from the last refresh, judged
  against the plan's clock `PlanOptions.now`), and the edit puts it back in review with
  priority.
* Once the window has closed (Twilio said so at the last refresh, or its end has passed
  since), the change is made by deleting the verification and creating a new one, which
  the plan says goes to the back of Twilio's review queue.
* `--resubmit NAME` resubmits a rejected one unchanged: an edit with an `EditReason` inside
  the window, a delete and a new submission after it; refused when Twilio says the
  rejection cannot be resubmitted (`twilio_codes.TOLL_FREE_NOT_RESUBMITTABLE`).
* Its number cannot change in place: a new number is a new verification.
"""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model import twilio_codes
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, TOLLFREE_VERIFICATION
from trusthub.model.kinds import tollfree_verification as tfv
from trusthub.model.kinds.tollfree_verification import EDIT_WINDOW_EXPIRED, REJECTED
from trusthub.plan.kinds.base import KindPlanner, PlanView, Wait, profile_approval_wait
from trusthub.plan.model import ActionId, Verb

BACK_OF_THE_QUEUE = (
    "deleted and submitted anew: the new verification goes to the back of Twilio's review "
    "queue (no priority review)"
)


def window_closes(view: PlanView, name: str) -> str | None:
    """The day the edit window of a rejected verification closes (None: closed by the
    plan's clock, or Twilio reported none at the last refresh)."""
    return tfv.edit_window_closes(view.valid_until(name), view.options.now)


def _window_closed(view: PlanView, name: str, days: int | None) -> str:
    closed = tfv.edit_window_closed(view.valid_until(name), view.options.now)
    return (
        f"the {days}-day edit window after the rejection has closed"
        + (f" ({closed})" if closed else "")
        + f" (Twilio refuses edits, error {EDIT_WINDOW_EXPIRED})"
    )


class TollfreeVerificationPlanner(KindPlanner):
    kind = KINDS[TOLLFREE_VERIFICATION]

    def create_wait(self, d: DesiredResource, view: PlanView) -> Wait | None:
        return profile_approval_wait(d, view)

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return [ActionId(d.profile, Verb.CREATE), ActionId(d.profile, Verb.ASSIGN)]

    def replacement(
        self,
        d: DesiredResource,
        view: PlanView,
        status: str,
        *,
        attributes_changed: bool,
        numbers_changed: bool,
    ) -> str | None:
        if numbers_changed and self.kind.lifecycle.can_delete(status):
            return f"{d.name}: its number changed, so it is {BACK_OF_THE_QUEUE}"
        if status == REJECTED and attributes_changed and window_closes(view, d.name) is None:
            closed = _window_closed(view, d.name, self.kind.lifecycle.edit_window_days)
            return f"{d.name}: {closed}, so it is {BACK_OF_THE_QUEUE}"
        return None

    def unchanged_resubmit_refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        code = tfv.resubmittable(view.rejection_reasons(d.name))
        if code is None:
            return None
        known = twilio_codes.lookup(code)
        return (
            f"{d.name} cannot be resubmitted: Twilio does not accept a resubmission of a "
            f"verification rejected with error {code}"
            + (f" ({known.meaning}); {known.fix}" if known else "")
        )

    def resubmit_replacement(self, d: DesiredResource, view: PlanView) -> str | None:
        if window_closes(view, d.name) is not None:
            return None
        closed = _window_closed(view, d.name, self.kind.lifecycle.edit_window_days)
        return (
            f"{d.name}: resubmitted unchanged on request (--resubmit), but {closed}, so it "
            f"is {BACK_OF_THE_QUEUE}"
        )

    def update_note(self, d: DesiredResource, view: PlanView, status: str) -> str:
        closes = window_closes(view, d.name)
        if status == REJECTED and closes:
            return (
                f"edited inside the edit window (edit window closes {closes}), with an "
                "EditReason: back in review with priority"
            )
        return ""
