"""The sandbox as a real HTTP server on loopback (`trusthub sandbox serve`): waitress in
front of the same WSGI app as the in-process transport.

It accepts the credentials of each active account of the sandbox (401 otherwise: 20003, or
20005 for a suspended account; see `accounts`): the parent's, those in
`TWILIO_ACCOUNT_SID`/`TWILIO_AUTH_TOKEN` when both are set (used, never stored), else the
pair the sandbox generated and keeps in its database; and each subaccount's own.

Bounded, so that no client can take it down: one event loop holds the connections, at
most `connection_limit` of them (the rest wait in the listen backlog); a pool of
`threads` workers answers complete requests. A client gets `timeout` seconds to send a
whole request, and an idle keep-alive connection as long, then it is closed. A request is
checked when its headers are in, before a byte of its body is read: the credentials
(401), `Content-Length` (400 when it is not a number, 413 past `MAX_BODY_BYTES`), the
headers' size (431 past `MAX_HEADER_BYTES`). A body above 64 KiB waits in a temporary file,
not in memory. Every refusal is Twilio's JSON error body.
"""

from __future__ import annotations

import functools
import resource
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any, Final

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import Error, RequestEntityTooLarge, RequestHeaderFieldsTooLarge

from trusthub.common.net import is_loopback
from trusthub.common.wsgi_server import BackgroundServer
from trusthub.sandbox.core import Sandbox, SandboxError
from trusthub.sandbox.protocol import (
    BAD_PARAMETER,
    CONNECTION_LIMIT,
    INTERNAL,
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    THREADS,
    TIMEOUT,
    ApiError,
    ConnectionDropped,
    Reply,
    bad_request,
    error_reply,
)

_BODY_IN_MEMORY: Final = 64 * 1024  # a larger body is buffered in a temporary file
_FILES_KEPT: Final = 64  # file descriptors left for the database, the pool and the loop

Refusal = Callable[[str], Reply | None]


def credentials_from_env(environ: Mapping[str, str]) -> tuple[str, str] | None:
    sid, token = environ.get("TWILIO_ACCOUNT_SID"), environ.get("TWILIO_AUTH_TOKEN")
    return (sid, token) if sid and token else None


class _Refused(Error):
    """A request refused when its headers came in, answered with a sandbox reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__("")
        self.reply = reply
        self.code = reply.status

    def to_response(  # type: ignore[override]  # the stubs say str; waitress writes bytes
        self, ident: str | None = None
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        status = self.reply.status
        headers = [("Content-Type", "application/json"), *self.reply.headers.items()]
        return f"{status} {HTTPStatus(status).phrase}", headers, self.reply.encode()


def _twilio_error(error: Error) -> _Refused:
    """waitress's own refusals (bad framing, limits) as Twilio's error body."""
    if isinstance(error, _Refused):
        return error
    if isinstance(error, RequestEntityTooLarge):
        why = f"the body is larger than {MAX_BODY_BYTES} bytes"
    elif isinstance(error, RequestHeaderFieldsTooLarge):
        why = f"the request line and headers are larger than {MAX_HEADER_BYTES} bytes"
    else:
        why = str(error.body)
    if error.code == 400:
        return _Refused(error_reply(bad_request(why)))
    code = INTERNAL if error.code >= 500 else BAD_PARAMETER
    return _Refused(error_reply(ApiError(error.code, code, f"Invalid request: {why}")))


class _Parser(HTTPRequestParser):
    """waitress's parser, which also checks the credentials once the headers are in."""

    def __init__(self, adj: Adjustments, refusal: Refusal | None = None) -> None:
        super().__init__(adj)
        self.refusal = refusal
        self.started = time.monotonic()

    def received(self, data: bytes) -> int:
        had_headers = self.headers_finished
        consumed = super().received(data)
        if had_headers or not self.headers_finished or self.refusal is None:
            return consumed
        if self.error is not None and not isinstance(self.error, RequestEntityTooLarge):
            return consumed  # the headers themselves are bad: that is the answer
        reply = self.refusal(self.headers.get("AUTHORIZATION", ""))
        if reply is None:
            return consumed
        # Refused before its body: the connection closes after the answer, so the rest of
        # what was received is dropped unread.
        self.error = _Refused(reply)
        self.completed = True
        self.close()
        return len(data)


class _ErrorTask(ErrorTask):
    def execute(self) -> None:
        request: Any = self.request  # the parser (the stubs type it as the error)
        request.error = _twilio_error(request.error)
        super().execute()


class _Task(WSGITask):
    def service(self) -> None:
        try:
            super().service()
        except ConnectionDropped:
            # The fault: hang up without a response. SO_LINGER 0 resets the connection.
            if self.channel.socket is not None:
                linger = struct.pack("ii", 1, 0)
                self.channel.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.close_on_finish = True


class _Channel(HTTPChannel):
    task_class = _Task
    error_task_class = _ErrorTask

    def __init__(self, server: _Server, sock: Any, addr: Any, adj: Adjustments, map: Any) -> None:
        super().__init__(server, sock, addr, adj, map)
        self.parser_class = functools.partial(_Parser, refusal=server.refusal)  # type: ignore[assignment]


class _Server(TcpWSGIServer):
    channel_class = _Channel
    refusal: Refusal
    timeout: float

    def maintenance(self, now: float) -> None:
        """Closes connections whose client has had `timeout` seconds: idle since then, or
        still sending a request begun before then (a slow client trickling bytes)."""
        idle_since, begun_since = now - self.timeout, time.monotonic() - self.timeout
        channels: dict[int, HTTPChannel] = self.active_channels  # type: ignore[assignment]
        for channel in list(channels.values()):
            if channel.requests:
                continue  # being answered
            partial = channel.request
            begun = getattr(partial, "started", None)
            if channel.last_activity < idle_since or (begun is not None and begun < begun_since):
                channel.will_close = True


def _connection_cap(requested: int) -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return requested
    return max(1, min(requested, soft - _FILES_KEPT))


class SandboxServer(BackgroundServer):
    _thread_name = "trusthub-sandbox"

    def __init__(
        self,
        sandbox: Sandbox,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        allow_remote: bool = False,
        verbose: bool = False,
        threads: int = THREADS,
        connection_limit: int = CONNECTION_LIMIT,
        timeout: float = TIMEOUT,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise SandboxError(
                f"the sandbox serves loopback only (127.0.0.1 or ::1), not {host}",
                hint="it holds test data and answers with the sandbox's credentials",
            )
        if threads < 1 or connection_limit < 1 or timeout <= 0:
            raise SandboxError("threads, the connection limit and the timeout must be positive")
        self.sandbox = sandbox
        self.verbose = verbose
        super().__init__()
        try:
            adj = Adjustments(
                host=host.strip("[]"),
                port=port,
                threads=threads,
                connection_limit=_connection_cap(connection_limit),
                cleanup_interval=1,
                max_request_body_size=MAX_BODY_BYTES + 1,  # waitress refuses at the size
                max_request_header_size=MAX_HEADER_BYTES + 1,
                inbuf_overflow=_BODY_IN_MEMORY,
                asyncore_use_poll=True,  # select() stops at 1024 descriptors
                ident="trusthub-sandbox",
                expose_tracebacks=False,
            )
            self._server = _Server(self._wsgi, map=self._map, adj=adj)
        except OSError as e:
            raise SandboxError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
        self._server.refusal = sandbox.app.refusal
        self._server.timeout = timeout

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        # WSGI gives the path as latin-1; the app reads text.
        try:
            environ["PATH_INFO"] = str(environ.get("PATH_INFO", "")).encode("latin-1").decode()
        except UnicodeError:
            reply = error_reply(bad_request("the path is not UTF-8"))
            body = reply.encode()
            status = f"{reply.status} {HTTPStatus(reply.status).phrase}"
            start_response(status, [("Content-Type", "application/json")])
            self._log(environ, reply.status)
            return [body]
        seen: list[int] = []

        def recording(status: str, headers: list[tuple[str, str]]) -> Any:
            seen.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers)

        chunks = self.sandbox.app(environ, recording)
        self._log(environ, seen[0] if seen else 0)
        return chunks

    def _log(self, environ: Mapping[str, Any], status: int) -> None:
        if not self.verbose:
            return
        when = time.strftime("%d/%b/%Y %H:%M:%S")
        line = f"{environ.get('REQUEST_METHOD')} {environ.get('REQUEST_URI')} "
        line += str(environ.get("SERVER_PROTOCOL"))
        sys.stderr.write(f'{environ.get("REMOTE_ADDR")} - - [{when}] "{line}" {status} -\n')
