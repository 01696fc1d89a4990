"""`trusthub events serve` as a server: waitress in front of the receiver, bounded as the
sandbox's server is: one event loop holds at most `connection_limit` connections, a pool of
`threads` workers answers complete requests, a client has `timeout` seconds to send a
request (and an idle connection as long), a body past `MAX_BODY_BYTES` is refused by its
`Content-Length` before it is read (413), headers past `MAX_HEADER_BYTES` too (431).

It binds the address it is given: a loopback one unless `allow_remote` (Twilio reaches
a receiver through a public URL, usually a proxy or tunnel in front of a loopback bind).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Self

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer

from trusthub.common.net import is_loopback
from trusthub.errors import TrusthubError
from trusthub.events.receiver import (
    ACK_DEADLINE,
    CONNECTION_LIMIT,
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    QUEUE_SIZE,
    THREADS,
    TIMEOUT,
    Log,
    Receiver,
    Writer,
)
from trusthub.state import StateStore


class EventsError(TrusthubError):
    """The receiver cannot start (a bind refused, bad options)."""


def parse_bind(bind: str) -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:PORT` for IPv6) as (host, port)."""
    host, sep, port = bind.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise EventsError(
            f"--bind {bind!r} is not HOST:PORT", hint="for example --bind 127.0.0.1:8788"
        )
    return host.strip("[]"), int(port)


class EventServer:
    def __init__(
        self,
        store: StateStore,
        *,
        host: str,
        port: int,
        public_url: str,
        auth_token: str,
        log: Log,
        allow_remote: bool = False,
        threads: int = THREADS,
        connection_limit: int = CONNECTION_LIMIT,
        timeout: float = TIMEOUT,
        queue_size: int = QUEUE_SIZE,
        ack_deadline: float = ACK_DEADLINE,
        subaccount_tokens: Sequence[str] = (),
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise EventsError(
                f"the receiver binds loopback only (127.0.0.1 or ::1), not {host}",
                hint="put a proxy or tunnel in front of it, or pass --allow-remote-bind",
            )
        if min(threads, connection_limit, queue_size) < 1 or timeout <= 0:
            raise EventsError(
                "threads, the connection limit, the queue and the timeout must be positive"
            )
        if not auth_token:
            raise EventsError(
                "TWILIO_AUTH_TOKEN is not set: the receiver checks Twilio's signatures with it",
                hint="export TWILIO_AUTH_TOKEN (the account's auth token) before starting it",
            )
        self._map: dict[int, Any] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.writer = Writer(store, queue_size=queue_size, log=log)
        app = Receiver(
            self.writer, public_url=public_url, auth_token=auth_token,
            ack_deadline=ack_deadline, log=log, subaccount_tokens=subaccount_tokens,
        )  # fmt: skip
        try:
            adj = Adjustments(
                host=host,
                port=port,
                threads=threads,
                connection_limit=connection_limit,
                channel_timeout=int(max(1, timeout)),
                cleanup_interval=1,
                max_request_body_size=MAX_BODY_BYTES + 1,  # waitress refuses at the size
                max_request_header_size=MAX_HEADER_BYTES + 1,
                asyncore_use_poll=True,
                ident="trusthub-events",
                expose_tracebacks=False,
            )
            self._server = TcpWSGIServer(app, map=self._map, adj=adj)
        except OSError as e:
            self.writer.stop()
            raise EventsError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None

    @property
    def url(self) -> str:
        server: Any = self._server
        host, port = str(server.effective_host), int(server.effective_port)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        while not self._stopping.is_set():
            wasyncore.loop(timeout=poll_interval, use_poll=True, map=self._map, count=1)

    def shutdown(self) -> None:
        self._stopping.set()
        self._server.pull_trigger()

    def server_close(self) -> None:
        """Stops accepting, lets the requests being answered finish, then records what
        the writer still holds."""
        if self._closed:
            return
        self._closed = True
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=int(ACK_DEADLINE) + 1)
        wasyncore.close_all(self._map)
        self.writer.stop()

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name="trusthub-events-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.stop()
