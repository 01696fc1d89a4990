"""`events serve` on a real loopback socket, with the sandbox delivering to it as Twilio
would: signed Trust Hub status callbacks and signed Event Streams batches, duplicates,
deliveries out of order, a bad signature, an oversized body, and a restart of the receiver
in the middle; the state, `trusthub status` and `trusthub history` follow without a
refresh, and nothing is lost or applied twice."""

from __future__ import annotations

import json
import socket
import time
from collections import Counter

from twilio.request_validator import RequestValidator

from tests.events.conftest import World, post
from trusthub.events.receiver import MAX_BODY_BYTES
from trusthub.sandbox import event_streams

BRIGHT = "brightsmile-dental"
BRAND = f"{BRIGHT}/a2p-brand"
TOLLFREE = f"{BRIGHT}/tollfree-0142"


def _onboard(world: World) -> None:
    """Apply, approving by hand what each step waits for, until the brand and the
    toll-free verification exist. The primary came approved from the Console, so the first
    apply submits the secondaries."""
    world.apply()
    assert world.status(BRIGHT)[0] in ("pending-review", "in-review")
    world.sandbox.approve(world.sid("profile", BRIGHT, "bundle"))
    world.apply()
    world.apply()


def _event_audit(world: World) -> Counter[str]:
    """How many audit events each Twilio event id produced."""
    with world.store() as store:
        events = store.audit()
    return Counter(
        str(e.detail["event_id"]) for e in events if e.actor == "events" and "event_id" in e.detail
    )


def test_the_state_follows_the_sandbox_s_callbacks_and_event_streams(world: World) -> None:
    world.start()
    _onboard(world)

    # Callbacks moved the profiles while apply ran, and after it, with no refresh.
    assert world.status("acme-isv")[0] == "twilio-approved"  # adopted from the Console
    assert world.status(BRIGHT)[0] == "twilio-approved"
    status = json.loads(world.cli("status", "--format", "json").stdout)
    shown = {p["profile"]: p for p in status["profiles"]}
    assert shown[BRIGHT]["status"] == "twilio-approved"

    # A rejection's FailureReason, from the callback alone, reaches the state and history.
    maple = world.sid("profile", "greenfield-growers-coop", "bundle")
    world.sandbox.reject(maple, "The business address could not be verified")
    assert world.status("greenfield-growers-coop") == (
        "twilio-rejected",
        ("The business address could not be verified",),
    )
    history = world.cli("history", "greenfield-growers-coop").stdout
    last = [line for line in history.splitlines() if "greenfield-growers-coop " in line][-1]
    assert "event" in last
    assert "twilio-rejected" in last
    assert "events" in last
    assert "rejected: The business address could not be verified" in history

    # Event Streams: the brand's registration, the toll-free verification's rejection.
    world.sandbox.approve(world.sid("a2p_brand", BRAND, "brand"))
    assert world.status(BRAND) == ("APPROVED", ())
    # The approved brand unlocks its campaign; TCR's decision on it arrives as an event.
    world.apply()
    with world.store() as store:
        campaign = min(r.name for r in store.snapshot() if r.kind == "a2p_campaign")
    world.sandbox.reject(
        world.sid("a2p_campaign", campaign, "campaign"), "30934: The sample messages lack opt-out"
    )
    assert world.status(campaign) == ("FAILED", ("30934: The sample messages lack opt-out",))
    world.sandbox.approve(world.sid("a2p_campaign", campaign, "campaign"))
    assert world.status(campaign) == ("VERIFIED", ())
    rejected = world.sandbox.reject(
        world.sid("tollfree_verification", TOLLFREE, "verification"),
        "30513: The opt-in image is not reachable",
    )
    assert world.status(TOLLFREE) == (
        "TWILIO_REJECTED",
        ("30513: The opt-in image is not reachable",),
    )
    assert "error 30513" in world.cli("history", TOLLFREE).stdout
    # The edit window, 7 days from the rejection, as `status` shows it without a refresh.
    shown = json.loads(world.cli("status", "--format", "json").stdout)
    row = {p["profile"]: p for p in shown["profiles"]}[BRIGHT]
    (verification,) = row["tollfree_verifications"]
    assert rejected.valid_until is not None
    assert verification["edit_window_closes"] == rejected.valid_until[:10]
    deliveries = world.sandbox.event_deliveries()
    assert deliveries
    assert all(d.state == "delivered" for d in deliveries)
    kinds = {d.event["type"].rsplit(".", 1)[-1] for d in deliveries}
    assert {"brand-registered", "rejected", "campaign-failure", "campaign-approved"} <= kinds
    assert all(c.state == "delivered" for c in world.sandbox.callbacks())

    # Twilio delivers at least once: everything again, newest first. Nothing changes.
    before = _event_audit(world)
    received = world.received()
    statuses = {n: world.status(n) for n in (BRIGHT, BRAND, TOLLFREE, "acme-isv")}
    world.sandbox.replay_events()
    assert all(d.state == "delivered" for d in world.sandbox.event_deliveries())
    after = _event_audit(world)
    assert {k: after[k] for k in before} == before
    assert {n: world.status(n) for n in statuses} == statuses
    known = [r for r in received if r[1] != "unknown"]
    assert set(known) <= set(world.received())
    # An event that came before apply had recorded its SID (the verification's
    # `requested`, sent by the create itself) was acknowledged as unknown; delivered again,
    # it is judged, and being older than the rejection it is noted, not applied.
    for event_id, outcome, _ in received:
        if outcome == "unknown":
            assert (event_id, "stale", TOLLFREE) in world.received()
    assert any("duplicate" in line for line in world.log)
    assert max(after.values()) == 1  # every event was applied once


def test_a_restart_mid_stream_loses_nothing_and_old_events_never_win(world: World) -> None:
    world.start()
    _onboard(world)
    brand = world.sid("a2p_brand", BRAND, "brand")
    world.sandbox.reject(brand, "The EIN does not match")
    assert world.status(BRAND)[0] == "FAILED"
    acknowledged = world.received()

    world.stop()  # the receiver goes away; Twilio's deliveries fail meanwhile
    time.sleep(0.01)
    world.sandbox.approve(brand)  # brand-registered, newer
    time.sleep(0.01)
    world.sandbox.reject(
        world.sid("tollfree_verification", TOLLFREE, "verification"), "30513: bad image"
    )
    failed = [d for d in world.sandbox.event_deliveries() if d.state == "failed"]
    # brand-registered, brand-vetted-verified (its secondary vetting), the rejection
    assert len(failed) == 3

    world.start()  # the same port; what it acknowledged before is still recorded
    assert set(acknowledged) <= set(world.received())
    assert world.status(BRAND)[0] == "FAILED"
    world.sandbox.deliver_events(newest_first=True)  # Twilio's retries, in any order
    assert all(d.state == "delivered" for d in world.sandbox.event_deliveries())
    assert world.status(BRAND)[0] == "APPROVED"
    assert world.status(TOLLFREE)[0] == "TWILIO_REJECTED"

    # An older event delivered after a newer one is noted, never applied over it: replay
    # the brand's FAILED event under a new id (as a separate event), after the approval.
    failure = next(
        d.event for d in world.sandbox.event_deliveries() if d.event["type"].endswith("failure")
    )
    again = {**failure, "id": "EZ" + "0" * 32}
    status, body = _post_events(world, [again])
    assert status == 200
    assert body["outcomes"] == {"stale": 1}
    assert world.status(BRAND)[0] == "APPROVED"
    assert "event-stale" in world.cli("history", BRAND).stdout

    # Every event the sandbox sent is recorded, each applied exactly once.
    sent = {d.event_id for d in world.sandbox.event_deliveries()}
    recorded = {event_id for event_id, _, _ in world.received()}
    assert sent <= recorded
    assert max(_event_audit(world).values()) == 1


def _post_events(world: World, events: list[dict[str, object]]) -> tuple[int, dict[str, object]]:
    body = json.dumps(events).encode()
    url, signature = event_streams.signed(f"{world.url}/event-streams", body, world.token)
    headers = {"Content-Type": "application/json", "X-Twilio-Signature": signature}
    return post(url, body, headers)


def test_bad_signatures_and_oversized_bodies_are_refused_and_change_nothing(
    world: World,
) -> None:
    world.start()
    world.apply()
    sid = world.sid("profile", BRIGHT, "bundle")
    audit_before = _event_audit(world)
    status_before = world.status(BRIGHT)
    # Under review: what a forged callback would move.
    assert status_before[0] in ("pending-review", "in-review")
    url = f"{world.url}/status-callbacks"
    form = {"AccountSid": world.sandbox.account_sid, "BundleSid": sid, "Status": "twilio-approved"}
    body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    assert post(url, body, headers)[0] == 403  # unsigned
    wrong = RequestValidator("not-the-auth-token").compute_signature(url, form)
    assert post(url, body, {**headers, "X-Twilio-Signature": wrong})[0] == 403
    good = RequestValidator(world.token).compute_signature(url, form)
    tampered = body.replace(b"twilio-approved", b"twilio-rejected")
    assert post(url, tampered, {**headers, "X-Twilio-Signature": good})[0] == 403
    # Signed for another URL (the signature binds the public URL).
    elsewhere = RequestValidator(world.token).compute_signature("https://evil.example/x", form)
    assert post(url, body, {**headers, "X-Twilio-Signature": elsewhere})[0] == 403

    batch = json.dumps([{"id": "EZ1", "type": "x", "time": "2026-12-01T00:00:00Z", "data": {}}])
    streams = f"{world.url}/event-streams"
    json_headers = {"Content-Type": "application/json"}
    assert post(streams, batch.encode(), json_headers)[0] == 403  # unsigned
    signed_url, signature = event_streams.signed(streams, batch.encode(), world.token)
    signed_headers = {**json_headers, "X-Twilio-Signature": signature}
    assert post(signed_url, batch.encode() + b" ", signed_headers)[0] == 403  # body changed
    no_hash = RequestValidator(world.token).compute_signature(streams, {})
    assert post(streams, batch.encode(), {**json_headers, "X-Twilio-Signature": no_hash})[0] == 403

    # A body past the limit is refused by its Content-Length, before a byte of it is sent.
    huge = b"[" + b" " * MAX_BODY_BYTES + b"]"
    huge_url, huge_signature = event_streams.signed(streams, huge, world.token)
    with socket.create_connection(("127.0.0.1", world.port), timeout=5) as sock:
        target = huge_url.removeprefix(world.url)
        sock.sendall(
            f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Twilio-Signature: {huge_signature}\r\nContent-Length: {len(huge)}\r\n\r\n".encode()
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]

    assert world.status(BRIGHT) == status_before
    assert _event_audit(world) == audit_before
    assert not any("not-the-auth-token" in line or world.token in line for line in world.log)
    # And the receiver still answers a good delivery.
    assert post(url, body, {**headers, "X-Twilio-Signature": good})[0] == 200
    assert world.status(BRIGHT)[0] == "twilio-approved"
