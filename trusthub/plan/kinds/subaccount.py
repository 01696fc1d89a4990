"""Planning subaccounts (`accounts:` in trusthub.yaml): before every profile, since a
client's objects are made in its subaccount.

An existing subaccount (`sid:`) is adopted like a Console primary: read, checked and
recorded, never written; a different friendly name in trusthub.yaml is drift to change in
the Twilio Console. One trusthub creates may be renamed. Closing a subaccount is never
implicit: one removed from trusthub.yaml is forgotten and stays open on Twilio.
"""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, SUBACCOUNT
from trusthub.model.kinds import subaccount as sa
from trusthub.plan.kinds.base import KindPlanner, PlanView


class SubaccountPlanner(KindPlanner):
    kind = KINDS[SUBACCOUNT]

    def rank(self, name: str, view: PlanView) -> int:
        return -1

    def console_sid(self, d: DesiredResource, view: PlanView) -> str | None:
        sid = d.attributes.get("sid")
        return sid if isinstance(sid, str) else None

    def adopt_note(self, d: DesiredResource, view: PlanView, sid: str) -> str:
        return (
            f"account {sa.account_of(d.name)} is the existing subaccount {_shown(sid)}: apply "
            "reads it with the parent's credentials, checks that it is an active subaccount "
            "of the parent, and records it; trusthub never closes it"
        )

    def drift_note(self, d: DesiredResource, view: PlanView, sid: str) -> str:
        return (
            f"account {sa.account_of(d.name)} ({_shown(sid)}) was made outside trusthub: "
            "rename it in the Twilio Console; apply changes nothing on it"
        )

    def console_sid_mismatch(
        self, d: DesiredResource, view: PlanView, recorded: str | None, sid: str
    ) -> str:
        return (
            f"account {sa.account_of(d.name)}: the state records "
            f"{_shown(recorded) if recorded else 'no subaccount'}, trusthub.yaml names "
            f"{_shown(sid)}; objects cannot move between accounts. Put the recorded SID back, "
            f"or stop managing the old record with `trusthub state rm {d.name}` and its "
            "profiles' records (nothing is deleted on Twilio)"
        )

    def console_wait(self, d: DesiredResource, view: PlanView, status: str) -> str | None:
        if status == sa.ACTIVE:
            return None
        return (
            f"account {sa.account_of(d.name)} is {status}: nothing can be made in it; "
            "reactivate it in the Twilio Console (a closed subaccount cannot be)"
        )

    def forget(self, name: str, view: PlanView) -> str | None:
        account = sa.account_of(name)
        if account in view.options.close_accounts:
            return None  # closed, as asked: see `deletable`
        return (
            f"account {account} left trusthub.yaml: trusthub stops managing it and never "
            "closes a subaccount on its own; it stays open on Twilio (to close it: "
            f"`trusthub apply --close-account {account}`, or the Console)"
        )

    def deletable(self, name: str, view: PlanView) -> bool:
        # Only when asked by name (`forget` let it through) and still open.
        return view.status(name) in (sa.ACTIVE, sa.SUSPENDED)

    def delete_blockers(self, name: str, view: PlanView) -> Sequence[str]:
        held = view.in_account(sa.account_of(name))
        if not held:
            return ()
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        why = (
            f"trusthub still manages what lives in it ({shown}); remove those profiles (or "
            "`trusthub state rm` them) first"
        )
        return [why]

    def delete_note(self, name: str, view: PlanView) -> str:
        return (
            f"closes subaccount {sa.account_of(name)} (--close-account): Twilio closes it for "
            "good, a closed subaccount cannot be reopened"
        )


def _shown(sid: str) -> str:
    return f"{sid[:2]}…{sid[-4:]}"
