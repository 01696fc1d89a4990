"""Status callbacks: a form-encoded POST to a bundle's `StatusCallback` at every status
change, signed with `X-Twilio-Signature` exactly as Twilio signs webhooks.

Parameters: `AccountSid`, `BundleSid`, `Status`, plus `FailureReason` on a rejection and
`ValidUntil` once set (reference §7; the exact set is UNCONFIRMED).

Delivery policy (`SandboxSettings.callbacks`):
* `loopback` (default): delivered only to 127.0.0.0/8 and ::1 (and `localhost` when it
  resolves only there); every other callback goes to the outbox and no packet leaves.
* `all`: delivered anywhere (an explicit opt-in).
* `none`: everything goes to the outbox.

A delivery is one POST to the URL the bundle names, and nothing more: a redirect is never
followed (it could lead to any host, past the loopback rule) and counts as a failed
delivery, recorded with its status.

A callback is recorded in the same transaction as the status change and delivered after
the commit, never under a lock. Failures are recorded on the callback, never raised into
the API call that caused it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator

from trusthub.common.net import resolves_to_loopback
from trusthub.sandbox.store import Store, Tx

Delivery = Literal["loopback", "all", "none"]
State = Literal["pending", "delivered", "failed", "outbox"]

TIMEOUT: Final = 3.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuses every redirect: the 3xx then surfaces as an `HTTPError`."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# The opener ignores *_proxy variables (a loopback callback must not detour via a proxy)
# and follows no redirect.
OPENER: Final = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


@dataclass(frozen=True, slots=True)
class Callback:
    id: int
    bundle_sid: str
    url: str
    params: dict[str, str]
    signature: str
    state: State
    detail: str | None  # HTTP status, error, or why it went to the outbox
    created: float
    attempted: float | None


def routing(url: str, delivery: Delivery) -> tuple[State, str | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "failed", "not an http(s) URL"
    if delivery == "none":
        return "outbox", "delivery is off (callbacks: none)"
    if delivery == "loopback" and not resolves_to_loopback(parts.hostname):
        return "outbox", "not a loopback host (callbacks: loopback)"
    return "pending", None


def enqueue(
    tx: Tx,
    *,
    bundle_sid: str,
    url: str,
    params: Mapping[str, str],
    token: str,
    delivery: Delivery,
    now: float,
) -> int | None:
    """Record a callback; returns its id when it is to be delivered after the commit."""
    signature = RequestValidator(token).compute_signature(url, dict(params))
    state, detail = routing(url, delivery)
    cur = tx.conn.execute(
        "INSERT INTO callbacks (bundle_sid, url, params, signature, state, detail, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (bundle_sid, url, json.dumps(dict(params)), signature, state, detail, now),
    )
    return int(cur.lastrowid or 0) if state == "pending" else None


def _post(url: str, params: Mapping[str, str], signature: str, token: str) -> tuple[State, str]:
    request = urllib.request.Request(
        url,
        data=urlencode(params).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
            # Twilio's webhooks carry one; the same on every attempt of one callback.
            "I-Twilio-Idempotency-Token": token,
            "User-Agent": "TwilioProxy/1.1 (trusthub sandbox)",
        },
    )
    try:
        with OPENER.open(request, timeout=TIMEOUT) as response:
            return "delivered", f"HTTP {response.status}"
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            return "failed", f"HTTP {e.code} (a redirect, not followed)"
        return "failed", f"HTTP {e.code}"
    except (OSError, ValueError) as e:
        return "failed", f"{type(e).__name__}: {e}"


def deliver(store: Store, ids: Sequence[int]) -> None:
    """POST the given pending callbacks, in order, and record how each went."""
    if not ids:
        return
    for callback in _load(store, ids):
        token = f"{callback.bundle_sid}-{callback.id}-{int(callback.created * 1000)}"
        state, detail = _post(callback.url, callback.params, callback.signature, token)
        with store.write() as tx:
            tx.conn.execute(
                "UPDATE callbacks SET state = ?, detail = ?, attempted = ? WHERE id = ?",
                (state, detail, time.time(), callback.id),
            )


def _load(store: Store, ids: Sequence[int]) -> list[Callback]:
    with store.read() as tx:
        rows = tx.conn.execute(
            f"SELECT * FROM callbacks WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id",
            tuple(ids),
        ).fetchall()
    return [_callback(r) for r in rows]


def _callback(raw: tuple[Any, ...]) -> Callback:
    id_, bundle_sid, url, params, signature, state, detail, created, attempted = raw
    return Callback(
        id_, bundle_sid, url, json.loads(params), signature, state, detail, created, attempted
    )


def list_callbacks(store: Store) -> list[Callback]:
    with store.read() as tx:
        rows = tx.conn.execute("SELECT * FROM callbacks ORDER BY id").fetchall()
    return [_callback(r) for r in rows]
