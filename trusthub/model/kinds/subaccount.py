"""Subaccounts of the parent account (API 2010 `Accounts`), as trusthub.yaml declares them
under `accounts:`. Twilio's guidance for ISVs is one subaccount per end customer: the
client's secondary profile, trust products, brand, Messaging Services, campaigns and numbers
live there, made with the subaccount's own credentials, while the secondary is linked to
the parent's Console-owned primary (section I of the onboarding reference).

A declared account is a resource named `account:<name>`. One with `sid:` exists already and
is adopted like a Console primary (read, checked to be the parent's, recorded; never
written); one with only `friendly_name` is created by apply, after looking for exactly one
active subaccount of that name. Accounts are never closed by trusthub: one removed from
trusthub.yaml is forgotten, and stays open on Twilio.

Desired accounts come from the settings, not from profile documents: `account_resources`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.lifecycle import Lifecycle

PREFIX: Final = "account:"
ROLE: Final = "account"  # the remote object: the subaccount's SID
ACTIVE: Final = "active"
SUSPENDED: Final = "suspended"
CLOSED: Final = "closed"

LIFECYCLE: Final = Lifecycle(
    draft=ACTIVE,
    submitted=ACTIVE,
    approved=ACTIVE,
    rejected="(never reviewed)",  # no status an account can be in
    statuses=(ACTIVE, SUSPENDED, CLOSED),
    editable=frozenset({ACTIVE}),
    deletable=frozenset(),  # closing is never implicit
    submittable=frozenset(),
    under_review=frozenset(),
    review_outcome="",
    service="Twilio",
    objects="subaccounts",
)


def resource_name(account: str) -> str:
    return PREFIX + account


def account_of(name: str) -> str:
    """`account:<name>` -> `<name>`."""
    return name.removeprefix(PREFIX)


def account_resources(
    accounts: Iterable[tuple[str, str | None, str | None]],
) -> list[DesiredResource]:
    """(name, sid, friendly_name) of each declared subaccount -> its desired resource."""
    out = []
    for account, sid, friendly_name in accounts:
        # An existing subaccount's friendly name is checked only when the file gives one.
        attributes: dict[str, Any] = {}
        if friendly_name is not None or sid is None:
            attributes["friendly_name"] = friendly_name or account
        if sid is not None:
            attributes["sid"] = sid
        name = resource_name(account)
        out.append(
            DesiredResource(
                kind=SubaccountKind.name,
                name=name,
                profile=name,
                attributes=attributes,
                numbers=(),
                submit=False,
                path="trusthub.yaml",
                account=account,
            )
        )
    return out


class SubaccountKind(ResourceKind):
    name = "subaccount"
    lifecycle = LIFECYCLE
    root_role = ROLE
    label = "subaccount"
    remote_paths = ("/2010-04-01/Accounts.json", "/2010-04-01/Accounts/{Sid}.json")

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        return ()  # declared in trusthub.yaml: `account_resources`

    def evaluated(self, d: DesiredResource) -> bool:
        return False

    def owner(self, name: str) -> str:
        return name

    def valid_name(self, name: str) -> bool:
        rest = name.removeprefix(PREFIX)
        return name.startswith(PREFIX) and bool(rest) and "/" not in rest and ":" not in rest
