"""Warning: a secondary profile's notification email should be an address of the ISV, not of
its client. Twilio's ISV guide asks for the ISV's own address there: Trust Hub sends the
secondary profile's review notifications (rejections included) to it, and it is the ISV
that acts on them.

trusthub takes the primary profile's `notifications.email` as the ISV's address: the
secondary's `notifications.email` passes when its domain is the same as the primary's
(case does not matter) or a subdomain of it, and warns otherwise. A secondary whose primary
is not a primary business profile of the workspace is left to `primary-reference`, and an
email that is not an address at all to `email-syntax`. The message names the field and the
primary, never the addresses (they are personal data).

Warns::

    # profiles/acme-isv.yaml (primary)
    notifications: {email: trust@acme-messaging.example.com}
    # profiles/brightsmile-dental.yaml (secondary of acme-isv)
    notifications: {email: compliance@brightsmile-dental.example.com}

Passes::

    # profiles/brightsmile-dental.yaml (secondary of acme-isv)
    notifications: {email: brightsmile-dental@acme-messaging.example.com}
    # or a subdomain: brightsmile@clients.acme-messaging.example.com
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.email_syntax import email_issue

ID: Final = "isv-notification-email"


def email_domain(value: Any) -> str | None:
    """The domain of what looks like an email address, lower-cased, without a trailing dot
    (None: no domain). Whether the address is valid is asked only of a warning candidate
    (`_valid`): the check loads a library, and this rule runs on every plan."""
    if not isinstance(value, str) or "@" not in value:
        return None
    domain = value.rsplit("@", 1)[1].strip().rstrip(".").casefold()
    return domain or None


def _valid(value: str) -> bool:
    """An invalid address is `email-syntax`'s to report, not this rule's."""
    return email_issue(value) is None


def same_organisation(domain: str, isv_domain: str) -> bool:
    return domain == isv_domain or domain.endswith("." + isv_domain)


def check_all(docs: Sequence[ProfileDoc]) -> Iterator[Problem]:
    by_name: dict[str, ProfileDoc] = {}
    for doc in docs:
        by_name.setdefault(doc.name, doc)
    for doc in docs:
        if doc.data["role"] != "secondary":
            continue
        primary = by_name.get(doc.data["primary"])
        if primary is None or primary.data["role"] != "primary":
            continue
        if primary.data["type"] != "business":
            continue
        isv_email = primary.data["notifications"]["email"]
        email = doc.data["notifications"]["email"]
        isv_domain, domain = email_domain(isv_email), email_domain(email)
        if isv_domain is None or domain is None or same_organisation(domain, isv_domain):
            continue
        if not (_valid(isv_email) and _valid(email)):
            continue
        yield doc.problem(
            ("notifications", "email"),
            ID,
            f"notifications.email is not at the domain of the notifications.email of its "
            f"primary {primary.name!r} ({primary.path}): Twilio sends a secondary profile's "
            "review notifications to this address and asks for the ISV's own; use an "
            f"address at {primary.name}'s domain (or a subdomain of it)",
            severity="warning",
        )
