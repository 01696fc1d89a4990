"""Email addresses are plain `name@example.com` addresses that Twilio's review can use:
a dot-atom name, and a domain with at least one dot and a top-level domain of letters.
The schema's `email` format also accepts `name@localhost`, quoted names and IP literals.

Fails::

    notifications:
      email: trust@acme            # the domain has no top-level domain
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.fields import emails

ID: Final = "email-syntax"

_ATOM: Final = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL: Final = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})"
)


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for path, address in emails(doc.data):
        local = address.rpartition("@")[0]
        if _EMAIL.fullmatch(address) is None or len(local) > 64:
            yield doc.problem(
                path,
                ID,
                "not a usable email address: expected name@example.com, with a domain that "
                "has a dot and a top-level domain (write international domains in punycode)",
            )
