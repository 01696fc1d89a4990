"""Fault injection for reliability tests and benchmarks.

Every request draws its fate before anything is read or written, so an injected 500, 429 or
dropped connection never half-applies a change. The one exception is on purpose:
`error_after_commit_rate` lets the request take full effect and then answers 500, the
ambiguous failure a client must survive without creating duplicates.

Draws come from one seeded generator in request order, so a sequential test sees the same
faults on every run. Delays (`latency`, slow responses) are slept by the caller outside
every lock, so concurrent requests overlap as they would over a network.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass
from typing import Final, Literal

FaultKind = Literal["error", "throttle", "drop", "error_after_commit"]
FAULT_KINDS: Final[tuple[FaultKind, ...]] = ("error", "throttle", "drop", "error_after_commit")


@dataclass(frozen=True, slots=True)
class FaultSettings:
    seed: int = 0
    latency: float = 0.0  # seconds added to every request
    error_rate: float = 0.0  # HTTP 500 (code 20500), nothing done
    throttle_rate: float = 0.0  # HTTP 429 (code 20429) with Retry-After, nothing done
    retry_after: int = 1  # seconds, sent in Retry-After
    drop_rate: float = 0.0  # connection closed without a response, nothing done
    error_after_commit_rate: float = 0.0  # the request takes effect, then HTTP 500
    slow_rate: float = 0.0  # share of requests delayed by `slow_delay` more
    slow_delay: float = 0.5
    fail_after: int | None = None  # after this many requests, every request fails...
    fail_with: FaultKind = "error"  # ...this way
    only: str | None = None  # regex on "METHOD /path"; other requests are never faulted

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.throttle_rate, self.drop_rate, self.error_after_commit_rate)
        if any(r < 0 or r > 1 for r in (*rates, self.slow_rate)):
            raise ValueError("fault rates must be between 0 and 1")
        if sum(rates) > 1:
            raise ValueError(
                "the error, throttle, drop and error-after-commit rates add up to more than 1"
            )
        if self.latency < 0 or self.slow_delay < 0:
            raise ValueError("delays cannot be negative")


@dataclass(frozen=True, slots=True)
class Decision:
    kind: FaultKind | None
    delay: float


class FaultInjector:
    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self.configure(settings or FaultSettings())

    def configure(self, settings: FaultSettings) -> None:
        """Replace the settings; restarts the draw sequence and the request count."""
        only = re.compile(settings.only) if settings.only else None
        with self._lock:
            self.settings = settings
            self._only = only
            self._random = random.Random(settings.seed)
            self._count = 0

    @property
    def count(self) -> int:
        """Requests seen that faults may apply to."""
        return self._count

    def decide(self, method: str, path: str) -> Decision:
        s = self.settings
        if self._only is not None and not self._only.search(f"{method} {path}"):
            return Decision(None, s.latency)
        with self._lock:
            n = self._count
            self._count += 1
            # Always two draws, so one setting does not shift the others' sequence.
            fate, slowness = self._random.random(), self._random.random()
        delay = s.latency + (s.slow_delay if slowness < s.slow_rate else 0.0)
        if s.fail_after is not None and n >= s.fail_after:
            return Decision(s.fail_with, delay)
        rates: tuple[tuple[FaultKind, float], ...] = (
            ("drop", s.drop_rate),
            ("throttle", s.throttle_rate),
            ("error", s.error_rate),
            ("error_after_commit", s.error_after_commit_rate),
        )
        for kind, rate in rates:
            if fate < rate:
                return Decision(kind, delay)
            fate -= rate
        return Decision(None, delay)
