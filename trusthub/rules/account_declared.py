"""A profile's `account:` names the parent or a subaccount declared under `accounts:` in
trusthub.yaml, and a primary lives in the parent (the Twilio Console makes primaries there;
a secondary in a subaccount is linked to the parent's primary).

Not in the rule registry: it needs the workspace's declared accounts, which the loader
passes (`check(docs, declared)`).

Fails::

    # trusthub.yaml declares accounts: {globex: {sid: AC...}}
    name: initech
    account: initech      # not declared
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.rules.suggestions import suggest

ID: Final = "account-declared"


def check(docs: Sequence[ProfileDoc], declared: Collection[str]) -> Iterator[Problem]:
    for doc in docs:
        account = doc.data.get("account")
        if not isinstance(account, str) or account == PARENT_ACCOUNT:
            continue
        if doc.data.get("role") == "primary":
            yield doc.problem(
                ("account",),
                ID,
                "a primary profile lives in the parent account, where the Twilio Console "
                "makes it; remove `account:` (its secondaries may live in subaccounts)",
            )
            continue
        if account not in declared:
            near = suggest(account, sorted(declared))
            hint = f" (did you mean {near!r}?)" if near else ""
            yield doc.problem(
                ("account",),
                ID,
                f"account {account!r} is not declared in trusthub.yaml{hint}; add it under "
                f"`accounts:` (`{account}: {{sid: AC...}}` for an existing subaccount, or "
                f"`{account}: {{friendly_name: ...}}` for one trusthub creates)",
            )
