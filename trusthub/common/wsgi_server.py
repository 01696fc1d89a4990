"""The life of a waitress server that trusthub runs itself (the sandbox's `sandbox serve`,
the receiver of `events serve`): one event loop of our own instead of waitress's `serve()`,
so a server can run in a background thread (tests, embedding), stop from another thread
and release its sockets and workers exactly once.

A subclass builds its `TcpWSGIServer` on `self._map` and assigns it to `self._server`;
`_release()` is where it lets its workers finish and frees what it holds beside them.
"""

from __future__ import annotations

import threading
from typing import Any, Self

from waitress import wasyncore
from waitress.server import TcpWSGIServer


class BackgroundServer:
    _server: TcpWSGIServer
    _thread_name = "trusthub-http"

    def __init__(self) -> None:
        self._map: dict[int, Any] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def server_address(self) -> tuple[str, int]:
        server: Any = self._server  # set by waitress, not in its stubs
        return str(server.effective_host), int(server.effective_port)

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve until `shutdown()` (from another thread) or an exception such as
        KeyboardInterrupt; `server_close()` then releases everything."""
        while not self._stopping.is_set():
            wasyncore.loop(timeout=poll_interval, use_poll=True, map=self._map, count=1)

    def shutdown(self) -> None:
        self._stopping.set()
        self._server.pull_trigger()

    def server_close(self) -> None:
        """Stops the workers (as `_release` says), then closes every connection and the
        listening socket; once only."""
        if self._closed:
            return
        self._closed = True
        self._release()
        wasyncore.close_all(self._map)
        self._released()

    def _release(self) -> None:
        """Stops the worker threads; a subclass may let the requests in hand finish."""
        self._server.task_dispatcher.shutdown()

    def _released(self) -> None:
        """After the sockets are closed: what the subclass holds beside them."""

    def start(self) -> Self:
        """Serve in a background thread; `stop()` ends it."""
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name=self._thread_name, daemon=True
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
