"""Fault injection as the SDK sees it, deterministic with a seed, never half-applied."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import FaultSettings, Sandbox

CREATE_END_USER = r"^POST /v1/EndUsers$"


def _create(client: Client, name: str = "x") -> str:
    return str(client.trusthub.v1.end_users.create(friendly_name=name, type="business").sid)


def _count(client: Client) -> int:
    return len(client.trusthub.v1.end_users.list())


def test_error_is_a_500_and_nothing_happens(client: Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(FaultSettings(error_rate=1.0, only=CREATE_END_USER))
    with pytest.raises(TwilioRestException) as failed:
        _create(client)
    assert (failed.value.status, failed.value.code) == (500, 20500)
    assert _count(client) == 0


def test_throttle_is_a_429_with_retry_after(client: Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(FaultSettings(throttle_rate=1.0, retry_after=2, only=CREATE_END_USER))
    with pytest.raises(TwilioRestException) as throttled:
        _create(client)
    assert (throttled.value.status, throttled.value.code) == (429, 20429)
    response = client.request(
        "POST",
        "https://trusthub.twilio.com/v1/EndUsers",
        data={"FriendlyName": "x", "Type": "business"},
    )
    assert (response.status_code, response.headers["Retry-After"]) == (429, "2")
    assert _count(client) == 0


def test_dropped_connection_raises_like_requests(client: Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(FaultSettings(drop_rate=1.0, only=CREATE_END_USER))
    with pytest.raises(requests.ConnectionError, match="Remote end closed connection"):
        _create(client)
    assert _count(client) == 0


def test_error_after_commit_leaves_exactly_one_object(client: Client, sandbox: Sandbox) -> None:
    built = b.submittable(client)
    sandbox.set_faults(FaultSettings(error_after_commit_rate=1.0, only=r"^POST "))
    with pytest.raises(TwilioRestException) as ambiguous:
        _create(client, "after commit")
    assert ambiguous.value.status == 500
    assignments = client.trusthub.v1.customer_profiles(
        built.sid
    ).customer_profiles_entity_assignments
    extra = client.trusthub.v1.end_users.list()[-1].sid
    with pytest.raises(TwilioRestException):
        assignments.create(object_sid=extra)
    sandbox.set_faults(FaultSettings())
    named = [u for u in client.trusthub.v1.end_users.list() if u.friendly_name == "after commit"]
    assert len(named) == 1
    # The client retries the ambiguous create: refused, not duplicated.
    with pytest.raises(TwilioRestException) as again:
        assignments.create(object_sid=extra)
    assert "already assigned" in again.value.msg
    assert [a.object_sid for a in assignments.list()].count(extra) == 1


def _outcomes(client: Client, sandbox: Sandbox, seed: int) -> list[str]:
    sandbox.set_faults(FaultSettings(seed=seed, error_rate=0.3, throttle_rate=0.2, drop_rate=0.1))
    outcomes = []
    for _ in range(40):
        try:
            client.trusthub.v1.policies(b.PRIMARY).fetch()
            outcomes.append("ok")
        except TwilioRestException as e:
            outcomes.append(str(e.status))
        except requests.ConnectionError:
            outcomes.append("drop")
    return outcomes


def test_faults_are_deterministic_with_a_seed(client: Client, sandbox: Sandbox) -> None:
    first = _outcomes(client, sandbox, seed=7)
    assert first == _outcomes(client, sandbox, seed=7)
    assert first != _outcomes(client, sandbox, seed=8)
    assert {"ok", "500", "429", "drop"} <= set(first)


def test_fail_after_k_requests(client: Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(FaultSettings(fail_after=3, fail_with="throttle"))
    for _ in range(3):
        client.trusthub.v1.policies(b.PRIMARY).fetch()
    for _ in range(2):
        with pytest.raises(TwilioRestException) as throttled:
            client.trusthub.v1.policies(b.PRIMARY).fetch()
        assert throttled.value.code == 20429


def test_slow_responses(client: Client, sandbox: Sandbox) -> None:
    sandbox.set_faults(FaultSettings(slow_rate=1.0, slow_delay=0.05))
    started = time.perf_counter()
    client.trusthub.v1.policies(b.PRIMARY).fetch()
    assert time.perf_counter() - started >= 0.05


def test_latency_overlaps_across_threads(sandbox: Sandbox) -> None:
    # As the apply benchmark runs: injected latency, 10 threads, one shared client.
    client = sandbox.client()
    latency, requests_per_thread, threads = 0.05, 6, 10
    sandbox.set_faults(FaultSettings(latency=latency))
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        made = list(
            pool.map(lambda i: _create(client, f"t{i}"), range(threads * requests_per_thread))
        )
    elapsed = time.perf_counter() - started
    ideal = threads * requests_per_thread * latency / threads
    serial = threads * requests_per_thread * latency
    # Overlapping, not taking turns (one shared lock would take the serial time): under a
    # third of it. Not the ideal itself: a loaded machine adds waits of its own.
    assert elapsed < serial / 3, f"{elapsed:.3f}s for an ideal {ideal:.3f}s (serial {serial}s)"
    sandbox.set_faults(FaultSettings())
    assert len(set(made)) == threads * requests_per_thread == _count(client)


def test_fault_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultSettings(error_rate=1.5)
    with pytest.raises(ValueError, match="add up to more than 1"):
        FaultSettings(error_rate=0.6, drop_rate=0.6)
