"""`apply --wait`: what is still being decided, and how long to wait before looking again.

An apply waits only on decisions someone else makes: an object under review (its kind's
lifecycle says which statuses those are) is Twilio's (or TCR's) to decide. When nothing is
under review and the plan has nothing to do, nothing more can move without you. Reading
Trust Hub is the poll (a refresh); when `trusthub events serve` runs, it moves the state
as decisions arrive, and a wait ends as soon as the state's serial moves.

One review is not Twilio's to end: a sole proprietor's starter profile stays in review
until its owner confirms the brand's OTP (reference C), so a profile in review whose brand
TCR already APPROVED, its identity unconfirmed, waits on its owner, not on Twilio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from trusthub.model.kinds import A2P_BRAND, KINDS, PROFILE
from trusthub.model.kinds import a2p_brand as brand
from trusthub.state import StateStore

# The reference's advice (section K): poll with capped exponential backoff, 30 s to 1 h.
FIRST_POLL: Final = 30.0
MAX_POLL: Final = 3600.0
STATE_CHECK: Final = 1.0  # seconds between two looks at the state's serial while waiting


@dataclass(frozen=True, slots=True)
class UnderReview:
    name: str
    status: str
    service: str  # who decides ("Trust Hub", "TCR", ...)


def under_review(store: StateStore) -> list[UnderReview]:
    snapshot = store.snapshot()
    on_owner = {
        r.name.split("/", 1)[0]
        for r in snapshot
        if r.kind == A2P_BRAND
        and r.status == brand.APPROVED
        and (r.evaluation or {}).get("identity_status") not in brand.VERIFIED_IDENTITIES
    }
    out = []
    for r in snapshot:
        lifecycle = KINDS[r.kind].lifecycle
        if r.status is None or r.status not in lifecycle.under_review:
            continue
        if r.kind == PROFILE and r.name in on_owner:
            continue  # held until the owner confirms the brand's OTP
        out.append(UnderReview(r.name, r.status, lifecycle.service))
    return sorted(out, key=lambda u: u.name)


def next_interval(current: float, cap: float) -> float:
    return min(current * 2, cap)
