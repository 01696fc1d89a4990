"""Record events in the state: each in the transaction that remembers its id, so an event
is applied once however often Twilio delivers it, and an older event never overwrites a
newer status.

An event is one of:
* `duplicate`: its id was recorded before; nothing changes.
* `unknown`: no recorded resource has the SID it names (or it names none); it is logged
  and acknowledged. Its id is remembered but not as seen: Twilio's next delivery of it
  (after apply has recorded the SID it just created) applies.
* `applied`: it is the newest word on the resource: its status (and rejection reasons) are
  recorded, with an audit event by the actor `events`.
* `stale`: older than the status recorded (by its time, or, at the same time or without
  one, by the review's order): the audit log notes it, the status stays.
* `noted`: it carries no status trusthub follows (vetting news, a kind's status the
  lifecycle does not have): the audit log notes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from trusthub.events import vocabulary as v
from trusthub.events.parsing import Event, event_time, parse_time
from trusthub.model.kinds import KINDS
from trusthub.state import KEEP, StateStore, StateTransaction

ACTOR: Final = "events"

Outcome = Literal["duplicate", "unknown", "applied", "stale", "noted"]


@dataclass(frozen=True, slots=True)
class Recorded:
    event: Event
    outcome: Outcome
    name: str | None = None
    status: str | None = None  # the status recorded after it


def record(store: StateStore, events: Sequence[Event]) -> list[Recorded]:
    """Record a delivery's events in one transaction: all of them or none."""
    with store.transaction() as tx:
        return [_one(store, tx, e) for e in events]


def _one(store: StateStore, tx: StateTransaction, e: Event) -> Recorded:
    if e.deduplicate and tx.event_seen(e.id):
        return Recorded(e, "duplicate")
    target = tx.resource_by_sid(e.sid, e.roles) if e.sid and e.roles else None
    if target is not None and e.kind is not None and target[0] != e.kind:
        target = None  # the SID is recorded, but not as the kind this event is about
    if target is None:
        _remember(tx, e, None, "unknown")
        return Recorded(e, "unknown")
    kind, name = target
    current = store.resource(kind, name)
    now_status = current.status if current is not None else None
    detail: dict[str, Any] = {"event": e.type, "event_id": e.id, "source": e.source}
    if e.timed:
        detail["event_time"] = event_time(e.time)
    if e.status is None or e.status not in KINDS[kind].lifecycle.statuses:
        tx.append_audit(
            kind, name, "event", from_status=now_status, to_status=now_status,
            actor=ACTOR, detail={**detail, **_reasons(e)},
        )  # fmt: skip
        _remember(tx, e, name, "noted")
        return Recorded(e, "noted", name, now_status)
    if _older(tx, e, name, now_status, current.status_since if current else None):
        tx.append_audit(
            kind, name, "event-stale", from_status=now_status, to_status=now_status,
            actor=ACTOR, detail={**detail, "says": e.status, **_reasons(e)},
        )  # fmt: skip
        _remember(tx, e, name, "stale")
        return Recorded(e, "stale", name, now_status)
    tx.set_status(
        kind,
        name,
        e.status,
        action="event",
        reasons=e.reasons,
        valid_until=e.valid_until or KEEP,
        actor=ACTOR,
        detail=detail,
        since=event_time(e.time) if e.timed else None,
    )
    _remember(tx, e, name, "applied")
    return Recorded(e, "applied", name, e.status)


def _reasons(e: Event) -> dict[str, Any]:
    return {"event_reasons": list(e.reasons)} if e.reasons else {}


def _older(
    tx: StateTransaction, e: Event, name: str, status: str | None, since: str | None
) -> bool:
    """Whether the recorded status is newer than what the event says."""
    if status is None:
        return False
    if not e.timed:
        # No time to compare: never back in the review's order (a decision may follow one).
        return v.rank(e.status) < v.rank(status)
    times = [parse_time(t) for t in (since, tx.latest_event_time(name)) if t]
    reference: datetime | None = max(times) if times else None
    if reference is None or e.time > reference:
        return False
    if e.time < reference:
        return True
    return v.rank(e.status) < v.rank(status)


def _remember(tx: StateTransaction, e: Event, name: str | None, outcome: Outcome) -> None:
    tx.record_event(
        e.id,
        source=e.source,
        event_type=e.type,
        event_time=event_time(e.time),
        sid=e.sid,
        name=name,
        outcome=outcome,
    )
