"""The opt-in image URLs of a toll-free verification are public https URLs: Twilio's
reviewers open them, so a plain http URL, an IP address, `localhost` or an internal host
name (`.local`, `.internal`, `.lan`, a name without a dot) gets the verification rejected.

Fails::

    toll_free_verifications:
      - number: "+18885550142"
        opt_in_image_urls: ["http://intranet.local/opt-in.png"]
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_address
from typing import Final
from urllib.parse import urlsplit

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "tollfree-opt-in-images"

_INTERNAL_SUFFIXES: Final = (".local", ".internal", ".lan", ".localhost", ".corp", ".home")


def why_not_public(url: str) -> str | None:
    """Why `url` is not a public https URL, or None."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "must use https"
    host = (parts.hostname or "").lower()
    try:
        ip_address(host)
    except ValueError:
        pass
    else:
        return "must name a public host, not an IP address"
    if host == "localhost" or "." not in host or host.endswith(_INTERNAL_SUFFIXES):
        return f"must name a public host; {host or '(none)'} is internal"
    return None


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for index, spec in enumerate(doc.data.get("toll_free_verifications", [])):
        for i, url in enumerate(spec.get("opt_in_image_urls", [])):
            why = why_not_public(url) if isinstance(url, str) else None
            if why:
                yield doc.problem(
                    ("toll_free_verifications", index, "opt_in_image_urls", i),
                    ID,
                    f"opt-in image URL {why}: Twilio's reviewers must be able to open it",
                )
