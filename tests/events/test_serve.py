"""The receiver's bounds and its command: the acknowledgement deadline under a slow store,
the loopback-only bind, the token from the environment only, and `trusthub events serve`
as a real process that stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time

import pytest
from twilio.request_validator import RequestValidator

from tests.events.conftest import World, post
from tests.events.test_receiver_e2e import BRAND, _event_audit, _onboard
from tests.support.cli import COMMAND, run_cli
from trusthub.events.receiver import ACK_DEADLINE
from trusthub.events.server import EventsError, EventServer


def test_a_slow_store_gets_a_503_before_twilio_s_5_s_and_the_retry_is_applied_once(
    world: World,
) -> None:
    world.start()
    _onboard(world)
    brand = world.sid("a2p_brand", BRAND, "brand")
    # Another process holds the state's write lock (an apply committing, a slow disk).
    holder = sqlite3.connect(world.settings.state, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(ACK_DEADLINE + 1.5, holder.rollback)
    release.start()
    try:
        started = time.monotonic()
        world.sandbox.approve(brand)  # the sandbox delivers brand-registered at once
        answered = time.monotonic() - started
    finally:
        release.join()
        holder.close()
    delivery = world.sandbox.event_deliveries()[-1]
    assert delivery.state == "failed"
    assert delivery.detail == "HTTP 503"
    assert ACK_DEADLINE - 0.5 < answered < 5.0
    # The writer still commits what it was handed once the lock is free...
    deadline = time.monotonic() + 10
    while world.status(BRAND)[0] != "APPROVED" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert world.status(BRAND)[0] == "APPROVED"
    # ...and Twilio's retry is recognised: 200, applied once.
    world.sandbox.deliver_events()
    assert world.sandbox.event_deliveries()[-1].state == "delivered"
    assert _event_audit(world)[delivery.event_id] == 1


def test_a_full_queue_is_answered_503_at_once(world: World) -> None:
    world.start(queue_size=1)
    world.apply()
    sid = world.sid("profile", "acme-isv", "bundle")
    holder = sqlite3.connect(world.settings.state, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the writer blocks on its first delivery
    url = f"{world.url}/status-callbacks"
    results: list[int] = []

    def send(status: str) -> None:
        form = {"BundleSid": sid, "Status": status}
        body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
        signature = RequestValidator(world.token).compute_signature(url, form)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        }
        results.append(post(url, body, headers)[0])

    try:
        first = threading.Thread(target=send, args=("in-review",))
        first.start()
        time.sleep(0.5)  # the writer has taken it; the next one fills the queue
        second = threading.Thread(target=send, args=("in-review",))
        second.start()
        time.sleep(0.3)
        started = time.monotonic()
        send("twilio-approved")  # past the queue: refused at once
        assert time.monotonic() - started < 1.0
        assert results[-1] == 503
    finally:
        holder.rollback()
        holder.close()
    first.join()
    second.join()
    # The two that were queued commit once the lock is gone, inside their deadline.
    assert results[1:] == [200, 200]


def test_the_receiver_binds_loopback_only_unless_told(world: World) -> None:
    with world.store() as store, pytest.raises(EventsError, match="loopback only"):
        EventServer(store, host="0.0.0.0", port=0, public_url=world.url, auth_token="t", log=print)
    result = run_cli(
        "events", "serve", "--bind", "0.0.0.0:0", "--public-url", "https://hooks.example.com",
        workspace=world.root, env={"TWILIO_AUTH_TOKEN": "t"}, code=1,
    )  # fmt: skip
    assert "loopback only" in result.stderr
    result = run_cli(
        "events", "serve", "--bind", "127.0.0.1:0", "--public-url", "https://hooks.example.com",
        workspace=world.root, env={"TWILIO_AUTH_TOKEN": None}, code=1,
    )  # fmt: skip
    assert "TWILIO_AUTH_TOKEN is not set" in result.stderr
    result = run_cli(
        "events", "serve", "--bind", "localhost", "--public-url", "https://hooks.example.com",
        workspace=world.root, env={"TWILIO_AUTH_TOKEN": "t"}, code=1,
    )  # fmt: skip
    assert "is not HOST:PORT" in result.stderr


def test_events_serve_as_a_process_records_and_stops_on_sigterm(world: World) -> None:
    world.apply()
    env = {**os.environ, "TWILIO_AUTH_TOKEN": world.token}
    env.pop("TRUSTHUB_STATE", None)
    proc = subprocess.Popen(
        [*COMMAND, "-C", str(world.root), "events", "serve", "--bind", f"127.0.0.1:{world.port}",
         "--public-url", world.url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith(f"trusthub events listening on {world.url}"), first
        world.sandbox.approve(world.sid("profile", "acme-isv", "bundle"))
        assert world.sandbox.callbacks()[-1].state == "delivered"
        assert world.status("acme-isv")[0] == "twilio-approved"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert "acme-isv -> twilio-approved" in err
    assert world.token not in out + err
