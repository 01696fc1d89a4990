"""The accounts of the sandbox: one parent and its subaccounts, and which credentials may act
where (reference I).

* Any active account's SID and auth token authenticate a request, which then acts in that
  account: Trust Hub and messaging v1 take the account from the credentials alone.
* An API 2010 path names its account (`/2010-04-01/Accounts/{AccountSid}/...`): the
  credentials' own, or, with the parent's credentials, one of its subaccounts.
* A subaccount cannot make subaccounts (21101); a closed account is never reopened.

The parent is the pair the sandbox is opened with (`Sandbox.account_sid`/`auth_token`: the
file's own, or `credentials=`); its row in `accounts` (parent_sid NULL) keeps its friendly
name. Subaccounts are rows with their parent's SID, and their tokens, made here.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from trusthub.sandbox.protocol import (
    ACCOUNT_NOT_ACTIVE,
    AUTHENTICATION,
    ApiError,
    Principal,
    not_found,
)
from trusthub.sandbox.sids import is_sid, new_sid
from trusthub.sandbox.store import AccountRow, Tx

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

ACTIVE: Final = "active"
SUSPENDED: Final = "suspended"
CLOSED: Final = "closed"
STATUSES: Final = (ACTIVE, SUSPENDED, CLOSED)
PARENT_NAME: Final = "trusthub sandbox"  # the parent's friendly name until it is renamed

_CHALLENGE: Final = {"WWW-Authenticate": 'Basic realm="Twilio API"'}


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """An account as the operator sees it: never its auth token
    (`Sandbox.account_credentials` gives that)."""

    sid: str
    friendly_name: str
    status: str
    parent_sid: str | None  # None: the parent account


def default_name(now: float) -> str:
    """Twilio's name for a subaccount made without one."""
    return "SubAccount Created at " + time.strftime("%Y-%m-%d %I:%M %p", time.gmtime(now))


def new_token() -> str:
    # Sandbox-made; never a real Twilio credential.
    return secrets.token_hex(16)


# -- refusals: one place ------------------------------------------------------------------


def unauthenticated(message: str = "Authentication Error - invalid username") -> ApiError:
    return ApiError(401, AUTHENTICATION, message, dict(_CHALLENGE))


def inactive(status: str) -> ApiError:
    """What the credentials of an account that is not active get, before anything is read.

    UNCONFIRMED (Twilio documents 20005 "Account not active" and 10001 "a request from an
    account or subaccount that is not active", not the HTTP reply): the stricter reading,
    every request refused with 401. A suspended account gets 20005; a closed one's
    credentials are gone, so it gets what unknown credentials get (20003)."""
    if status == SUSPENDED:
        return ApiError(401, ACCOUNT_NOT_ACTIVE, "Account not active: the account is suspended")
    return unauthenticated()


def no_access(path: str) -> ApiError:
    """An API 2010 path naming an account the credentials may not act in: another
    subaccount, the parent (for a subaccount), an unknown SID. UNCONFIRMED: the sandbox
    answers 404 (20404), as if the path did not exist, as Trust Hub v1 answers another
    account's SID; one reply for all of them, so a path tells nothing of other accounts."""
    return not_found(path)


# -- authentication -----------------------------------------------------------------------


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def authenticate(sb: Sandbox, auth: tuple[str, str] | None) -> Principal:
    """The account whose SID and auth token the request carries; refused otherwise."""
    if auth is None:
        raise unauthenticated("Authentication Error - No credentials provided")
    user, password = auth
    if _same(user, sb.account_sid):
        if _same(password, sb.auth_token):
            return Principal(sb.account_sid, subaccount=False)
        raise unauthenticated()
    if not is_sid(user, "AC"):
        raise unauthenticated()
    with sb.store.read() as tx:
        row = tx.account(user)
    if row is None or row.parent_sid is None or not _same(password, row.auth_token):
        # The file's own parent pair while `credentials=` replaces it is refused too.
        raise unauthenticated()
    if row.status != ACTIVE:
        raise inactive(row.status)
    return Principal(row.sid, subaccount=True)


def act_in(sb: Sandbox, principal: Principal, account_sid: str, path: str) -> Principal:
    """The account an API 2010 path's `{AccountSid}` names, if `principal` may act in it."""
    if account_sid == principal.sid:
        return principal
    if not principal.subaccount:
        with sb.store.read() as tx:
            row = tx.account(account_sid)
        if row is not None and row.parent_sid is not None:
            if row.status != ACTIVE:
                raise inactive(row.status)
            return Principal(row.sid, subaccount=True)
    raise no_access(path)


def visible(sb: Sandbox, principal: Principal, tx: Tx) -> list[AccountRow]:
    """The accounts `principal` sees in the Accounts API: the parent sees itself and every
    subaccount, a subaccount only itself. The parent's row carries the parent's current
    SID and token."""
    rows = [parent_row(sb, tx)] + [r for r in tx.accounts() if r.parent_sid is not None]
    if principal.subaccount:
        return [r for r in rows if r.sid == principal.sid]
    return rows


def parent_row(sb: Sandbox, tx: Tx) -> AccountRow:
    """The parent's row (the Sandbox makes it when it opens the file) with the SID and
    token the sandbox is opened with."""
    stored = tx.parent_account()
    assert stored is not None, "Sandbox() stores the parent's row"
    return replace(stored, sid=sb.account_sid, auth_token=sb.auth_token, status=ACTIVE)


def token_for(tx: Tx, owner: str | None, parent_token: str) -> str:
    """The auth token that signs what an account's objects send (status callbacks,
    events): `owner` is the store's key (None: the parent), or a subaccount's SID."""
    if owner is None:
        return parent_token
    row = tx.account(owner)
    return parent_token if row is None or row.parent_sid is None else row.auth_token


def summary(row: AccountRow, parent_sid: str) -> AccountSummary:
    return AccountSummary(
        row.sid, row.friendly_name, row.status, None if row.parent_sid is None else parent_sid
    )


def ensure_parent(tx: Tx, sid: str, token: str, now: float) -> None:
    """The parent's row, for a file that has none yet (new, or of schema 1)."""
    if tx.parent_account() is None:
        tx.insert_account(sid, None, PARENT_NAME, token, now)


def create_subaccount(tx: Tx, parent_sid: str, friendly_name: str | None, now: float) -> AccountRow:
    return tx.insert_account(
        new_sid("AC"), parent_sid, friendly_name or default_name(now), new_token(), now
    )
