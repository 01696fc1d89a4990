"""Watching what an in-process apply sends: every request with its answer, and every fault
the sandbox injected, by kind."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from trusthub.app.target import Target
from trusthub.sandbox.core import Sandbox
from trusthub.sandbox.faults import Decision


@dataclass(frozen=True, slots=True)
class Exchange:
    method: str
    path: str
    data: dict[str, Any]
    status: int | None  # None: the connection dropped
    code: int | None  # Twilio's error code, if any


class RecordingHttpClient:
    """Wraps the transport under the retry layer: sees every attempt, retries included."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def request(
        self, method: str, url: str, params: Any = None, data: Any = None, *rest: Any
    ) -> Any:
        path = urlsplit(url).path
        sent = {str(k): v for k, v in (data or {}).items()}
        try:
            response = self.inner.request(method, url, params, data, *rest)
        except requests.ConnectionError:
            self._add(Exchange(method.upper(), path, sent, None, None))
            raise
        code = None
        if response.status_code >= 400 and response.text:
            try:
                code = json.loads(response.text).get("code")
            except ValueError:
                code = None
        self._add(Exchange(method.upper(), path, sent, response.status_code, code))
        return response

    def _add(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def sandbox_of(target: Target) -> Sandbox:
    inner: Any = target.retrying.inner
    while not hasattr(inner, "sandbox"):
        inner = inner.inner
    sandbox: Sandbox = inner.sandbox
    return sandbox


class FaultCounter:
    """Counts the sandbox's fault decisions by kind ("slow" for an added delay)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._faults = sandbox.faults
        self._decide = sandbox.faults.decide
        sandbox.faults.decide = self._counting  # type: ignore[method-assign]

    def _counting(self, method: str, path: str) -> Decision:
        decision = self._decide(method, path)
        with self._lock:
            if decision.kind is not None:
                self.counts[decision.kind] += 1
            if decision.delay > self._faults.settings.latency:
                self.counts["slow"] += 1
        return decision


_BUNDLE = re.compile(r"/v1/(?:CustomerProfiles|TrustProducts)/(BU[0-9a-f]{32})")


@dataclass(frozen=True, slots=True)
class Submission:
    bundle: str
    requested: str  # the Status sent
    before: str  # the bundle's status in the sandbox when the request was sent


class GuardedHttpClient(RecordingHttpClient):
    """A recorder that also notes, for every status change requested of a bundle, what
    the bundle's status was at that moment (read from the sandbox's own file)."""

    def __init__(self, inner: Any, sandbox: Sandbox) -> None:
        super().__init__(inner)
        self.sandbox = sandbox
        self.submissions: list[Submission] = []

    def request(
        self, method: str, url: str, params: Any = None, data: Any = None, *rest: Any
    ) -> Any:
        match = _BUNDLE.fullmatch(urlsplit(url).path)
        if method.upper() == "POST" and match and data and "Status" in data:
            with self.sandbox.store.read() as tx:
                row = tx.get(match.group(1))
            before = row.data["status"] if row is not None else "(missing)"
            self._note(Submission(match.group(1), str(data["Status"]), before))
        return super().request(method, url, params, data, *rest)

    def _note(self, submission: Submission) -> None:
        with self._lock:
            self.submissions.append(submission)

    def errors(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.status is None or e.status >= 400]
