"""Twilio's pacing of some requests (reference K: at most one brand or campaign creation a
second), kept while the rest of an apply stays parallel.

A kind declares its pacing once, on its applier (`KindApplier.pace`): the key names what
Twilio paces, so kinds that share a limit share a key. Its paced requests go through
`Converger.paced`, which waits for the next free slot of that key here. Requests of other
kinds never wait. Thread-safe: a slot is reserved under a lock and slept for outside it, so
waiting for a slot blocks no other key and no unpaced action.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pace:
    key: str  # what Twilio paces, e.g. "a2p brand registrations"
    per_second: float  # at most this many requests a second

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second


class Pacer:
    """Spaces the starts of the requests of each key at least `Pace.interval` apart."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}  # key -> earliest start of its next request

    def wait(self, pace: Pace) -> None:
        """Return when a request of `pace.key` may start; reserves that slot."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(pace.key, now))
            self._next[pace.key] = start + pace.interval
        if start > now:
            self._sleep(start - now)
