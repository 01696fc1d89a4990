"""API 2010 Accounts (AC...): `/2010-04-01/Accounts.json` and `/2010-04-01/Accounts/{Sid}.json`.

The parent makes subaccounts (active, each with its own auth token), lists itself and them,
renames them and changes their status; a subaccount sees and renames only itself, and making
a subaccount answers 21101. A closed account is final. Every account answered carries its
`auth_token`, as Twilio's does to credentials that may act in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from trusthub.sandbox import accounts as acc
from trusthub.sandbox.protocol import (
    ACCOUNT_CLOSED,
    ACCOUNTS_RESOURCE,
    SUBACCOUNT_CANNOT_OWN,
    ApiError,
    Principal,
    Reply,
    Request,
    bad_parameter,
)
from trusthub.sandbox.resources import common
from trusthub.sandbox.resources.paging import filter_echo, list_static
from trusthub.sandbox.sids import rfc2822
from trusthub.sandbox.store import AccountRow

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

# The API 2010 lists the sandbox answers under an account.
_SUBRESOURCES: Final = {"addresses": "Addresses", "incoming_phone_numbers": "IncomingPhoneNumbers"}


def render(row: AccountRow, parent_sid: str) -> dict[str, Any]:
    base = f"/2010-04-01/Accounts/{row.sid}"
    return {
        "auth_token": row.auth_token,
        "date_created": rfc2822(row.created),
        "date_updated": rfc2822(row.updated),
        "friendly_name": row.friendly_name,
        "owner_account_sid": parent_sid if row.parent_sid is not None else row.sid,
        "sid": row.sid,
        "status": row.status,
        "subresource_uris": {k: f"{base}/{v}.json" for k, v in _SUBRESOURCES.items()},
        "type": "Full",
        "uri": f"{base}.json",
    }


def _principal(req: Request) -> Principal:
    assert req.principal is not None  # the app authenticated the request
    return req.principal


def _name(req: Request) -> str | None:
    value = req.get("FriendlyName")
    return common.friendly_name(value) if value else None


def create(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    if _principal(req).subaccount:
        # UNCONFIRMED: the HTTP status of 21101; the sandbox answers 400.
        raise ApiError(400, SUBACCOUNT_CANNOT_OWN, "Subaccounts cannot contain subaccounts")
    name = _name(req)
    with sb.store.write() as tx:
        row = acc.create_subaccount(tx, sb.account_sid, name, sb.clock())
    return Reply(201, render(row, sb.account_sid))


def _visible(sb: Sandbox, req: Request, sid: str) -> AccountRow:
    with sb.store.read() as tx:
        rows = acc.visible(sb, _principal(req), tx)
    for row in rows:
        if row.sid == sid:
            return row
    raise acc.no_access(req.path)


def fetch(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    return Reply(200, render(_visible(sb, req, args["Sid"]), sb.account_sid))


def _refused(why: str, code: int = ACCOUNTS_RESOURCE) -> ApiError:
    # UNCONFIRMED: the HTTP status of 21100 and 21479; the sandbox answers 400.
    return ApiError(400, code, f"Unable to update the account: {why}")


def update(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    row = _visible(sb, req, args["Sid"])
    status = req.get("Status") or None
    if status is not None and status not in acc.STATUSES:
        raise bad_parameter("Status", f"must be one of {', '.join(acc.STATUSES)}")
    name = _name(req)
    if row.status == acc.CLOSED and (name is not None or status not in (None, acc.CLOSED)):
        raise _refused(
            f"{row.sid} is closed, and a closed account cannot be reopened or changed",
            ACCOUNT_CLOSED,
        )
    if status is not None and status != row.status:
        if row.parent_sid is None:
            raise _refused("the parent account's status is not changed through the API")
        if _principal(req).subaccount:
            # UNCONFIRMED whether a subaccount may suspend or close itself; the stricter
            # reading (Twilio's guidance: close a subaccount with the parent's credentials).
            raise _refused("only the parent account changes a subaccount's status")
    now = sb.clock()
    with sb.store.write() as tx:
        if row.parent_sid is None:
            stored = tx.parent_account()
            assert stored is not None
            tx.update_account(
                stored.sid, friendly_name=name or row.friendly_name, status=row.status, now=now
            )
        else:
            tx.update_account(
                row.sid,
                friendly_name=name or row.friendly_name,
                status=status or row.status,
                now=now,
            )
        rows = acc.visible(sb, _principal(req), tx)
    updated = next(r for r in rows if r.sid == row.sid)
    return Reply(200, render(updated, sb.account_sid))


def listing(sb: Sandbox, req: Request, args: dict[str, str]) -> Reply:
    echo = filter_echo(req, ("FriendlyName", "Status"))
    status = echo.get("Status")
    if status is not None and status not in acc.STATUSES:
        raise bad_parameter("Status", f"must be one of {', '.join(acc.STATUSES)}")
    with sb.store.read() as tx:
        rows = acc.visible(sb, _principal(req), tx)
    rows = [
        r
        for r in rows
        if echo.get("FriendlyName", r.friendly_name) == r.friendly_name
        and (status is None or r.status == status)
    ]
    items = [render(r, sb.account_sid) for r in rows]
    return list_static(req, key="accounts", items=items, echo=echo, style="2010")


def routes() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("/2010-04-01/Accounts.json", {"POST": create, "GET": listing}),
        ("/2010-04-01/Accounts/{Sid}.json", {"GET": fetch, "POST": update}),
    ]
