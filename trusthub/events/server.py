"""`trusthub events serve` as a server: waitress in front of the receiver, bounded as the
sandbox's server is: one event loop holds at most `connection_limit` connections, a pool of
`threads` workers answers complete requests, a client has `timeout` seconds to send a
request (and an idle connection as long), a body past `MAX_BODY_BYTES` is refused by its
`Content-Length` before it is read (413), headers past `MAX_HEADER_BYTES` too (431).

It binds the address it is given: a loopback one unless `allow_remote` (Twilio reaches
a receiver through a public URL, usually a proxy or tunnel in front of a loopback bind).
"""

from __future__ import annotations

from collections.abc import Sequence

from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer

from trusthub.common.net import is_loopback
from trusthub.common.wsgi_server import BackgroundServer
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


class EventServer(BackgroundServer):
    _thread_name = "trusthub-events-http"

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
        super().__init__()
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

    def _release(self) -> None:
        """Lets the requests being answered finish (each within the ack deadline)."""
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=int(ACK_DEADLINE) + 1)

    def _released(self) -> None:
        """Records what the writer still holds."""
        self.writer.stop()
