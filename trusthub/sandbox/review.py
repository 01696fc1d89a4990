"""The review lifecycle: submit, the simulated review, and the forcing functions.

Submitting (`Status=pending-review`) records a review due `review_delay` seconds later.
Reviews advance lazily, when a bundle is read (no background thread): the first read after
submission moves it to `in-review`; the first read at or after the due time decides it,
through `reviewer.findings`. With the default delay of 0 both happen at the first read, so
that read already shows the decision. A bundle's supporting profiles are settled first, so a
secondary submitted together with its primary is judged on the primary's decision.

`force` (the CLI's `approve` and `reject`) decides at once from any status but `draft`: the
sandbox never approves what was never submitted, as Twilio never reviews a draft. Forcing an
approved bundle again renews `valid_until`; rejecting it simulates a later revocation.

Every status change records a status callback (see `callbacks`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from trusthub.sandbox import callbacks, reviewer
from trusthub.sandbox import policies as cat
from trusthub.sandbox.callbacks import Delivery
from trusthub.sandbox.evaluation import BUNDLE_KINDS
from trusthub.sandbox.sids import iso
from trusthub.sandbox.store import Review, Row, Store, Tx

DRAFT: Final = "draft"
PENDING: Final = "pending-review"
IN_REVIEW: Final = "in-review"
APPROVED: Final = "twilio-approved"
REJECTED: Final = "twilio-rejected"
LOCKED: Final = frozenset({PENDING, IN_REVIEW, APPROVED})  # no edits (error 70002)
VALID_FOR: Final = 365 * 24 * 3600.0
STARTER_POLICY: Final = cat.STARTER

_DOCUMENT_STATUS: Final = {
    PENDING: "PENDING_REVIEW",
    IN_REVIEW: "PENDING_REVIEW",
    APPROVED: "APPROVED",
    REJECTED: "REJECTED",
}


@dataclass(frozen=True, slots=True)
class Reviewing:
    """What the lifecycle needs from the sandbox."""

    store: Store
    clock: Callable[[], float]
    review_delay: float
    signing_token: Callable[[Tx, str | None], str]  # an owner's token (None: the parent)
    delivery: Delivery


def change_status(
    ctx: Reviewing,
    tx: Tx,
    bundle: Row,
    status: str,
    now: float,
    *,
    errors: list[dict[str, object]] | None = None,
    failure_reason: str | None = None,
    valid_until: float | None = None,
) -> int | None:
    """Set a bundle's status and record its callback; returns a callback id to deliver."""
    bundle.data.update(
        status=status,
        errors=errors,
        failure_reason=failure_reason,
        valid_until=valid_until,
        date_updated=now,
    )
    tx.save(bundle)
    mirror_documents(tx, bundle.sid, status)
    url = bundle.data.get("status_callback")
    if not url:
        return None
    params = {"AccountSid": bundle.data["account_sid"], "BundleSid": bundle.sid, "Status": status}
    if failure_reason:
        params["FailureReason"] = failure_reason
    if valid_until is not None:
        params["ValidUntil"] = iso(valid_until) or ""
    return callbacks.enqueue(
        tx,
        bundle_sid=bundle.sid,
        url=url,
        params=params,
        token=ctx.signing_token(tx, bundle.account),  # the owning account's
        delivery=ctx.delivery,
        now=now,
    )


def mirror_documents(tx: Tx, bundle_sid: str, status: str) -> None:
    # Supporting documents follow the review of the bundle they are in.
    doc_status = _DOCUMENT_STATUS.get(status)
    if doc_status is None:
        return
    for assignment in tx.find("entity_assignment", parent=bundle_sid):
        doc = tx.get(assignment.data["object_sid"], "supporting_document")
        if doc is not None and doc.data.get("status") != doc_status:
            doc.data["status"] = doc_status
            tx.save(doc)


def submit(ctx: Reviewing, tx: Tx, bundle: Row, now: float) -> list[int]:
    ids = [change_status(ctx, tx, bundle, PENDING, now)]
    tx.put_review(Review(bundle.sid, PENDING, now, now + ctx.review_delay))
    return [i for i in ids if i is not None]


def decide(
    ctx: Reviewing, tx: Tx, bundle: Row, found: Sequence[reviewer.Finding], now: float
) -> int | None:
    tx.drop_review(bundle.sid)
    if not found:
        return change_status(ctx, tx, bundle, APPROVED, now, valid_until=now + VALID_FOR)
    return change_status(
        ctx,
        tx,
        bundle,
        REJECTED,
        now,
        errors=[{"code": f.code, "message": f.reason} for f in found],
        failure_reason="; ".join(f.reason for f in found),
    )


def _advance(ctx: Reviewing, tx: Tx, sid: str, now: float, visiting: frozenset[str]) -> list[int]:
    review = tx.review(sid)
    if review is None:  # decided meanwhile (another thread or process)
        return []
    bundle = tx.get(sid, BUNDLE_KINDS)
    if bundle is None:
        tx.drop_review(sid)
        return []
    ids: list[int | None] = []
    if review.stage == PENDING:
        ids.append(change_status(ctx, tx, bundle, IN_REVIEW, now))
        tx.put_review(replace(review, stage=IN_REVIEW))
    if review.decide_at <= now:
        for dependency in reviewer.dependencies(tx, bundle):
            if dependency not in visiting:
                ids += _advance(ctx, tx, dependency, now, visiting | {sid})
        bundle = tx.get(sid, BUNDLE_KINDS) or bundle
        found = reviewer.findings(tx, bundle)
        if not found and held_for_otp(bundle):
            # Twilio approves a starter profile only once its brand's OTP is confirmed
            # (reference C): it stays in review; `approve_starter` decides it then.
            tx.drop_review(sid)
            return [i for i in ids if i is not None]
        ids.append(decide(ctx, tx, bundle, found, now))
    return [i for i in ids if i is not None]


def held_for_otp(bundle: Row) -> bool:
    """A starter profile whose brand's OTP has not been confirmed yet."""
    return bundle.data.get("policy_sid") == STARTER_POLICY and not bundle.data.get("otp_confirmed")


def approve_starter(ctx: Reviewing, tx: Tx, sid: str, now: float) -> int | None:
    """The brand's OTP was confirmed: its starter profile, held in review, is decided."""
    bundle = tx.get(sid, BUNDLE_KINDS)
    if bundle is None or bundle.data.get("policy_sid") != STARTER_POLICY:
        return None
    bundle.data["otp_confirmed"] = True
    tx.save(bundle)
    if bundle.data["status"] != IN_REVIEW or tx.review(sid) is not None:
        return None  # not held (a draft, decided, or its review still due)
    return decide(ctx, tx, bundle, reviewer.findings(tx, bundle), now)


def settle(ctx: Reviewing) -> None:
    """Advance what is due, in every account (see `_settle`)."""
    with ctx.store.as_operator():  # time passes for every account, whoever asked
        _settle(ctx)


def _settle(ctx: Reviewing) -> None:
    """Advance every review that is due; called before bundles are read."""
    now = ctx.clock()
    with ctx.store.read() as tx:
        due = tx.due_reviews(now)
    if not due:
        return
    ids: list[int] = []
    with ctx.store.write() as tx:
        for sid in due:
            ids += _advance(ctx, tx, sid, now, frozenset())
    callbacks.deliver(ctx.store, ids)


class ForceError(Exception):
    """The bundle cannot be forced (unknown, or still a draft)."""


def force(ctx: Reviewing, sid: str, *, reason: str | None) -> Row:
    """Approve (`reason` None) or reject a submitted bundle now."""
    now = ctx.clock()
    with ctx.store.write() as tx:
        bundle = tx.get(sid, BUNDLE_KINDS)
        if bundle is None:
            raise ForceError(f"the sandbox has no customer profile or trust product {sid}")
        if bundle.data["status"] == DRAFT:
            raise ForceError(
                f"{sid} is a draft: submit it first (the sandbox, like Twilio, reviews only "
                "submitted bundles)"
            )
        found = [] if reason is None else [reviewer.Finding(reviewer.REJECTION_CODE, reason)]
        callback = decide(ctx, tx, bundle, found, now)
    callbacks.deliver(ctx.store, [callback] if callback is not None else [])
    return bundle
