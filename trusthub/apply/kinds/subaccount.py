"""Applying a subaccount, always with the parent's credentials (API 2010 `Accounts`).

A subaccount costs nothing but is not cheap to undo (Twilio keeps a closed one for 30 days,
UNCONFIRMED), and trusthub never closes one. So a create always looks first: exactly one
active subaccount of the parent with the declared friendly name is adopted; several are
refused (name the one to use with `sid:`); none, and the intent is recorded before
`POST /Accounts.json`, so a create whose answer was lost is found again by its name. Losing
the state therefore never makes a second subaccount.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.errors import ApplyError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, SUBACCOUNT
from trusthub.model.kinds import subaccount as sa
from trusthub.plan.engine import FORGOTTEN
from trusthub.provider.api import Account
from trusthub.provider.errors import AmbiguousCreateError, RemoteNotFound, shown_account

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider


def _named(parent: TrustHubProvider, friendly_name: str) -> list[Account]:
    return [
        a
        for a in parent.list_subaccounts(friendly_name=friendly_name)
        if a.status == sa.ACTIVE and a.friendly_name == friendly_name
    ]


class SubaccountApplier(KindApplier):
    kind = KINDS[SUBACCOUNT]

    def _record(self, c: Converger, d: DesiredResource, account: Account, action: str) -> None:
        c.rec.applied(
            SUBACCOUNT,
            d.name,
            body=d.sealed(c.ctx.key).to_data(),
            spec_hash=d.spec_hash(c.ctx.key),
            status=account.status,
            policy_sid="",
            action=action,
            account=d.account,
        )

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        parent = c.ctx.api
        friendly_name = str(d.attributes["friendly_name"])
        sid = c.rec.sids(SUBACCOUNT, d.name).get(sa.ROLE)
        if sid is not None:
            account = parent.fetch_account(sid)
            if update and account.friendly_name != friendly_name:
                account = parent.update_account(sid, friendly_name=friendly_name)
                c.say(f"renamed subaccount {shown_account(sid)}")
            self._record(c, d, account, c.action.verb.value)
            return
        found = self._find(c, parent, friendly_name)
        if found is not None:  # made by an earlier run whose record was lost, or by hand
            c.rec.confirm(SUBACCOUNT, d.name, sa.ROLE, found.sid)
            c.say(f"adopted subaccount {shown_account(found.sid)} named {friendly_name!r}")
            self._record(c, d, found, "adopt")
            return
        c.rec.intent(SUBACCOUNT, d.name, sa.ROLE, {"action": str(c.action.id)})
        try:
            made = parent.create_subaccount(friendly_name)
        except AmbiguousCreateError:
            again = self._find(c, parent, friendly_name)
            if again is None:
                raise
            made = again
        c.rec.confirm(SUBACCOUNT, d.name, sa.ROLE, made.sid)
        c.say(f"created subaccount {shown_account(made.sid)}")
        self._record(c, d, made, c.action.verb.value)

    def _find(self, c: Converger, parent: TrustHubProvider, friendly_name: str) -> Account | None:
        found = _named(parent, friendly_name)
        if len(found) > 1:
            sids = ", ".join(shown_account(a.sid) for a in found)
            raise ApplyError(
                f"account {sa.account_of(c.name)}: the parent has {len(found)} active "
                f"subaccounts named {friendly_name!r} ({sids}); name the one to use with "
                "`sid:` under `accounts:` in trusthub.yaml"
            )
        return found[0] if found else None

    def adopt(self, c: Converger, d: DesiredResource) -> None:
        parent = c.ctx.api
        sid = str(d.attributes["sid"])
        name = sa.account_of(d.name)
        try:
            account = parent.fetch_account(sid)
        except RemoteNotFound:
            account = None
        own = parent.account_sid()
        if account is None or account.sid == own or account.owner_account_sid != own:
            raise ApplyError(
                f"account {name}: {shown_account(sid)} is not a subaccount of the account "
                "the credentials name; put the SID of one of its subaccounts in `sid:` "
                "(Console: Admin > Subaccounts)"
            )
        c.rec.confirm(SUBACCOUNT, d.name, sa.ROLE, sid)
        self._record(c, d, account, "adopt")
        c.say(f"adopted subaccount {shown_account(sid)} ({account.status})")

    def submit(self, c: Converger) -> None:
        """A subaccount is never reviewed (the plan submits none)."""

    def delete(self, c: Converger) -> None:
        """Forget the subaccount, or close it when the plan says so (`--close-account`)."""
        forget = bool(c.action.transitions) and c.action.transitions[-1][1] == FORGOTTEN
        sid = c.rec.sids(SUBACCOUNT, c.name).get(sa.ROLE)
        if not forget and sid is not None:
            c.ignore_missing(lambda: c.ctx.api.close_account(sid))
            c.say(f"closed subaccount {shown_account(sid)}")
        c.rec.removed(SUBACCOUNT, c.name, action=c.action.verb.value)

    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        sid = sids.get(sa.ROLE)
        if sid is None:
            return None
        return Observation(api.fetch_account(sid).status, (), None)
