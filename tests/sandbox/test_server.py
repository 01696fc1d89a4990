"""The same SDK against the sandbox's HTTP server over real loopback."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from tests.sandbox import builders as b
from trusthub.sandbox import FaultSettings, Sandbox, SandboxError
from trusthub.sandbox.server import SandboxServer, credentials_from_env
from trusthub.sandbox.transport import server_client


def test_onboarding_over_http(http_client: Client, server: SandboxServer, sandbox: Sandbox) -> None:
    th = http_client.trusthub.v1
    primary = b.approved_primary(http_client, sandbox=sandbox, numbers=("+14155550100",))
    fetched = th.customer_profiles(primary.sid).fetch()
    assert fetched.url == f"{server.url}/v1/CustomerProfiles/{primary.sid}"
    secondary = b.profile(http_client, primary=primary.sid)
    bundle = th.customer_profiles(secondary.sid)
    assert bundle.customer_profiles_evaluations.create(policy_sid=b.SECONDARY).status == "compliant"
    bundle.update(status="pending-review")
    assert bundle.fetch().status == "twilio-approved"
    with pytest.raises(TwilioRestException) as locked:
        bundle.update(friendly_name="renamed")
    assert locked.value.code == 70002


def test_paging_follows_the_servers_urls(http_client: Client, server: SandboxServer) -> None:
    made = [
        http_client.trusthub.v1.end_users.create(friendly_name=f"u{i}", type="business").sid
        for i in range(7)
    ]
    page = http_client.trusthub.v1.end_users.page(page_size=3)
    assert page.next_page_url.startswith(f"{server.url}/v1/EndUsers?")
    assert [u.sid for u in http_client.trusthub.v1.end_users.stream(page_size=3)] == made
    addresses = [b.address(http_client) for _ in range(3)]
    assert [a.sid for a in http_client.addresses.list(page_size=2)] == addresses


def test_wrong_credentials_get_401_over_http(server: SandboxServer, sandbox: Sandbox) -> None:
    client = server_client(server.url, sandbox.account_sid, "wrong-token")
    with pytest.raises(TwilioRestException) as denied:
        client.trusthub.v1.customer_profiles(b.PRIMARY.replace("RN", "BU")).fetch()
    assert (denied.value.status, denied.value.code) == (401, 20003)
    raw = requests.get(f"{server.url}/v1/Policies", timeout=5)
    assert raw.status_code == 401
    assert raw.json()["code"] == 20003


def test_stock_client_with_base_urls_overridden(server: SandboxServer, sandbox: Sandbox) -> None:
    http = TwilioHttpClient(timeout=10)
    assert http.session is not None
    http.session.trust_env = False  # no proxy between us and loopback
    client = Client(sandbox.account_sid, sandbox.auth_token, http_client=http)
    client.trusthub.base_url = server.url
    client.api.base_url = server.url
    number = client.incoming_phone_numbers.create(phone_number="+14155550100")
    assert [n.sid for n in client.incoming_phone_numbers.list(phone_number="+14155550100")] == [
        number.sid
    ]
    policy = client.trusthub.v1.policies(b.SECONDARY).fetch()
    assert policy.requirements["supporting_customer_profiles"][0]["requirement_name"] == (
        "primary_customer_profile"
    )


def test_server_uses_credentials_from_the_environment(sandbox: Sandbox, tmp_path: object) -> None:
    credentials = credentials_from_env(
        {"TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "secret"}
    )
    assert credentials == ("AC" + "a" * 32, "secret")
    assert credentials_from_env({"TWILIO_ACCOUNT_SID": "AC" + "a" * 32}) is None
    with (
        Sandbox(sandbox.store.path, credentials=credentials) as env_sandbox,
        SandboxServer(env_sandbox).start() as server,
    ):
        client = server_client(server.url, *credentials)
        created = client.trusthub.v1.end_users.create(friendly_name="x", type="business")
        assert created.account_sid == "AC" + "a" * 32
        stored = server_client(server.url, sandbox.account_sid, sandbox.auth_token)
        with pytest.raises(TwilioRestException) as denied:
            stored.trusthub.v1.end_users(created.sid).fetch()
        assert denied.value.code == 20003
    with sandbox.store.read() as tx:  # used, never stored
        assert tx.meta("auth_token") == sandbox.auth_token


def test_server_binds_loopback_only(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError, match="loopback only"):
        SandboxServer(sandbox, "0.0.0.0")
    with SandboxServer(sandbox, "::1").start() as server:
        assert server.url.startswith("http://[::1]:")
        client = server_client(server.url, sandbox.account_sid, sandbox.auth_token)
        assert len(client.trusthub.v1.policies.list()) >= 15


def test_dropped_connection_over_http(server: SandboxServer, sandbox: Sandbox) -> None:
    sandbox.set_faults(FaultSettings(drop_rate=1.0))
    client = server_client(server.url, sandbox.account_sid, sandbox.auth_token)
    with pytest.raises(requests.ConnectionError):
        client.trusthub.v1.end_users.create(friendly_name="x", type="business")
    sandbox.set_faults(FaultSettings())
    assert client.trusthub.v1.end_users.list() == []  # nothing was created


def test_past_the_connection_limit_clients_wait_until_slow_ones_time_out(
    sandbox: Sandbox,
) -> None:
    with SandboxServer(sandbox, connection_limit=3, timeout=1.0).start() as server:
        host, port = server.server_address
        silent = [socket.create_connection((host, port), timeout=5) for _ in range(3)]
        try:
            client = server_client(server.url, sandbox.account_sid, sandbox.auth_token)
            started = time.monotonic()
            assert len(client.trusthub.v1.policies.list()) >= 15  # waits for a free slot
            assert time.monotonic() - started < 4
            for sock in silent:  # cut off after the timeout
                assert sock.recv(1) == b""
        finally:
            for sock in silent:
                sock.close()


def test_stop_ends_every_thread_and_closes_the_port(sandbox: Sandbox) -> None:
    before = set(threading.enumerate())
    server = SandboxServer(sandbox, threads=3).start()
    host, port = server.server_address
    client = server_client(server.url, sandbox.account_sid, sandbox.auth_token)
    assert len(client.trusthub.v1.policies.list()) >= 15
    assert len(set(threading.enumerate()) - before) == 4  # the loop and three workers
    server.stop()
    assert set(threading.enumerate()) - before == set()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=5)
