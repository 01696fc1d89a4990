"""The receiver's WSGI app: checks Twilio's signature, parses the delivery, has the writer
record it, and answers.

Acknowledgement (Twilio waits 5 s for an Event Streams webhook): a delivery is answered
200 only once its events are committed to the state, so an acknowledged event is never
lost. A request hands its events to one writer thread through a bounded queue and waits
at most `ack_deadline` seconds (4 s, under Twilio's 5) from its arrival. A store too slow
for that (locked by an apply, a PostgreSQL server far away) gets a 503 before Twilio gives
up, and a full queue gets a 503 at once: either way Twilio delivers again, and the writer,
which still commits what it was handed, recognises the repeat by its id.

Paths, under the public URL Twilio is given: `POST /status-callbacks` (Trust Hub's
`StatusCallback`, a form) and `POST /event-streams` (an Event Streams webhook sink, JSON).
The signature is checked against the public URL with the path and query of the request
(a proxy in front forwards `<public URL>/<path>` to `http://<bind>/<path>`).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qs, parse_qsl

from trusthub.events import parsing
from trusthub.events.parsing import Event, ParseError
from trusthub.events.recording import Recorded, record
from trusthub.provider.signatures import SignatureCheck
from trusthub.state import StateStore

CALLBACK_PATH: Final = "/status-callbacks"
STREAMS_PATH: Final = "/event-streams"

# The receiver's bounds, in one place (the command's defaults).
ACK_DEADLINE: Final = 4.0  # seconds from a request's arrival to its answer; Twilio waits 5
MAX_BODY_BYTES: Final = 1024 * 1024  # a delivery's body; 413 past it, before it is read
MAX_HEADER_BYTES: Final = 16 * 1024
MAX_FORM_FIELDS: Final = 100  # a status callback has a handful
QUEUE_SIZE: Final = 256  # deliveries waiting for the writer; 503 past it
THREADS: Final = 8
CONNECTION_LIMIT: Final = 200
TIMEOUT: Final = 10.0  # seconds a client has to send a request; idle connections too

Log = Callable[[str], None]


class _Ticket:
    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events
        self.done = threading.Event()
        self.recorded: list[Recorded] | None = None
        self.failed: str | None = None


class Writer:
    """The one thread that writes events to the state, in the order they were received."""

    def __init__(self, store: StateStore, *, queue_size: int = QUEUE_SIZE, log: Log) -> None:
        self._store = store
        self._log = log
        self._queue: queue.Queue[_Ticket | None] = queue.Queue(maxsize=queue_size)
        self._thread = threading.Thread(target=self._run, name="trusthub-events", daemon=True)
        self._thread.start()

    def submit(self, events: Sequence[Event]) -> _Ticket | None:
        """Queue a delivery; None when the queue is full."""
        ticket = _Ticket(events)
        try:
            self._queue.put_nowait(ticket)
        except queue.Full:
            return None
        return ticket

    def _run(self) -> None:
        while (ticket := self._queue.get()) is not None:
            try:
                ticket.recorded = record(self._store, ticket.events)
            except Exception as e:  # noqa: BLE001  # any store failure: not acknowledged
                ticket.failed = type(e).__name__
                self._log(f"not recorded ({type(e).__name__}); Twilio will deliver it again")
            else:
                for r in ticket.recorded:
                    self._log(describe(r))
            ticket.done.set()

    def stop(self) -> None:
        """Record what is queued, then end the thread."""
        self._queue.put(None)
        self._thread.join()


def describe(r: Recorded) -> str:
    """One log line; SIDs, names and statuses only (no field of the delivery's data)."""
    e = r.event
    what = f"{e.type} {e.id}"
    if r.outcome == "unknown":
        named = e.sid or "no SID trusthub follows"
        return f"{what}: unknown ({named}): acknowledged, not applied"
    if r.outcome == "duplicate":
        return f"{what}: duplicate, already recorded"
    if r.outcome == "applied":
        return f"{what}: {r.name} -> {r.status}"
    return f"{what}: {r.outcome} ({r.name} stays {r.status})"


class Receiver:
    def __init__(
        self,
        writer: Writer,
        *,
        public_url: str,
        auth_token: str,
        ack_deadline: float = ACK_DEADLINE,
        log: Log,
        subaccount_tokens: Sequence[str] = (),
    ) -> None:
        self._writer = writer
        self._base = public_url.rstrip("/")
        # What subaccounts send is signed with their own tokens (held here, never shown).
        self._signatures = SignatureCheck(auth_token, *subaccount_tokens)
        self._deadline = ack_deadline
        self._log = log

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        arrived = time.monotonic()
        status, body = self._handle(environ, arrived)
        payload = json.dumps(body).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        if status == 503:
            headers.append(("Retry-After", "1"))
        start_response(f"{status} {_PHRASES[status]}", headers)
        return [payload]

    def _handle(self, environ: dict[str, Any], arrived: float) -> tuple[int, dict[str, Any]]:
        path = str(environ.get("PATH_INFO", ""))
        if path not in (CALLBACK_PATH, STREAMS_PATH):
            return 404, {"error": f"no such endpoint; POST to {CALLBACK_PATH} or {STREAMS_PATH}"}
        if environ.get("REQUEST_METHOD") != "POST":
            return 405, {"error": "only POST"}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, {"error": "Content-Length is not a number"}
        if length > MAX_BODY_BYTES:
            return 413, {"error": f"the body is larger than {MAX_BODY_BYTES} bytes"}
        raw: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
        signature = str(environ.get("HTTP_X_TWILIO_SIGNATURE", ""))
        query = str(environ.get("QUERY_STRING", ""))
        url = self._base + path + (f"?{query}" if query else "")
        try:
            if path == CALLBACK_PATH:
                events = self._callback(raw, url, signature, environ)
            else:
                events = self._streams(raw, url, query, signature)
        except _Forbidden as e:
            self._log(f"refused {path}: {e}")
            return 403, {"error": str(e)}
        except ParseError as e:
            self._log(f"refused {path}: {e}")
            return 400, {"error": str(e)}
        return self._acknowledge(events, arrived)

    def _callback(
        self, raw: bytes, url: str, signature: str, environ: dict[str, Any]
    ) -> list[Event]:
        try:
            pairs = parse_qsl(
                raw.decode("utf-8"),
                keep_blank_values=True,
                max_num_fields=MAX_FORM_FIELDS,
                strict_parsing=bool(raw),
            )
        except (UnicodeDecodeError, ValueError) as e:
            raise ParseError(f"not a form body: {e}") from None
        form = dict(pairs)
        if len(form) != len(pairs):
            raise ParseError("a form field is repeated")
        if not self._signatures.form(url, form, signature):
            raise _Forbidden("the X-Twilio-Signature is missing or does not match")
        token = str(environ.get("HTTP_I_TWILIO_IDEMPOTENCY_TOKEN", "")) or None
        return [parsing.callback(form, token, datetime.now(UTC))]

    def _streams(self, raw: bytes, url: str, query: str, signature: str) -> list[Event]:
        # A JSON webhook is signed over its URL, whose bodySHA256 is the hash of the body.
        if not signature or "bodySHA256" not in parse_qs(query):
            raise _Forbidden(
                "an Event Streams delivery must be signed (X-Twilio-Signature, bodySHA256)"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("the body is not UTF-8") from None
        if not self._signatures.json(url, text, signature):
            raise _Forbidden("the X-Twilio-Signature or the body's bodySHA256 does not match")
        return parsing.batch(raw)

    def _acknowledge(self, events: list[Event], arrived: float) -> tuple[int, dict[str, Any]]:
        ticket = self._writer.submit(events)
        if ticket is None:
            self._log("the queue is full: answered 503, Twilio will deliver again")
            return 503, {"error": "busy; deliver again"}
        left = self._deadline - (time.monotonic() - arrived)
        if not ticket.done.wait(max(0.0, left)):
            self._log("the state did not commit in time: answered 503, Twilio will deliver again")
            return 503, {"error": "not recorded in time; deliver again"}
        if ticket.recorded is None:
            return 503, {"error": "not recorded; deliver again"}
        outcomes: dict[str, int] = {}
        for r in ticket.recorded:
            outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        return 200, {"recorded": len(ticket.recorded), "outcomes": outcomes}


class _Forbidden(Exception):
    pass


_PHRASES: Final = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    503: "Service Unavailable",
}
