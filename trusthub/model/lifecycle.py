"""Review lifecycles, in one place: `Lifecycle` says what each status of a kind allows;
`BUNDLE` is Trust Hub's, shared by customer profiles and trust products.

A bundle (customer profile or trust product) is created as `draft`. The only transition a
client may request is submit: `Status=pending-review`, from `draft` or (after a fix) from
`twilio-rejected`. Twilio moves it on to `in-review` and decides `twilio-approved` or
`twilio-rejected`. Bundles in review or approved cannot be edited (error 70002, see
`twilio_codes`); only draft or rejected ones can be deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from trusthub.model import twilio_codes

Status = Literal["draft", "pending-review", "in-review", "twilio-rejected", "twilio-approved"]

DRAFT: Final = "draft"
PENDING_REVIEW: Final = "pending-review"
IN_REVIEW: Final = "in-review"
REJECTED: Final = "twilio-rejected"
APPROVED: Final = "twilio-approved"

STATUSES: Final[tuple[Status, ...]] = (DRAFT, PENDING_REVIEW, IN_REVIEW, REJECTED, APPROVED)

# The only transitions a client may request: submit and resubmit.
CLIENT_TRANSITIONS: Final[frozenset[tuple[str, str]]] = frozenset(
    {(DRAFT, PENDING_REVIEW), (REJECTED, PENDING_REVIEW)}
)

_EDITABLE: Final = frozenset({DRAFT, REJECTED})
_DELETABLE: Final = frozenset({DRAFT, REJECTED})
_SUBMITTABLE: Final = frozenset({DRAFT, REJECTED})
UNDER_REVIEW: Final = frozenset({PENDING_REVIEW, IN_REVIEW})

EDIT_REFUSED_CODE: Final = twilio_codes.EDIT_LOCKED


def is_allowed_client_transition(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in CLIENT_TRANSITIONS


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """What each status of a kind allows. A new kind with another review process (a brand's,
    a toll-free verification's) declares its own; the plan and apply read only this."""

    draft: str  # the status a new object starts in
    submitted: str  # the status a submission moves it to
    approved: str
    rejected: str
    statuses: tuple[str, ...]
    editable: frozenset[str]  # statuses in which the object may be edited
    deletable: frozenset[str]
    submittable: frozenset[str]
    under_review: frozenset[str]
    review_outcome: str  # what the plan tells the reader to expect after a submission
    edit_refused_code: int | None = None  # Twilio's error code for an edit in a locked status
    resubmission_cap: int | None = None  # how often a rejected object may be resubmitted
    edit_window_days: int | None = None  # days after a rejection in which edits are accepted
    service: str = "Trust Hub"  # who holds the objects, for messages
    objects: str = "bundles"  # what they are called, for messages

    def can_edit(self, status: str | None) -> bool:
        """Whether the object's attributes may change (None: not created yet)."""
        return status is None or status in self.editable

    def can_delete(self, status: str | None) -> bool:
        return status is None or status in self.deletable

    def can_submit(self, status: str | None) -> bool:
        return status in self.submittable

    def describe_delete_refusal(self) -> str:
        """Why an object in a status that is not deletable cannot be deleted."""
        if not self.deletable:
            return f"{self.service}'s API cannot delete it"
        allowed = " or ".join(s for s in self.statuses if s in self.deletable)
        return f"{self.service} deletes only {allowed} {self.objects}"

    def describe_lock(self, status: str) -> str:
        """Why an object in `status` cannot be edited, in Twilio's terms."""
        code = f" (error {self.edit_refused_code})" if self.edit_refused_code else ""
        if status == self.approved:
            return f"is {status}: {self.service} does not allow edits{code}"
        if status in self.under_review:
            return (
                f"is {status}: {self.service} does not allow edits while a review is under "
                f"way{code}"
            )
        return f"is {status}"


BUNDLE: Final = Lifecycle(
    draft=DRAFT,
    submitted=PENDING_REVIEW,
    approved=APPROVED,
    rejected=REJECTED,
    statuses=STATUSES,
    editable=_EDITABLE,
    deletable=_DELETABLE,
    submittable=_SUBMITTABLE,
    under_review=UNDER_REVIEW,
    review_outcome=f"{PENDING_REVIEW} -> {IN_REVIEW} -> {APPROVED} | {REJECTED}",
    edit_refused_code=EDIT_REFUSED_CODE,
)
