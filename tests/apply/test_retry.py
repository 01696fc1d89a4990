from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from twilio.http import HttpClient
from twilio.http.response import Response

from trusthub.provider.retry import AmbiguousCreateError, RetryingHttpClient, RetryPolicy, is_create

BU = "BU" + "0" * 32


class Scripted(HttpClient):  # type: ignore[misc]
    """Answers from a script: a Response, or an exception to raise."""

    def __init__(self, script: list[Any]) -> None:
        super().__init__(logging.getLogger("test"), False)
        self.script = script
        self.calls: list[tuple[str, str]] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        self.calls.append((method, url))
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def _client(script: list[Any]) -> tuple[RetryingHttpClient, Scripted, list[float]]:
    slept: list[float] = []
    inner = Scripted(script)
    return RetryingHttpClient(inner, RetryPolicy(attempts=4), sleep=slept.append), inner, slept


def test_create_and_update_urls_are_told_apart() -> None:
    assert is_create("POST", "https://trusthub.twilio.com/v1/CustomerProfiles")
    assert not is_create("POST", f"https://trusthub.twilio.com/v1/CustomerProfiles/{BU}")
    assert not is_create("GET", "https://trusthub.twilio.com/v1/CustomerProfiles")
    assert is_create("POST", "https://api.twilio.com/2010-04-01/Accounts/AC1/Addresses.json")


def test_429_is_retried_honouring_retry_after() -> None:
    client, inner, slept = _client([Response(429, "{}", {"Retry-After": "3"}), Response(201, "{}")])
    response = client.request("POST", "https://trusthub.twilio.com/v1/EndUsers")
    assert response.status_code == 201
    assert slept == [3.0]
    assert len(inner.calls) == 2


def test_5xx_on_reads_is_retried_with_bounded_backoff() -> None:
    client, _inner, slept = _client([Response(503, "{}"), Response(500, "{}"), Response(200, "{}")])
    assert (
        client.request("GET", f"https://trusthub.twilio.com/v1/CustomerProfiles/{BU}").status_code
        == 200
    )
    assert len(slept) == 2
    assert all(0 <= s <= 10 for s in slept)


@pytest.mark.parametrize(
    "failure", [Response(500, "{}"), requests.ConnectionError("reset by peer")]
)
def test_ambiguous_failure_of_a_create_is_not_retried_blindly(failure: Any) -> None:
    client, inner, _slept = _client([failure, Response(201, "{}")])
    with pytest.raises(AmbiguousCreateError):
        client.request("POST", "https://trusthub.twilio.com/v1/CustomerProfiles")
    assert len(inner.calls) == 1


def test_gives_up_after_the_policy_attempts() -> None:
    client, inner, _slept = _client([requests.ConnectionError("down")] * 4)
    with pytest.raises(requests.ConnectionError, match="failed 4 times"):
        client.request("GET", "https://trusthub.twilio.com/v1/Policies")
    assert len(inner.calls) == 4
