"""Retries at the HTTP layer, under the twilio SDK, where the response headers are still
visible (TwilioRestException drops them, and with them Retry-After).

429 was never processed (Twilio error 20429), so any request may be retried. A 5xx or a
dropped connection is ambiguous: the server may have acted. Reads, deletes and updates of an
existing resource are idempotent and are retried; a create is not, so it raises
`AmbiguousCreateError` and the apply engine looks for what the call may have created
before trying again.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from twilio.http import HttpClient
from twilio.http.response import Response

from trusthub.provider.errors import AmbiguousCreateError, shown_url

__all__ = [
    "AmbiguousCreateError",
    "RetryPolicy",
    "RetryingHttpClient",
    "is_create",
    "shown_url",
]

_INSTANCE_URL = re.compile(r"/[A-Z]{2}[0-9a-f]{32}(\.json)?$")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.2
    max_delay: float = 10.0
    max_retry_after: float = 60.0


def is_create(method: str, url: str) -> bool:
    path = url.split("?", 1)[0]
    return method.upper() == "POST" and not _INSTANCE_URL.search(path)


class RetryingHttpClient(HttpClient):  # type: ignore[misc]
    """Wraps another twilio HttpClient with retries, backoff with full jitter, and
    Retry-After. Thread-safe as long as the inner client is."""

    def __init__(
        self,
        inner: HttpClient,
        policy: RetryPolicy = RetryPolicy(),
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[str, str, str, float], None] | None = None,
    ) -> None:
        super().__init__(logging.getLogger("trusthub.http"), False, getattr(inner, "timeout", None))
        self.inner = inner
        self.policy = policy
        self._sleep = sleep
        self._on_retry = on_retry
        self._random = random.Random()
        self._lock = threading.Lock()
        self.retries = 0

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.policy.max_retry_after)
            except ValueError:
                pass
        cap = min(self.policy.max_delay, self.policy.base_delay * 2**attempt)
        with self._lock:
            return self._random.uniform(0, cap)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        create = is_create(method, url)
        last = ""
        for attempt in range(self.policy.attempts):
            try:
                response: Response = self.inner.request(
                    method, url, params, data, headers, auth, timeout, allow_redirects
                )
            except (requests.ConnectionError, requests.Timeout, ConnectionError) as e:
                last = f"connection failed ({type(e).__name__})"
                if create:
                    raise AmbiguousCreateError(method, url, last) from None
                self._wait(method, url, last, attempt, None)
                continue
            status = response.status_code
            if status == 429 or (status >= 500 and not create):
                last = f"HTTP {status}"
                self._wait(method, url, last, attempt, _header(response, "Retry-After"))
                continue
            if status >= 500:
                raise AmbiguousCreateError(method, url, f"HTTP {status}")
            return response
        raise requests.ConnectionError(
            f"{method} {shown_url(url)} failed {self.policy.attempts} times; last: {last}"
        )

    def _wait(self, method: str, url: str, why: str, attempt: int, retry_after: str | None) -> None:
        if attempt + 1 >= self.policy.attempts:
            return
        delay = self._delay(attempt, retry_after)
        with self._lock:
            self.retries += 1
        if self._on_retry is not None:
            self._on_retry(method, url, why, delay)
        self._sleep(delay)


def _header(response: Response, name: str) -> str | None:
    headers: Any = getattr(response, "headers", None) or {}
    for key, value in dict(headers).items():
        if key.lower() == name.lower():
            return str(value)
    return None
