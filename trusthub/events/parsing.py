"""Twilio's deliveries as `Event`s: a Trust Hub status callback (form fields) and an Event
Streams batch (a JSON array of CloudEvents). Pure: no I/O; the vocabulary is in
`vocabulary`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from trusthub.events import vocabulary as v
from trusthub.model.kinds.tollfree_verification import EDIT_WINDOW_DAYS

Source = Literal["callback", "event-streams"]

MAX_EVENTS: Final = 1000  # in one Event Streams batch; a larger one is refused (400)


class ParseError(ValueError):
    """The delivery is not what Twilio sends; answered 400, and nothing is recorded."""


@dataclass(frozen=True, slots=True)
class Event:
    id: str  # Twilio's event id, or a made-up one (`deduplicate` False)
    deduplicate: bool  # whether `id` is Twilio's, so a repeat of it is a duplicate
    source: Source
    type: str
    time: datetime  # UTC; for a callback, when it was received
    timed: bool  # whether `time` is Twilio's (Event Streams) or only the receipt's
    sid: str | None
    roles: tuple[str, ...]  # the roles of the object `sid` may name
    status: str | None  # in the kind's vocabulary; None: recorded without a status change
    reasons: tuple[str, ...]
    valid_until: str | None = None
    kind: str | None = None  # the kind it must be (None: whichever records the SID)


def event_time(moment: datetime) -> str:
    """The form events' times are stored in: sortable text, UTC, to the millisecond."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)  # Python 3.11 reads a trailing Z
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# -- Trust Hub status callbacks -----------------------------------------------------------


def callback(form: Mapping[str, str], token: str | None, received: datetime) -> Event:
    """A status callback's fields (already signature-checked) as an event."""
    sid, status = form.get("BundleSid", ""), form.get("Status", "")
    if not sid.startswith("BU") or not status:
        raise ParseError("a Trust Hub status callback needs BundleSid (BU...) and Status")
    reason = (form.get("FailureReason") or "").strip()
    return Event(
        id=token or f"callback:{uuid.uuid4().hex}",
        deduplicate=bool(token),
        source="callback",
        type="trusthub.status-callback",
        time=received,
        timed=False,
        sid=sid,
        roles=v.BUNDLE_ROLES,
        status=status,
        reasons=(reason,) if reason else (),
        valid_until=form.get("ValidUntil") or None,
    )


# -- Event Streams ------------------------------------------------------------------------


def batch(body: bytes) -> list[Event]:
    """An Event Streams delivery: a JSON array of CloudEvents."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ParseError(f"an Event Streams delivery must be a JSON array: {e}") from None
    if isinstance(data, dict):
        data = [data]  # a single CloudEvent (structured mode)
    if not isinstance(data, list) or not data:
        raise ParseError("an Event Streams delivery must be a non-empty JSON array of events")
    if len(data) > MAX_EVENTS:
        raise ParseError(f"a batch holds at most {MAX_EVENTS} events, not {len(data)}")
    return [cloud_event(item, index) for index, item in enumerate(data)]


def _text(item: Mapping[str, Any], name: str, index: int) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise ParseError(f"event {index}: {name!r} is missing or not text")
    return value


def cloud_event(item: Any, index: int = 0) -> Event:
    if not isinstance(item, dict):
        raise ParseError(f"event {index} is not a JSON object")
    event_id, kind = _text(item, "id", index), _text(item, "type", index)
    try:
        when = parse_time(_text(item, "time", index))
    except ValueError:
        raise ParseError(f"event {index}: 'time' is not an RFC 3339 time") from None
    data = item.get("data")
    if not isinstance(data, dict):
        raise ParseError(f"event {index}: 'data' is not a JSON object")
    short = kind.removeprefix(v.PREFIX)
    sid, roles, status, reasons, kind_name = _meaning(short, data)
    until = None
    if kind_name == v.TOLLFREE and status == v.TOLLFREE_TYPES["toll-free-verification.rejected"]:
        # Twilio allows edits for 7 days after the rejection (the event's time).
        until = (when + timedelta(days=EDIT_WINDOW_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Event(
        id=event_id,
        deduplicate=True,
        source="event-streams",
        type=kind,
        time=when,
        timed=True,
        sid=sid,
        roles=roles,
        status=status,
        reasons=reasons,
        valid_until=until,
        kind=kind_name,
    )


_Meaning = tuple[str | None, tuple[str, ...], str | None, tuple[str, ...], str | None]


def _meaning(short: str, data: Mapping[str, Any]) -> _Meaning:
    if short in v.BRAND_TYPES:
        said = v.BRAND_STATUS_FIELD.get(str(data.get("brandstatus", "")).lower())
        by_type = v.BRAND_TYPES[short]
        status = None if by_type is None else said or by_type  # None: vetting news
        errors = data.get("brandregistrationerrors") or []
        reasons = tuple(_brand_error(e) for e in errors if isinstance(e, dict))
        return _sid(data, "brandsid"), v.BRAND_ROLES, status, reasons, v.BRAND
    if short in v.TOLLFREE_TYPES:
        status = str(data.get("verificationstatus") or "").upper() or None
        if status not in v.TOLLFREE_TYPES.values() or v.TOLLFREE_TYPES[short] is None:
            status = v.TOLLFREE_TYPES[short]
        sid = _sid(data, "tollfreeverificationsid")
        return sid, v.TOLLFREE_ROLES, status, _tollfree_reasons(data), v.TOLLFREE
    if short in v.CAMPAIGN_TYPES:
        reason = str(data.get("failureReason") or data.get("failurereason") or "").strip()
        sid = _sid(data, "campaignsid")
        status = v.CAMPAIGN_TYPES[short]
        return sid, v.CAMPAIGN_ROLES, status, (reason,) if reason else (), v.CAMPAIGN_KIND
    if short in v.NUMBER_TYPES:
        return _sid(data, "phonenumbersid"), (), None, (), None
    return None, (), None, (), None  # a type trusthub does not follow: recorded, not applied


def _sid(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) and value else None


def _brand_error(error: Mapping[str, Any]) -> str:
    """As the provider writes a brand's errors: "<code> [fields]: description"."""
    code = error.get("registrationerrorcode", "")
    fields = error.get("registrationerrorfields") or []
    shown = f" [{', '.join(str(f) for f in fields)}]" if isinstance(fields, Sequence) else ""
    return f"{code}{shown if fields else ''}: {error.get('registrationerrordescription', '')}"


def _tollfree_reasons(data: Mapping[str, Any]) -> tuple[str, ...]:
    listed = data.get("rejectionreasons")
    if isinstance(listed, list):
        return tuple(
            f"{r.get('code')}: {r.get('reason')}" if r.get("code") else str(r.get("reason"))
            for r in listed
            if isinstance(r, dict)
        )
    reason = str(data.get("rejectionreason") or "").strip()
    code = data.get("errorcode")
    if not reason:
        return ()
    return (f"{code}: {reason}" if code else reason,)
