"""What Trust Hub answers, in the project's own terms. The adapter (`twilio_sdk`) turns
every `TwilioException` and `requests` exception into one of these, so nothing above
`provider/` knows the SDK or its HTTP library.

Each message is what the user reads (`apply.executor.describe_failure` shows it as is):
Twilio's code and text, never a credential or the account SID.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from trusthub.errors import ProviderError

__all__ = [
    "CREDENTIALS_HINT",
    "AmbiguousCreateError",
    "AuthenticationFailed",
    "RemoteError",
    "RemoteNotFound",
    "RemoteRefused",
    "UnexpectedAnswer",
    "Unreachable",
    "remote_error",
    "scrub",
    "shown_url",
]

NOT_FOUND_CODE: Final = 20404

CREDENTIALS_HINT: Final = (
    "check the credentials in TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or "
    "TWILIO_API_KEY and TWILIO_API_SECRET)"
)

_ACCOUNT_IN_PATH = re.compile(r"/Accounts/AC[0-9a-fA-F]{32}")
_ACCOUNT_SID = re.compile(r"\bAC[0-9a-fA-F]{32}\b")


def shown_url(url: str) -> str:
    """A URL for error messages: no query string, and no account SID (API 2010 paths hold
    it), so an error pasted into a ticket or kept in a CI log does not carry it."""
    return _ACCOUNT_IN_PATH.sub("/Accounts/{AccountSid}", url.split("?", 1)[0])


def shown_account(sid: str) -> str:
    """An account SID for messages: its prefix and last four characters (`AC…1234`), never
    the whole SID."""
    return f"{sid[:2]}…{sid[-4:]}" if len(sid) > 8 else "AC…"


def scrub(text: str) -> str:
    """Text from Twilio or the network for a message: account SIDs replaced, wherever
    they are (Twilio's 404 text names the resource's path, which holds one)."""
    return _ACCOUNT_SID.sub("{AccountSid}", _ACCOUNT_IN_PATH.sub("/Accounts/{AccountSid}", text))


class RemoteError(ProviderError):
    """Twilio answered with an error: its HTTP status, its error code when it sent one,
    its text. Used as is for answers no subclass names (a 5xx or a 429 that reached the
    adapter without the retrying transport)."""

    default_hint: ClassVar[str] = ""

    def __init__(
        self,
        *,
        status: int,
        code: int | None,
        detail: str,
        method: str = "",
        url: str = "",
        hint: str = "",
    ) -> None:
        detail = scrub(detail) or f"HTTP {status} error"
        # The wording users have always seen: Twilio's code first when there is one.
        message = f"Twilio error {code}: {detail}" if code else f"TwilioRestException: {detail}"
        super().__init__(message, hint=hint or self.default_hint)
        self.status = status
        self.code = code
        self.detail = detail
        self.method = method
        self.url = shown_url(url)


class RemoteNotFound(RemoteError):
    """The object is not there (HTTP 404, error 20404)."""


class RemoteRefused(RemoteError):
    """Twilio refused the request (a 4xx other than 401, 403, 404 and 429), e.g. 70002: the
    bundle's status does not allow the change."""


class AuthenticationFailed(RemoteError):
    """Twilio did not accept the credentials, or they may not do this (HTTP 401 or 403,
    e.g. error 20003)."""

    default_hint = CREDENTIALS_HINT


def remote_error(
    *, status: int, code: int | None, detail: str, method: str = "", url: str = ""
) -> RemoteError:
    """The error for an answer of Twilio's: by its code where it is unambiguous, else by
    its HTTP status."""
    kind: type[RemoteError] = RemoteError
    if status == 404 or code == NOT_FOUND_CODE:
        kind = RemoteNotFound
    elif status in (401, 403):
        kind = AuthenticationFailed
    elif 400 <= status < 500 and status != 429:
        kind = RemoteRefused
    return kind(status=status, code=code, detail=detail, method=method, url=url)


class Unreachable(ProviderError):
    """Trust Hub could not be reached, after the retries (the network, a timeout, or the
    5xx and 429 answers the retries could not get past)."""

    def __init__(self, kind: str, detail: str) -> None:
        # `kind` is the failure's name (ConnectionError, ReadTimeout): users see it today.
        super().__init__(f"{kind}: {scrub(detail) or kind}")
        self.kind = kind
        self.detail = scrub(detail)


class AmbiguousCreateError(ProviderError):
    """A create request failed in a way that leaves unknown whether it took effect (a 5xx
    or a dropped connection). The apply engine looks for what it may have created."""

    def __init__(self, method: str, url: str, detail: str) -> None:
        # Shown the way it always was, the class name first.
        super().__init__(f"AmbiguousCreateError: {method} {shown_url(url)}: {detail}")
        self.method = method
        self.url = shown_url(url)
        self.detail = detail


class UnexpectedAnswer(ProviderError):
    """Twilio answered something this version does not know (e.g. a bundle status outside
    the review lifecycle): not a crash, an error to report."""

    def __init__(self, message: str) -> None:
        super().__init__(
            message, hint="this version of trusthub does not know it: upgrade trusthub"
        )


class AccountUnavailable(ProviderError):
    """A subaccount trusthub cannot act in: suspended, closed, or not the parent's."""

    def __init__(self, sid: str, why: str) -> None:
        super().__init__(
            f"subaccount {shown_account(sid)} {why}",
            hint="reopen it in the Twilio Console, or name another subaccount under "
            "`accounts:` in trusthub.yaml",
        )
        self.sid = sid
        self.why = why
