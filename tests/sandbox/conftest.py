from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from twilio.rest import Client

from tests.support.conformance import CheckingHttpClient, Conformance
from trusthub.sandbox import Sandbox
from trusthub.sandbox.server import SandboxServer
from trusthub.sandbox.transport import server_client


@pytest.fixture(scope="session")
def conformance() -> Conformance:
    """The OpenAPI checker, on the specs vendored in tests/support/openapi/."""
    return Conformance()


@pytest.fixture
def spec_checker(conformance: Conformance) -> Conformance:
    return conformance


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox.db") as sb:
        yield sb


@pytest.fixture
def bad_requests() -> None:
    """Requested by tests that send invalid requests on purpose: their request drifts are
    expected (responses are still checked)."""


def _checked(
    client: Client, conformance: Conformance, request: pytest.FixtureRequest
) -> Iterator[Client]:
    checker = CheckingHttpClient(client.http_client, conformance)
    client.http_client = checker
    yield client
    assert checker.response_drifts == [], "responses drift from the OpenAPI spec:\n" + (
        "\n".join(checker.response_drifts)
    )
    if "bad_requests" not in request.fixturenames:
        assert checker.request_drifts == [], "requests drift from the OpenAPI spec:\n" + (
            "\n".join(checker.request_drifts)
        )


@pytest.fixture
def client(
    sandbox: Sandbox, conformance: Conformance, request: pytest.FixtureRequest
) -> Iterator[Client]:
    """A stock twilio Client answered in-process; every request and response is checked
    against the OpenAPI specs and the test fails on any drift."""
    yield from _checked(sandbox.client(), conformance, request)


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox, "127.0.0.1", 0).start() as running:
        yield running


@pytest.fixture
def http_client(
    server: SandboxServer,
    sandbox: Sandbox,
    conformance: Conformance,
    request: pytest.FixtureRequest,
) -> Iterator[Client]:
    """A stock twilio Client talking to the sandbox over real loopback HTTP."""
    client = server_client(server.url, sandbox.account_sid, sandbox.auth_token)
    yield from _checked(client, conformance, request)


@dataclass
class Receiver:
    url: str
    received: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)  # sent with each answer
    event: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A loopback HTTP server recording the status callbacks it gets."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
            box.received.append((self.path, params, dict(self.headers.items())))
            self.send_response(box.status)
            for name, value in box.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
            box.event.set()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box = Receiver(f"http://127.0.0.1:{httpd.server_address[1]}/trusthub/status")
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield box
    httpd.shutdown()
    httpd.server_close()
    thread.join()
