"""Requests the sandbox cannot use get Twilio's error body (`code`, `message`, `more_info`,
`status`), over loopback HTTP and in-process alike: never a traceback, a dropped
connection or a 500 "sandbox bug"."""

from __future__ import annotations

import base64
import http.client
import json
import logging
import socket
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from trusthub.sandbox import Sandbox
from trusthub.sandbox.protocol import MAX_BODY_BYTES, MAX_FIELDS, MAX_HEADER_BYTES, MAX_JSON_DEPTH
from trusthub.sandbox.server import SandboxServer


def send(
    server: SandboxServer,
    sandbox: Sandbox,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """One raw request with the sandbox's credentials; the status and the JSON body."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        token = base64.b64encode(f"{sandbox.account_sid}:{sandbox.auth_token}".encode()).decode()
        conn.putrequest(method, path, skip_accept_encoding=True)
        sent = {"Authorization": f"Basic {token}", "Content-Length": str(len(body))}
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        for name, value in sent.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        assert response.getheader("Content-Type") == "application/json"
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def basic(sandbox: Sandbox) -> str:
    token = base64.b64encode(f"{sandbox.account_sid}:{sandbox.auth_token}".encode()).decode()
    return f"Basic {token}"


def exchange(server: SandboxServer, head: bytes, body: bytes = b"") -> tuple[int, dict[str, Any]]:
    """Sends `head` (and `body`, if any) on a raw socket and reads the answer, which must
    come within 5 s: the server answers what the headers alone decide."""
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=5) as sock:
        sock.sendall(head + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.getheader("Content-Type") == "application/json"
        return response.status, json.loads(response.read())


def assert_twilio_error(body: dict[str, Any], status: int, code: int, *fragments: str) -> None:
    assert body["status"] == status
    assert body["code"] == code
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    for fragment in fragments:
        assert fragment in body["message"]
    assert "sandbox bug" not in body["message"]


@pytest.fixture
def no_server_errors(caplog: pytest.LogCaptureFixture) -> Any:
    """No error (a traceback, a "sandbox bug") logged by the sandbox or its server."""
    caplog.set_level(logging.WARNING)
    yield
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged == [], [r.getMessage() for r in logged]


NOT_UTF8 = [
    b"FriendlyName=\xff&Type=business",  # a byte that never starts a character
    b"FriendlyName=Caf\xe9&Type=business",  # latin-1
    b"FriendlyName=\xc0\xaf&Type=business",  # an overlong encoding of "/"
    b"FriendlyName=\xed\xa0\x80&Type=business",  # a UTF-16 surrogate
    b"FriendlyName=%FF&Type=business",  # the same, percent-escaped
    b"FriendlyName=%C3&Type=business",  # a character cut short
]


@pytest.mark.usefixtures("no_server_errors")
@pytest.mark.parametrize("body", NOT_UTF8)
def test_a_body_that_is_not_utf8_gets_400(
    server: SandboxServer, sandbox: Sandbox, body: bytes
) -> None:
    status, answer = send(server, sandbox, "POST", "/v1/EndUsers", body)
    assert status == 400
    assert_twilio_error(answer, 400, 20001, "not UTF-8")


@pytest.mark.usefixtures("no_server_errors")
@pytest.mark.parametrize("query", ["PageSize=%FF", "FriendlyName=%E9t%E9", "Status=%ED%A0%80"])
def test_a_query_that_is_not_utf8_gets_400(
    server: SandboxServer, sandbox: Sandbox, query: str
) -> None:
    status, answer = send(server, sandbox, "GET", f"/v1/EndUsers?{query}")
    assert_twilio_error(answer, 400, 20001, "not UTF-8")
    assert status == 400


@pytest.mark.usefixtures("no_server_errors")
def test_too_many_parameters_get_400(server: SandboxServer, sandbox: Sandbox) -> None:
    body = "&".join(f"F{i}=x" for i in range(MAX_FIELDS + 1)).encode()
    status, answer = send(server, sandbox, "POST", "/v1/EndUsers", body)
    assert status == 400
    assert_twilio_error(answer, 400, 20001, f"more than {MAX_FIELDS} parameters")


def nested(depth: int, kind: str) -> str:
    if kind == "objects":
        return '{"a":' * depth + "1" + "}" * depth
    if kind == "arrays":
        return '{"a":' + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "}"
    return '{"a":' + '[{"b":' * ((depth - 1) // 2) + "1" + "}]" * ((depth - 1) // 2) + "}"


@pytest.mark.usefixtures("no_server_errors")
@pytest.mark.parametrize("kind", ["objects", "arrays", "mixed"])
@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 3, 1000, 50_000])
def test_deeply_nested_attributes_get_400(
    server: SandboxServer, sandbox: Sandbox, depth: int, kind: str
) -> None:
    attributes = nested(depth, kind)
    body = f"FriendlyName=x&Type=business&Attributes={quote(attributes)}".encode()
    status, answer = send(server, sandbox, "POST", "/v1/EndUsers", body)
    assert status == 400
    assert_twilio_error(answer, 400, 20001, "Attributes")
    # The same in-process, and on update.
    client = sandbox.client()
    created = client.trusthub.v1.end_users.create(friendly_name="x", type="business")
    for url in (
        "https://trusthub.twilio.com/v1/EndUsers",
        f"https://trusthub.twilio.com/v1/EndUsers/{created.sid}",
    ):
        response = client.request(
            "POST", url, data={"FriendlyName": "x", "Type": "business", "Attributes": attributes}
        )
        assert response.status_code == 400
        assert_twilio_error(json.loads(response.text), 400, 20001, "Attributes")


def test_attributes_nested_within_the_limit_are_kept(sandbox: Sandbox) -> None:
    attributes = nested(MAX_JSON_DEPTH, "objects")
    client = sandbox.client()
    created = client.trusthub.v1.end_users.create(
        friendly_name="x", type="business", attributes=json.loads(attributes)
    )
    assert created.attributes == json.loads(attributes)


@pytest.mark.usefixtures("no_server_errors")
@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "12abc", "0x10", "5, 6", "+5", "٥"])
def test_a_content_length_that_is_not_a_number_gets_400(
    server: SandboxServer, sandbox: Sandbox, length: str
) -> None:
    head = (
        f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\nAuthorization: {basic(sandbox)}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    status, answer = exchange(server, head, b"FriendlyName=x&Type=business")
    assert status == 400
    assert_twilio_error(answer, 400, 20001, "Content-Length")


@pytest.mark.usefixtures("no_server_errors")
@pytest.mark.parametrize("path", ["/v1/EndUsers/%FF%FE", "/v1/%C3", "/v1/Policies/%ED%A0%80"])
def test_a_path_that_is_not_utf8_gets_400(
    server: SandboxServer, sandbox: Sandbox, path: str
) -> None:
    status, answer = send(server, sandbox, "GET", path)
    assert status == 400
    assert_twilio_error(answer, 400, 20001, "path is not UTF-8")


@pytest.mark.usefixtures("no_server_errors")
@pytest.mark.parametrize("credentials", [True, False])
def test_a_body_too_large_is_refused_before_it_is_read(
    server: SandboxServer, sandbox: Sandbox, credentials: bool
) -> None:
    """400 MB announced, none of it sent: the answer comes from the headers alone (401
    without credentials, checked first; 413 with them)."""
    auth = f"Authorization: {basic(sandbox)}\r\n" if credentials else ""
    for length in (MAX_BODY_BYTES + 1, 400 * 1024 * 1024):
        head = (
            f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {length}\r\n\r\n"
        ).encode()
        status, answer = exchange(server, head)
        if credentials:
            assert status == 413
            assert_twilio_error(answer, 413, 20001, f"larger than {MAX_BODY_BYTES} bytes")
        else:
            assert status == 401
            assert_twilio_error(answer, 401, 20003, "No credentials")
    # The limit itself is accepted.
    if credentials:
        filler = b"FriendlyName=x&Type=business&Padding="
        body = filler + b"x" * (MAX_BODY_BYTES - len(filler))
        status, answer = send(server, sandbox, "POST", "/v1/EndUsers", body)
        assert (status, answer["friendly_name"]) == (201, "x")


@pytest.mark.usefixtures("no_server_errors")
def test_a_chunked_body_too_large_gets_413(server: SandboxServer, sandbox: Sandbox) -> None:
    chunk = b"x" * 65536
    head = (
        f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\nAuthorization: {basic(sandbox)}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * (MAX_BODY_BYTES // len(chunk) + 1)
    status, answer = exchange(server, head, body)
    assert status == 413
    assert_twilio_error(answer, 413, 20001, "larger than")


@pytest.mark.usefixtures("no_server_errors")
def test_wrong_credentials_are_refused_before_the_body(
    server: SandboxServer, sandbox: Sandbox
) -> None:
    wrong = base64.b64encode(f"{sandbox.account_sid}:wrong".encode()).decode()
    head = (
        "POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Basic {wrong}\r\nContent-Length: 1000000\r\n\r\n"
    ).encode()
    status, answer = exchange(server, head)
    assert status == 401
    assert_twilio_error(answer, 401, 20003, "Authentication Error")


@pytest.mark.usefixtures("no_server_errors")
def test_headers_too_large_get_431(server: SandboxServer, sandbox: Sandbox) -> None:
    head = (
        f"GET /v1/Policies HTTP/1.1\r\nHost: x\r\nAuthorization: {basic(sandbox)}\r\n"
        f"X-Padding: {'x' * MAX_HEADER_BYTES}\r\n\r\n"
    ).encode()
    status, answer = exchange(server, head)
    assert status == 431
    assert_twilio_error(answer, 431, 20001, f"larger than {MAX_HEADER_BYTES} bytes")


@pytest.mark.usefixtures("no_server_errors")
@pytest.mark.parametrize("coding", ["gzip", "chunked, gzip", "identity"])
def test_an_unknown_transfer_encoding_gets_twilios_error(
    server: SandboxServer, sandbox: Sandbox, coding: str
) -> None:
    head = (
        f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\nAuthorization: {basic(sandbox)}\r\n"
        f"Transfer-Encoding: {coding}\r\n\r\n"
    ).encode()
    status, answer = exchange(server, head)
    assert status == 501
    assert_twilio_error(answer, 501, 20500, "Transfer-Encoding")
