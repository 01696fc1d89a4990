"""`common.net.is_loopback`: the one loopback check (the sandbox server's bind address, the
Twilio target's base-URL hook, status callbacks, the status-callback rule)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from trusthub.common.net import is_loopback, resolves_to_loopback

LOOPBACK = [
    "127.0.0.1",
    "127.0.0.5",
    "127.255.255.254",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "[::ffff:127.0.0.1]",
    "::ffff:7f00:2",
    "localhost",
    "LOCALHOST",
    "LocalHost",
    "localhost.",
]
NOT_LOOPBACK = [
    "",
    "[]",
    "127.0.0.1.evil.com",
    "localhost.evil.com",
    "evil-localhost",
    "localhost..",
    ".localhost",
    "localhost:8080",
    "127.0.0.1:8080",
    "127.0.0.1.",
    " 127.0.0.1",
    "127.1",  # inet_aton would take it; the check does not guess
    "0x7f.0.0.1",
    "2130706433",
    "0.0.0.0",
    "::",
    "10.0.0.1",
    "128.0.0.1",
    "::2",
    "::ffff:10.0.0.1",
    "::ffff:128.0.0.1",
    "[::1",
    "::1]",
    "[localhost]",
    "[127.0.0.1]",
    "example.com",
]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", NOT_LOOPBACK)
def test_not_loopback_hosts(host: str) -> None:
    assert not is_loopback(host)
    assert not resolves_to_loopback(host)


def test_resolving_trusts_address_literals_without_a_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_lookup(*args: Any) -> Any:
        raise AssertionError("looked up")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    assert resolves_to_loopback("127.0.0.9")
    assert resolves_to_loopback("[::1]")
    assert resolves_to_loopback("::ffff:127.0.0.1")


def test_resolving_refuses_a_localhost_the_resolver_maps_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers: list[tuple[Any, ...]] = []

    def lookup(host: str, *args: Any) -> list[tuple[Any, ...]]:
        return answers

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    answers[:] = [(socket.AF_INET, 0, 0, "", ("127.0.0.1", 0))]
    assert resolves_to_loopback("localhost")
    answers.append((socket.AF_INET, 0, 0, "", ("192.0.2.7", 0)))
    assert not resolves_to_loopback("localhost")
    answers.clear()
    assert not resolves_to_loopback("localhost")
