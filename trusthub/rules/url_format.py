"""URLs (website, social media profiles, toll-free opt-in images) are absolute http(s) URLs
to a real host name: a name with a dot and a top-level domain, or a public IP address. No
spaces, no user name or password, a valid port.

Fails::

    website: https://acme_messaging/         # not a host name
    website: https://admin:secret@acme.example.com   # credentials in a URL
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Final
from urllib.parse import SplitResult, urlsplit

from trusthub.common.net import is_loopback
from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.fields import urls

ID: Final = "url-format"

_LABEL: Final = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOST_TEXT: Final = rf"(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})\.?"
_HOST: Final = re.compile(_HOST_TEXT)
# The usual URL, accepted without urlsplit (several times slower): scheme, host name,
# a port of at most 4 digits, then a path, query or fragment without white space.
_PLAIN_URL: Final = re.compile(rf"https?://{_HOST_TEXT}(?::[0-9]{{1,4}})?(?:[/?#]\S*)?")


def url_issue(url: str, *, allow_loopback: bool = False) -> str | None:
    """Why `url` is not a usable absolute http(s) URL, or None when it is."""
    if _PLAIN_URL.fullmatch(url):
        return None
    if any(c.isspace() for c in url):
        return "contains white space; encode spaces as %20"
    try:
        parts: SplitResult = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as e:
        return f"cannot be parsed ({e})"
    if parts.scheme not in ("http", "https"):
        return "must start with https:// (or http://)"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    host = parts.hostname or ""
    if allow_loopback and is_loopback(host):
        return None
    if _HOST.fullmatch(host):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "has no valid host name (expected a name like www.example.com)"
    if not address.is_global:
        return "points at a private or local address that Twilio cannot reach"
    return None


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for path, url in urls(doc.data):
        issue = url_issue(url)
        if issue is not None:
            yield doc.problem(path, ID, f"URL {issue}")
