"""`trusthub sandbox serve` under attack on loopback: slow clients (open sockets that send
part of a request, or nothing), oversized bodies with and without credentials, malformed
requests. The server's threads and memory (its RSS) stay bounded, the slow clients are
cut off after the client timeout, and a normal client, the stock twilio SDK, is served
all along.

Bounded in count and time, loopback only. The default run is small (a few seconds); the
full size (1,000 slow clients) is marked `slow`.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.reliability.processes import Process
from trusthub.sandbox.transport import server_client

ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "stress-token"
THREADS = 4
CLIENT_TIMEOUT = 2  # seconds the server gives a client to send a request


def _status(pid: int) -> tuple[int, int]:
    """The server process's (threads, RSS in KiB)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0])


def _open_files(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


@dataclass
class Sampler:
    """Samples the server's threads and RSS every 20 ms while the attack runs."""

    pid: int
    threads: list[int] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.wait(0.02):
            threads, rss = _status(self.pid)
            self.threads.append(threads)
            self.rss.append(rss)


def _auth() -> str:
    return "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname or "", parts.port or 0), timeout=10)


def _slow(url: str, i: int) -> socket.socket:
    """A client that sends part of a request, then nothing more."""
    sock = _connect(url)
    partial = [
        b"",  # connected, silent
        b"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\nContent-Le",  # headers cut short
        # Headers complete, with credentials, and half of the body.
        b"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\nAuthorization: " + _auth().encode() + b"\r\n"
        b"Content-Length: 100\r\n\r\nFriendlyName=half",
    ][i % 3]
    if partial:
        sock.sendall(partial)
    return sock


def _answer(sock: socket.socket) -> tuple[int, dict[str, object]]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, json.loads(response.read())


def _oversized(url: str, credentials: bool) -> int:
    """400 MB announced: answered on the headers; then a few MB pushed at it anyway."""
    with _connect(url) as sock:
        auth = f"Authorization: {_auth()}\r\n" if credentials else ""
        head = f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 419430400\r\n\r\n"
        sock.sendall(head.encode())
        status, body = _answer(sock)
        assert body["status"] == status
        chunk = b"x" * 65536
        try:
            for _ in range(64):  # 4 MB, until the server has hung up
                sock.sendall(chunk)
        except OSError:
            pass
        return status


def _with_body(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


_NESTED = quote('{"a":' * 40 + "1" + "}" * 40).encode()
MALFORMED = [
    b"Content-Length: abc\r\n\r\n",
    b"Content-Length: -1\r\n\r\n",
    _with_body(b"FriendlyName=\xff&Type=business"),
    b"Transfer-Encoding: gzip\r\n\r\n",
    _with_body(b"FriendlyName=x&Type=business&Attributes=" + _NESTED),
]


def _malformed(url: str, i: int) -> int:
    with _connect(url) as sock:
        head = f"POST /v1/EndUsers HTTP/1.1\r\nHost: x\r\nAuthorization: {_auth()}\r\n".encode()
        sock.sendall(head + MALFORMED[i % len(MALFORMED)])
        status, body = _answer(sock)
        assert body["status"] == status
        assert {"code", "message", "more_info", "status"} <= body.keys()
        return status


def stress(tmp_path: Path, slow_clients: int, bad_requests: int) -> dict[str, float]:
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    server = Process(
        tmp_path,
        *("sandbox", "serve", "--port", "0", "--threads", str(THREADS)),
        *("--client-timeout", str(CLIENT_TIMEOUT)),
        env=env,
        log=tmp_path / "serve.err",
    )
    started = time.monotonic()
    held: list[socket.socket] = []
    try:
        line = server.wait_for("Trust Hub sandbox listening on ", timeout=30)
        assert line is not None, server.stderr
        url = line.rsplit(" ", 1)[1]
        client = server_client(url, ACCOUNT_SID, AUTH_TOKEN)
        client.trusthub.v1.policies.list()  # warm: every module loaded
        base_threads, base_rss = _status(server.pid)
        base_files = _open_files(server.pid)
        sampler = Sampler(server.pid)
        sampling = threading.Thread(target=sampler.run, daemon=True)
        sampling.start()

        # The attack: the slow clients stay open while the rest goes on.
        held = [_slow(url, i) for i in range(slow_clients)]
        statuses: list[int] = []
        latencies: list[float] = []

        def normal() -> None:
            before = time.monotonic()
            made = client.trusthub.v1.end_users.create(friendly_name="n", type="business")
            assert client.trusthub.v1.end_users(made.sid).fetch().friendly_name == "n"
            latencies.append(time.monotonic() - before)

        for i in range(bad_requests):
            statuses.append(_oversized(url, credentials=i % 2 == 0))
            statuses.append(_malformed(url, i))
            normal()
        attacked = time.monotonic()
        assert sorted(set(statuses)) == [400, 401, 413, 501]

        # The slow clients are cut off after the client timeout; the normal client still
        # is served.
        deadline = time.monotonic() + CLIENT_TIMEOUT + 5
        cut = 0
        for sock in held:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                cut += sock.recv(1) == b""
            except ConnectionResetError:
                cut += 1
            except TimeoutError:
                pass
        normal()
        reaped = time.monotonic()
        sampler.stop.set()
        sampling.join()
        files_after = _open_files(server.pid)
    finally:
        for sock in held:
            sock.close()
        server.proc.terminate()
        code = server.finish()
    assert code == 0, server.stderr
    assert "Traceback" not in server.stderr, server.stderr
    assert cut == slow_clients, f"{slow_clients - cut} slow clients still connected"
    assert files_after <= base_files + 2, (base_files, files_after)
    figures = {
        "slow clients": slow_clients,
        "bad requests": bad_requests * 2,
        "threads before": base_threads,
        "threads max": max(sampler.threads),
        "RSS before MiB": base_rss / 1024,
        "RSS max MiB": max(sampler.rss) / 1024,
        "normal request max s": max(latencies),
        "attack s": attacked - started,
        "until cut off s": reaped - attacked,
    }
    print(figures)
    # Bounded: the pool's threads, whatever the number of clients; memory within 64 MiB of
    # what it was (a 400 MB body read would be far past it).
    assert figures["threads max"] <= base_threads, figures
    assert figures["RSS max MiB"] - figures["RSS before MiB"] < 64, figures
    assert figures["normal request max s"] < 2, figures
    return figures


def test_server_stays_bounded_under_slow_oversized_and_malformed_clients(tmp_path: Path) -> None:
    stress(tmp_path, slow_clients=60, bad_requests=10)


@pytest.mark.slow
def test_server_stays_bounded_under_1000_slow_clients(tmp_path: Path) -> None:
    stress(tmp_path, slow_clients=1000, bad_requests=100)
