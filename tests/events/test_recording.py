"""Recording events in the state, on SQLite and PostgreSQL: once per event id, in the
transaction of the status it records; an older event never overwrites a newer status; an
unknown SID is acknowledged and may apply when delivered again once it is recorded."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from trusthub.events import parsing
from trusthub.events.parsing import Event, ParseError
from trusthub.events.recording import record
from trusthub.state import StateStore

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BRAND = "acme/a2p-brand"
BRAND_SID = "BN" + "1" * 32
BUNDLE_SID = "BU" + "2" * 32


def _setup(store: StateStore) -> None:
    with store.transaction() as tx:
        tx.put_resource("a2p_brand", BRAND, spec={"brand_type": "STANDARD"}, spec_hash="b")
        tx.confirm("a2p_brand", BRAND, "brand", BRAND_SID)
        tx.set_status(
            "a2p_brand", BRAND, "PENDING", action="create", since="2026-12-01T08:00:00.000Z"
        )
        tx.put_resource("profile", "acme", spec={"name": "acme"}, spec_hash="p")
        tx.confirm("profile", "acme", "bundle", BUNDLE_SID)
        tx.set_status("profile", "acme", "pending-review", action="submit")


def _brand(event_id: str, kind: str, at: datetime, **data: object) -> Event:
    return parsing.cloud_event(
        {
            "id": event_id,
            "type": f"com.twilio.messaging.compliance.brand-registration.{kind}",
            "time": at.isoformat(),
            "data": {"brandsid": BRAND_SID, **data},
        }
    )


def _status(store: StateStore, name: str) -> tuple[str | None, tuple[str, ...]]:
    r = store.snapshot().by_name()[name]
    return r.status, r.rejection_reasons


def test_a_duplicate_is_applied_once(store: StateStore) -> None:
    _setup(store)
    failure = _brand(
        "EZ1", "brand-failure", T0, brandstatus="registration_failed",
        brandregistrationerrors=[{"registrationerrorcode": 30795,
                                  "registrationerrordescription": "Tax ID mismatch",
                                  "registrationerrorfields": ["ein"]}],
    )  # fmt: skip
    assert [r.outcome for r in record(store, [failure, failure])] == ["applied", "duplicate"]
    assert [r.outcome for r in record(store, [failure])] == ["duplicate"]
    assert _status(store, BRAND) == ("FAILED", ("30795 [ein]: Tax ID mismatch",))
    events = [e for e in store.audit(BRAND) if e.actor == "events"]
    assert len(events) == 1
    assert events[0].detail["event_id"] == "EZ1"


def test_an_older_event_never_overwrites_a_newer_status(store: StateStore) -> None:
    _setup(store)
    newer = _brand("EZ2", "brand-registered", T0 + timedelta(minutes=5))
    older = _brand("EZ1", "brand-failure", T0)
    assert [r.outcome for r in record(store, [newer, older])] == ["applied", "stale"]
    assert _status(store, BRAND) == ("APPROVED", ())
    assert store.audit(BRAND)[-1].action == "event-stale"
    # The same two in the other order end in the same state.
    _other = _brand("EZ3", "brand-failure", T0 + timedelta(minutes=1))
    assert record(store, [_other])[0].outcome == "stale"
    # Older than a status recorded by apply (status_since) too.
    before_apply = _brand("EZ4", "brand-failure", datetime(2026, 12, 1, 7, 0, tzinfo=UTC))
    assert record(store, [before_apply])[0].outcome == "stale"


def test_at_the_same_time_the_review_order_decides(store: StateStore) -> None:
    """The sandbox (and Twilio) may report in review and a decision in one millisecond."""
    _setup(store)
    tf = [
        parsing.cloud_event({
            "id": f"EZ{i}", "time": T0.isoformat(),
            "type": f"com.twilio.messaging.compliance.toll-free-verification.{kind}",
            "data": {"tollfreeverificationsid": "HH" + "3" * 32, "verificationstatus": status},
        })
        for i, (kind, status) in enumerate(
            [("rejected", "twilio_rejected"), ("pending-review", "in_review")]
        )
    ]  # fmt: skip
    with store.transaction() as tx:
        tx.put_resource("tollfree_verification", "acme/tollfree-0142", spec={}, spec_hash="t")
        tx.confirm("tollfree_verification", "acme/tollfree-0142", "verification", "HH" + "3" * 32)
        tx.set_status("tollfree_verification", "acme/tollfree-0142", "PENDING_REVIEW",
                      since="2026-12-01T08:00:00.000Z")  # fmt: skip
    assert [r.outcome for r in record(store, tf)] == ["applied", "stale"]
    assert _status(store, "acme/tollfree-0142")[0] == "TWILIO_REJECTED"


def test_a_callback_never_moves_a_status_back_in_the_review(store: StateStore) -> None:
    _setup(store)

    def cb(status: str, token: str, reason: str = "") -> Event:
        form = {"BundleSid": BUNDLE_SID, "Status": status, "FailureReason": reason}
        return parsing.callback(form, token, T0)

    rejected = cb("twilio-rejected", "t2", "Address could not be verified")
    late_in_review = cb("in-review", "t1")
    assert [r.outcome for r in record(store, [rejected, late_in_review])] == ["applied", "stale"]
    assert _status(store, "acme") == ("twilio-rejected", ("Address could not be verified",))
    # A later decision replaces a decision (a revocation, an approval after a fix).
    assert record(store, [cb("twilio-approved", "t3")])[0].outcome == "applied"
    assert _status(store, "acme") == ("twilio-approved", ())
    # Without an idempotency token a callback is an observation, applied as such.
    again = parsing.callback({"BundleSid": BUNDLE_SID, "Status": "twilio-approved"}, None, T0)
    assert record(store, [again])[0].outcome == "applied"
    assert _status(store, "acme") == ("twilio-approved", ())


def test_an_unknown_sid_is_acknowledged_then_applies_once_recorded(store: StateStore) -> None:
    _setup(store)
    other = "BN" + "9" * 32
    event = parsing.cloud_event({
        "id": "EZ9", "time": (T0 + timedelta(hours=1)).isoformat(),
        "type": "com.twilio.messaging.compliance.brand-registration.brand-registered",
        "data": {"brandsid": other, "brandstatus": "registered"},
    })  # fmt: skip
    assert record(store, [event])[0].outcome == "unknown"
    with store.transaction() as tx:
        tx.put_resource("a2p_brand", "globex/a2p-brand", spec={}, spec_hash="g")
        tx.confirm("a2p_brand", "globex/a2p-brand", "brand", other)
        tx.set_status("a2p_brand", "globex/a2p-brand", "PENDING", since="2026-12-01T09:00:00Z")
    assert record(store, [event])[0].outcome == "applied"
    assert record(store, [event])[0].outcome == "duplicate"
    assert _status(store, "globex/a2p-brand")[0] == "APPROVED"


def test_a_batch_is_recorded_all_or_nothing(store: StateStore) -> None:
    """A delivery's events share one transaction: when one cannot be recorded, none is,
    and the delivery is not acknowledged (Twilio sends it again)."""
    _setup(store)
    good = _brand("EZ1", "brand-registered", T0 + timedelta(hours=1))
    broken = replace(_brand("EZ2", "brand-failure", T0), time=None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        record(store, [good, broken])
    assert _status(store, BRAND)[0] == "PENDING"
    assert record(store, [good])[0].outcome == "applied"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"{", "JSON array"),
        (b"[]", "non-empty"),
        (b"[1]", "not a JSON object"),
        (
            json.dumps([{"id": "x", "type": "t", "time": "yesterday", "data": {}}]).encode(),
            "RFC 3339",
        ),
        (json.dumps([{"id": "x", "type": "t", "time": "2026-12-01T00:00:00Z"}]).encode(), "'data'"),
        (b"\xff", "JSON array"),
    ],
)
def test_a_malformed_batch_is_refused(body: bytes, why: str) -> None:
    with pytest.raises(ParseError, match=why):
        parsing.batch(body)
