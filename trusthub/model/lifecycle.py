"""Trust Hub's review lifecycle, in one place.

A bundle (customer profile or trust product) is created as `draft`. The only transition a
client may request is submit: `Status=pending-review`, from `draft` or (after a fix) from
`twilio-rejected`. Twilio moves it on to `in-review` and decides `twilio-approved` or
`twilio-rejected`. Bundles in review or approved cannot be edited (error 60711); only
draft or rejected ones can be deleted.
"""

from __future__ import annotations

from typing import Final, Literal

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

# Fields fixed when the bundle is created: changing one means a new profile.
IMMUTABLE_PROFILE_FIELDS: Final = ("type", "role", "primary")

EDIT_REFUSED_CODE: Final = 60711


def can_edit(status: str | None) -> bool:
    """Whether the bundle's attributes, end users and documents may change."""
    return status is None or status in _EDITABLE


def can_delete(status: str | None) -> bool:
    return status is None or status in _DELETABLE


def can_submit(status: str | None) -> bool:
    return status in _SUBMITTABLE


def is_allowed_client_transition(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in CLIENT_TRANSITIONS


def describe_lock(status: str) -> str:
    """Why a bundle in `status` cannot be edited, in Trust Hub's terms."""
    if status == APPROVED:
        return f"is {status}: Trust Hub does not allow edits (error {EDIT_REFUSED_CODE})"
    if status in UNDER_REVIEW:
        return (
            f"is {status}: Trust Hub does not allow edits while a review is under way "
            f"(error {EDIT_REFUSED_CODE})"
        )
    return f"is {status}"
