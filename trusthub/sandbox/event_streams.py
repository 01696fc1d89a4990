"""Event Streams: the sandbox delivers brand, campaign and toll-free verification status events, as
Twilio does to a webhook sink, to two kinds of sinks:

* the sinks an account made through the Events API (`resources.event_sinks`: `POST
  /v1/Sinks` and `/v1/Subscriptions`), for the types its subscriptions select and only the
  events of that account's own objects (a subaccount's brand goes to the subaccount's
  sinks, not the parent's), as Twilio does;
* the operator's sinks (`Sandbox.add_event_sink`, `events serve --subscribe-sandbox`),
  subscribed to every type the sandbox sends, for every account.

A delivery is a JSON array of CloudEvents (`id, type, source, time, specversion,
datacontenttype, dataschema, data`, types and data fields from the onboarding reference,
section J.2), POSTed to the sink with `bodySHA256` (the hex SHA-256 of the body) added to its
query and `X-Twilio-Signature` computed over that URL with the auth token of the account
whose object the events report (one account's events to a delivery), the
scheme Twilio uses for JSON webhooks (whether Event Streams signs so is UNCONFIRMED; the
receiver requires it).

An event is recorded in the transaction of the status change it reports (`emit`), and
delivered after the commit (`flush`, after each request and operator action), under the
callbacks' policy (`loopback` by default: no packet leaves the machine), never following a
redirect. Twilio delivers at least once: a failed delivery stays queued and is tried again
at the next flush, up to `MAX_ATTEMPTS` times, so a receiver that was down gets its events
when it is back. `replay` sends delivered events again (duplicates, in any order), as
Twilio may.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

from trusthub.model.kinds import tollfree_verification as tfv
from trusthub.sandbox import callbacks
from trusthub.sandbox.store import Row, Store, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

PREFIX: Final = "com.twilio.messaging.compliance."
MAX_ATTEMPTS: Final = 10
TIMEOUT: Final = 5.0  # Twilio waits 5 s for an Event Streams webhook to answer
BATCH: Final = 50  # events in one delivery

TABLES: Final = ("event_sinks", "event_deliveries")

# The Events API's objects in the store (`resources.event_sinks` serves them).
SINK_KIND: Final = "event_sink"
SUBSCRIPTION_KIND: Final = "event_subscription"
SUBSCRIBED_KIND: Final = "subscribed_event"

_BRAND_TYPES: Final = {"APPROVED": "brand-registered", "FAILED": "brand-failure"}
_TOLLFREE_TYPES: Final = {
    tfv.PENDING_REVIEW: "requested",
    tfv.IN_REVIEW: "pending-review",
    tfv.APPROVED: "request-approved",
    tfv.REJECTED: "rejected",
}


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    event_id: str
    sink: str
    event: dict[str, Any]
    state: str  # pending | delivered | failed | outbox
    attempts: int
    detail: str | None


def _time(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def add_sink(store: Store, url: str, now: float) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"an Event Streams sink is an http(s) URL, not {url!r}")
    with store.write() as tx:
        tx.conn.execute(
            "INSERT OR IGNORE INTO event_sinks (url, created) VALUES (?, ?)", (url, now)
        )


def _event(kind: str, sid: str, now: float, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": "EZ" + uuid.uuid4().hex,
        "type": PREFIX + kind,
        "source": f"/v1/{sid}",
        "time": _time(now),
        "datacontenttype": "application/json",
        "dataschema": f"https://events-schemas.twilio.com/Messaging.Compliance.{kind}/1",
        "data": data,
    }


def brand_event(row: Row, now: float) -> dict[str, Any] | None:
    """The event a brand's decision sends (a pending brand sends none)."""
    d = row.data
    kind = _BRAND_TYPES.get(d.get("status", ""))
    if kind is None:
        return None
    errors = [
        {
            "registrationerrorcode": e.get("error_code"),
            "registrationerrordescription": e.get("description"),
            "registrationerrorurl": e.get("url"),
            "registrationerrorfields": e.get("fields") or [],
        }
        for e in d.get("errors") or []
    ]
    data = {
        "accountsid": d.get("account_sid"),
        "brandsid": row.sid,
        "brandstatus": "registered" if d["status"] == "APPROVED" else "registration_failed",
        "identitystatus": d.get("identity_status"),
        "brandregistrationerrors": errors,
    }
    return _event(f"brand-registration.{kind}", row.sid, now, data)


def vetting_event(brand: Row, now: float, *, failed: bool = False) -> dict[str, Any]:
    """The event a successful vetting of `brand` sends (J.2: `brand-vetted-verified`), or a
    failed secondary vetting (`brand-secondary-vetting-failure`)."""
    d = brand.data
    data: dict[str, Any] = {
        "accountsid": d.get("account_sid"),
        "brandsid": brand.sid,
        "brandstatus": "registered",
        "identitystatus": d.get("identity_status"),
        "brandregistrationerrors": [],
    }
    kind = "brand-secondary-vetting-failure" if failed else "brand-vetted-verified"
    return _event(f"brand-registration.{kind}", brand.sid, now, data)


def campaign_event(row: Row, now: float) -> dict[str, Any] | None:
    """The event a campaign's decision sends: approved (VERIFIED) or failed."""
    d = row.data
    kind = {"VERIFIED": "campaign-approved", "FAILED": "campaign-failure"}.get(d.get("status", ""))
    if kind is None:
        return None
    errors = d.get("errors") or []
    reason = "; ".join(f"{e.get('error_code')}: {e.get('description')}" for e in errors)
    data = {
        "accountsid": d.get("account_sid"),
        "campaignsid": row.sid,
        "messagingservicesid": row.parent,
        "brandsid": d.get("brand_registration_sid"),
        "campaignregistrationstatus": "approved" if d["status"] == "VERIFIED" else "failure",
        "a2pusecase": d.get("us_app_to_person_usecase"),
        "externalstatus": d["status"],
        "failureReason": reason,
    }
    return _event(f"campaign-registration.{kind}", row.sid, now, data)


def tollfree_event(row: Row, now: float) -> dict[str, Any] | None:
    d = row.data
    kind = _TOLLFREE_TYPES.get(d.get("status", ""))
    if kind is None:
        return None
    data: dict[str, Any] = {
        "accountsid": d.get("account_sid"),
        "parentaccountsid": d.get("parent_account_sid"),
        "tollfreeverificationsid": row.sid,
        "phonenumbersid": d.get("tollfree_phone_number_sid"),
        "customerprofilesid": d.get("customer_profile_sid"),
        "regulateditemsid": None,
        "trustproductsid": None,
        "processeddate": int(now * 1000),
        "verificationstatus": str(d["status"]).lower(),
    }
    if d["status"] == tfv.REJECTED:
        data["rejectionreasons"] = d.get("rejection_reasons") or []
    return _event(f"toll-free-verification.{kind}", row.sid, now, data)


def _subscribed_sinks(tx: Tx, event: dict[str, Any]) -> list[str]:
    """The destinations of the webhook sinks whose subscriptions select `event`'s type, in
    the account that owns the object the event is about (`data.accountsid`)."""
    owner_sid = event.get("data", {}).get("accountsid")
    row = tx.account(owner_sid) if isinstance(owner_sid, str) else None
    owner = owner_sid if row is not None and row.parent_sid is not None else None
    found = tx.conn.execute(
        "SELECT DISTINCT json_extract(sink.data, '$.sink_configuration.destination') "
        "FROM resources AS chosen "
        "JOIN resources AS sub ON sub.sid = chosen.parent AND sub.kind = ? "
        "JOIN resources AS sink ON sink.sid = json_extract(sub.data, '$.sink_sid') "
        "AND sink.kind = ? "
        "WHERE chosen.kind = ? AND json_extract(chosen.data, '$.type') = ? "
        "AND chosen.account IS ? AND json_extract(sink.data, '$.sink_type') = 'webhook' "
        "AND json_extract(sink.data, '$.status') = 'active'",
        (SUBSCRIPTION_KIND, SINK_KIND, SUBSCRIBED_KIND, event["type"], owner),
    ).fetchall()
    return [str(url) for (url,) in found if url]


def emit(tx: Tx, event: dict[str, Any] | None) -> None:
    """Queue `event` for every sink that takes it (the operator's, and the subscribed sinks
    of the account it is about), once per URL, in the transaction of the change it reports;
    the delivery policy is applied when it is delivered (`flush`)."""
    if event is None:
        return
    created = datetime.now(UTC).timestamp()
    operator = [u for (u,) in tx.conn.execute("SELECT url FROM event_sinks").fetchall()]
    for sink in sorted({*operator, *_subscribed_sinks(tx, event)}):
        tx.conn.execute(
            "INSERT INTO event_deliveries (event_id, sink, event, state, created) "
            "VALUES (?, ?, ?, 'pending', ?)",
            (event["id"], sink, json.dumps(event), created),
        )


def signed(url: str, body: bytes, token: str) -> tuple[str, str]:
    """The URL Twilio posts a JSON body to (with its bodySHA256) and the signature."""
    digest = hashlib.sha256(body).hexdigest()
    full = f"{url}{'&' if urlsplit(url).query else '?'}bodySHA256={digest}"
    return full, RequestValidator(token).compute_signature(full, {})


def _post(url: str, body: bytes, token: str) -> tuple[str, str]:
    full, signature = signed(url, body, token)
    request = urllib.request.Request(
        full,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Twilio-Signature": signature,
            "User-Agent": "Twilio-Event-Streams (trusthub sandbox)",
        },
    )
    try:
        with callbacks.OPENER.open(request, timeout=TIMEOUT) as response:
            return "delivered", f"HTTP {response.status}"
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            return "failed", f"HTTP {e.code} (a redirect, not followed)"
        return "failed", f"HTTP {e.code}"
    except (OSError, ValueError) as e:
        return "failed", f"{type(e).__name__}: {e}"


_WAITING: Final = "FROM event_deliveries WHERE state IN ('pending', 'failed') AND attempts < ?"


def flush(sb: Sandbox, *, newest_first: bool = False) -> None:
    """Deliver what is queued, for every account (see `_flush`)."""
    with sb.store.as_operator():  # time passes for every account, whoever asked
        _flush(sb, newest_first=newest_first)


def _flush(sb: Sandbox, *, newest_first: bool = False) -> None:
    """Deliver what is queued (pending, or failed fewer than MAX_ATTEMPTS times), a batch
    per sink; each row is claimed first, so two flushes never send it together."""
    with sb.store.read() as tx:
        if tx.conn.execute(f"SELECT 1 {_WAITING} LIMIT 1", (MAX_ATTEMPTS,)).fetchone() is None:
            return  # the common case: one indexed read per request
    order = "DESC" if newest_first else "ASC"
    with sb.store.write() as tx:
        rows = tx.conn.execute(
            f"SELECT id, sink, event {_WAITING} ORDER BY id {order}", (MAX_ATTEMPTS,)
        ).fetchall()
        tx.conn.executemany(
            "UPDATE event_deliveries SET state = 'sending', attempts = attempts + 1 WHERE id = ?",
            [(row[0],) for row in rows],
        )
    # A batch holds one account's events, signed with that account's token.
    by_sink: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
    for id_, sink, event in rows:
        owner = json.loads(event).get("data", {}).get("accountsid")
        by_sink.setdefault((sink, owner), []).append((id_, event))
    for (sink, owner), items in by_sink.items():
        route, why = callbacks.routing(sink, sb.delivery)
        with sb.store.read() as tx:
            token = sb.signing_token(tx, owner)
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            if route == "pending":
                body = ("[" + ",".join(e for _, e in chunk) + "]").encode()
                state, detail = _post(sink, body, token)
            else:  # not delivered: the outbox (not loopback, delivery off) or a bad URL
                state, detail = ("outbox" if route == "outbox" else "failed"), why or ""
            with sb.store.write() as tx:
                tx.conn.executemany(
                    "UPDATE event_deliveries SET state = ?, detail = ? WHERE id = ?",
                    [(state, detail, i) for i, _ in chunk],
                )


def replay(sb: Sandbox, ids: Sequence[int] | None = None, *, newest_first: bool = True) -> None:
    """Send delivered events again (all, or those given), as Twilio's at-least-once
    delivery may: the receiver must recognise them."""
    with sb.store.write() as tx:
        if ids is None:
            tx.conn.execute(
                "UPDATE event_deliveries SET state = 'pending', attempts = 0 "
                "WHERE state = 'delivered'"
            )
        else:
            tx.conn.executemany(
                "UPDATE event_deliveries SET state = 'pending', attempts = 0 WHERE id = ?",
                [(i,) for i in ids],
            )
    flush(sb, newest_first=newest_first)


def deliveries(store: Store) -> list[Delivery]:
    with store.read() as tx:
        rows = tx.conn.execute(
            "SELECT id, event_id, sink, event, state, attempts, detail FROM event_deliveries "
            "ORDER BY id"
        ).fetchall()
    return [Delivery(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6]) for r in rows]
