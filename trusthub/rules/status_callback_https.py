"""The status callback is an https URL that Twilio can call, so that the profile's status
changes are delivered encrypted. One exception: plain http to a loopback host (localhost,
127.0.0.1, [::1]) is accepted, because the embedded sandbox delivers callbacks to loopback
only and local test servers rarely have certificates.

Fails::

    notifications:
      status_callback: http://hooks.example.com/twilio   # must be https
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final
from urllib.parse import urlsplit

from trusthub.common.net import is_loopback
from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.url_format import url_issue

ID: Final = "status-callback-https"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    url = doc.data.get("notifications", {}).get("status_callback")
    if not isinstance(url, str):
        return
    path = ("notifications", "status_callback")
    issue = url_issue(url, allow_loopback=True)
    if issue is not None:
        yield doc.problem(path, ID, f"status callback URL {issue}")
        return
    parts = urlsplit(url)
    if parts.scheme != "https" and not is_loopback(parts.hostname or ""):
        yield doc.problem(path, ID, "status callback must use https:// (http only for localhost)")
