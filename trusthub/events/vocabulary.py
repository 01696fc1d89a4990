"""What Twilio's events say, in trusthub's terms: the one place that maps a Trust Hub status
callback and an Event Streams event type to a resource kind's status and rejection reasons.

Sources (the onboarding reference, section J): a Trust Hub status callback is a form post
`AccountSid, BundleSid, Status, FailureReason` (the fields are UNCONFIRMED; `ValidUntil` is
read when present). Event Streams deliveries are JSON arrays of CloudEvents
(`id, type, source, time, dataschema, data`), at least once and in any order.

UNCONFIRMED points, and the choice made for each (the stricter reading):
* Whether Event Streams webhooks are signed. They are required to be: an Event Streams
  delivery must carry `X-Twilio-Signature` over its URL with `bodySHA256` (the hex SHA-256
  of the body) in its query, the scheme Twilio uses for JSON webhooks, which the twilio
  SDK's `RequestValidator` checks. An unsigned delivery is refused (403).
* A Trust Hub callback has no event id and no time. Twilio webhooks carry
  `I-Twilio-Idempotency-Token`, which is its id when present (a duplicate is recognised by
  it); without one, a callback is applied as an observation (applying the same status
  twice changes nothing but the history). With no time to order by, a callback never moves
  a status back in the review's order (`pending < in review < decided`); a decision may
  replace a decision (a later revocation).
* The brand events' status: `data.brandstatus` (`registered` -> APPROVED,
  `registration_failed` -> FAILED) when present, else the event type below.
  `brand-unverified` and `brand-secondary-vetting-failure` are recorded in the history
  without a status change (they are about vetting, not registration).
* The toll-free events' status: `data.verificationstatus` in upper case (`in_review` ->
  IN_REVIEW) when it is one of the kind's statuses, else the event type below. Their
  rejection reasons are read from `rejectionreasons` (a list of `{code, reason}`) or
  `rejectionreason` with `errorcode`; the reference lists neither field. A rejection's
  edit window is taken to close `EDIT_WINDOW_DAYS` after the event's time (section E: 7
  days after the rejection); a refresh reads Twilio's own `edit_expiration`.
* A campaign's status from its event type (`campaign-approved` -> VERIFIED,
  `campaign-failure` -> FAILED with `failureReason`, `campaign-submitted` -> PENDING).
  Number-registration events are recognised and recorded without a status change (no kind
  follows a number's registration).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

PREFIX: Final = "com.twilio.messaging.compliance."

# Kind names (`trusthub.model.kinds.KINDS`) and the role of the object an event names.
PROFILE: Final = "profile"
TRUST_PRODUCT: Final = "trust_product"
BRAND: Final = "a2p_brand"
TOLLFREE: Final = "tollfree_verification"
CAMPAIGN_KIND: Final = "a2p_campaign"

BUNDLE_ROLES: Final = ("bundle",)
BRAND_ROLES: Final = ("brand",)
TOLLFREE_ROLES: Final = ("verification",)
CAMPAIGN_ROLES: Final = ("campaign",)

# Event type (after PREFIX) -> (the data field holding the SID, roles, status or None).
BRAND_TYPES: Final[Mapping[str, str | None]] = {
    "brand-registration.brand-registered": "APPROVED",
    "brand-registration.brand-failure": "FAILED",
    "brand-registration.brand-verified": "APPROVED",
    "brand-registration.brand-vetted-verified": "APPROVED",
    "brand-registration.brand-unverified": None,
    "brand-registration.brand-secondary-vetting-failure": None,
}
BRAND_STATUS_FIELD: Final[Mapping[str, str]] = {
    "registered": "APPROVED",
    "registration_failed": "FAILED",
}
CAMPAIGN_TYPES: Final[Mapping[str, str | None]] = {
    "campaign-registration.campaign-submitted": "PENDING",
    "campaign-registration.campaign-failure": "FAILED",
    "campaign-registration.campaign-approved": "VERIFIED",
}
NUMBER_TYPES: Final = frozenset(
    f"number-{what}.{outcome}"
    for what in ("registration", "deregistration")
    for outcome in ("pending", "successful", "failed")
)
TOLLFREE_TYPES: Final[Mapping[str, str | None]] = {
    "toll-free-verification.requested": "PENDING_REVIEW",
    "toll-free-verification.pending-review": "PENDING_REVIEW",
    "toll-free-verification.request-approved": "TWILIO_APPROVED",
    "toll-free-verification.rejected": "TWILIO_REJECTED",
    "toll-free-verification.failure": None,
    "toll-free-verification.edit": None,
    "toll-free-verification.expired": None,
    "toll-free-verification.deleted": None,
}

# The review's order, for statuses of every kind: an event at the same time as the
# recorded status (or a callback, which has no time) never moves a status back in it.
_RANK: Final[Mapping[str, int]] = {
    "draft": 0,
    "pending-review": 1,
    "PENDING": 1,
    "PENDING_REVIEW": 1,
    "in-review": 2,
    "IN_REVIEW": 2,
    "IN_PROGRESS": 2,
}
DECIDED_RANK: Final = 3


def rank(status: str | None) -> int:
    if status is None:
        return -1
    return _RANK.get(status, DECIDED_RANK)


# What `trusthub events setup` subscribes to in every account: the status events of the
# kinds whose statuses events move (brands, campaigns, toll-free verifications), each at
# the compliance schemas' version 1 (reference J.2: A2P uses v1). Number-registration
# events change no status, so they are not asked for.
SCHEMA_VERSION: Final = 1
SUBSCRIBED_TYPES: Final[Mapping[str, int]] = {
    PREFIX + t: SCHEMA_VERSION for t in (*BRAND_TYPES, *CAMPAIGN_TYPES, *TOLLFREE_TYPES)
}
