"""The providers of a workspace's subaccounts, by logical name, opened on first use.

The user gives the parent's credentials only. A subaccount's provider is made by reading the
subaccount through the parent (`TrustHubProvider.in_subaccount`): its credentials live in
that provider's SDK client, in memory, and nowhere else (not the state, a log, a plan or an
error). A subaccount is opened once per process; threads of one apply share it. Refresh
passes a parent (`trusthub.app.listing.ListedReads`) that opens them all from one paged
list of the parent's subaccounts instead of a read apiece.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from trusthub.errors import ApplyError
from trusthub.provider.api import TrustHubProvider


class Subaccounts:
    def __init__(self, parent: TrustHubProvider, sid_of: Callable[[str], str | None]) -> None:
        """`sid_of(name)`: the subaccount's SID (declared in trusthub.yaml, or recorded when
        trusthub made it), None while it does not exist yet."""
        self.parent = parent
        self.sid_of = sid_of
        self._open: dict[str, TrustHubProvider] = {}
        self._lock = threading.Lock()

    def __call__(self, account: str) -> TrustHubProvider:
        with self._lock:
            provider = self._open.get(account)
            if provider is not None:
                return provider
            sid = self.sid_of(account)
            if sid is None:
                raise ApplyError(
                    f"account {account!r} has no subaccount yet: it is created by this plan's "
                    f"`account:{account}` action, which did not run"
                )
            provider = self.parent.in_subaccount(sid)
            self._open[account] = provider
            return provider

    def opened(self) -> list[str]:
        with self._lock:
            return sorted(self._open)
