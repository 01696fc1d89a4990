"""Ctrl-C and SIGTERM during an apply: the first stops starting actions, the second aborts.

A submission locks a profile for review, and every call is recorded as it is made, so the
first signal must not cut a call in half, and must not let new ones begin: it sets an event
the executor checks before each action. A second signal means "now": the process ends at
once; the state's transactions and intent records make the next apply carry on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from trusthub.errors import ExitCode

SIGNALS = (signal.SIGINT, signal.SIGTERM)
FIRST = (
    "\nstopping: the calls in flight finish and are recorded; no other action starts "
    "(press Ctrl-C again to abort at once)\n"
)
SECOND = "\naborted; `trusthub apply` carries on from what the state recorded\n"


@contextlib.contextmanager
def stop_on_signal() -> Iterator[threading.Event]:
    """An event set by the first SIGINT or SIGTERM while the block runs."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals are delivered to the main thread only; nothing to catch
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        # os.write, not click.echo: the handler may interrupt a write to the same stream,
        # and a buffered stream refuses re-entrant writes.
        if stop.is_set():
            os.write(2, SECOND.encode())
            os._exit(ExitCode.INTERRUPTED)
        stop.set()
        os.write(2, FIRST.encode())

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
