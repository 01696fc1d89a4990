"""Email addresses are addresses Twilio's review can write to, as the email-validator
library checks them (syntax only: no DNS lookup, no network): a dot-atom name of ASCII
characters, and a domain with a dot, internationalised domains included
(`name@bücher.example`, or its punycode `name@xn--bcher-kva.example`). Quoted names
(`"dana w"@example.com`), IP literals, `name@localhost` and reserved domains (`.invalid`,
`.local`, `.test`) are refused; the schema's `email` format accepts some of them.

Fails::

    notifications:
      email: trust@acme            # the domain has no dot

The address is personal data and is never repeated in messages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.fields import emails

ID: Final = "email-syntax"

# Addresses the library accepts, told without it (it costs about 10 us an address, a fifth of
# a cold validate): a dot-atom name of ASCII letters and digits joined by single `.`, `_`,
# `+` or `-`, then lower-case host-name labels (no leading, trailing or doubled hyphen, which
# rules out the library's `ab--` punycode check too) under a common top-level domain. The
# library's special-use names (`.test`, `.local`, `.invalid`, ...) are none of these
# top-level domains (a test holds it to that), and an address of at most 254 characters
# has no part over the library's length limits. Everything else goes to the library.
PLAIN_TOP_LEVEL: Final = ("com", "org", "net", "edu", "gov", "io", "co", "us", "ca", "uk", "biz")
_PLAIN: Final = re.compile(
    r"[A-Za-z0-9]+(?:[._+-][A-Za-z0-9]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    f"(?:{'|'.join(PLAIN_TOP_LEVEL)})\\Z"
)


@functools.cache
def _validator() -> tuple[Callable[..., Any], type[Exception]]:
    # Imported on first use: compiling its patterns costs tens of milliseconds, which
    # `plan`, `status` and a validate served from the cache never need.
    from email_validator import EmailNotValidError, validate_email

    return validate_email, EmailNotValidError


def email_issue(address: str) -> str | None:
    """Why `address` is not a usable email address, or None. Never repeats it."""
    if len(address.rpartition("@")[0]) > 64:  # RFC 5321; the library lets it pass
        return "not a usable email address (the part before the @-sign is over 64 characters)"
    if len(address) <= 254 and "--" not in address and _PLAIN.match(address):
        return None
    validate_email, not_valid = _validator()
    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except not_valid as e:
        reason = str(e)
        local, _, domain = address.rpartition("@")
        if any(part and part in reason for part in (address, local, domain)):
            reason = ""  # it quotes the address: say less rather than echo it
        hint = f" ({reason.rstrip('.')})" if reason else ""
        return f"not a usable email address{hint}; write an address like name@example.com"
    return None


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for path, address in emails(doc.data):
        issue = email_issue(address)
        if issue is not None:
            yield doc.problem(path, ID, issue)
