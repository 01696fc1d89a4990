"""The sandbox as a real HTTP server on loopback (`trusthub sandbox serve`): the stdlib
`ThreadingHTTPServer` in front of the same WSGI app as the in-process transport.

It accepts only its account's credentials (401 and error 20003 otherwise): those in
`TWILIO_ACCOUNT_SID`/`TWILIO_AUTH_TOKEN` when both are set (used, never stored), else the
pair the sandbox generated and keeps in its database.
"""

from __future__ import annotations

import io
import socket
import struct
import threading
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from trusthub.common.net import is_loopback
from trusthub.sandbox.core import Sandbox, SandboxError
from trusthub.sandbox.protocol import ConnectionDropped


def credentials_from_env(environ: Mapping[str, str]) -> tuple[str, str] | None:
    sid, token = environ.get("TWILIO_ACCOUNT_SID"), environ.get("TWILIO_AUTH_TOKEN")
    return (sid, token) if sid and token else None


class _Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"  # keep-alive: the SDK's session reuses connections
    # One write per response, no Nagle: small header and body writes would otherwise wait
    # on the client's delayed ACK (~40 ms a request).
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": unquote(path),
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in self.headers.items():
            environ.setdefault("HTTP_" + name.upper().replace("-", "_"), value)
        reply: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            reply["status"], reply["headers"] = int(status.split(" ", 1)[0]), headers

        try:
            chunks = self.server.sandbox.app(environ, start_response)
        except ConnectionDropped:
            # The fault: hang up without a response. SO_LINGER 0 resets the connection.
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        self.send_response(reply["status"], HTTPStatus(reply["status"]).phrase)
        for name, value in reply["headers"]:
            self.send_header(name, value)
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        sandbox: Sandbox,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_remote: bool = False,
        verbose: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise SandboxError(
                f"the sandbox serves loopback only (127.0.0.1 or ::1), not {host}",
                hint="it holds test data and answers with the sandbox's credentials",
            )
        self.sandbox = sandbox
        self.verbose = verbose
        if ":" in host.strip("[]"):
            self.address_family = socket.AF_INET6
        self._thread: threading.Thread | None = None
        try:
            super().__init__((host.strip("[]"), port), _Handler)
        except OSError as e:
            raise SandboxError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://[{text}]:{port}" if ":" in text else f"http://{text}:{port}"

    def start(self) -> SandboxServer:
        """Serve in a background thread (tests, embedding); `stop()` ends it."""
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name="trusthub-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()

    def __exit__(self, *args: object) -> None:
        self.stop()
