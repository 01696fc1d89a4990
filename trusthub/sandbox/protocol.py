"""The HTTP face shared by every handler: a parsed request, a reply, and Twilio's errors.

Errors use Twilio's legacy body, `{"code", "message", "more_info", "status"}`, which
twilio-python turns into `TwilioRestException(status, uri, msg, code)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

from trusthub.model import twilio_codes

# Codes used by the sandbox (https://www.twilio.com/docs/errors/<code>).
BAD_PARAMETER: Final = 20001  # a missing or invalid parameter; the message names it
AUTHENTICATION: Final = 20003
METHOD_NOT_ALLOWED: Final = 20004
NOT_FOUND: Final = 20404
TOO_MANY_REQUESTS: Final = 20429
INTERNAL: Final = 20500
STATUS_FORBIDS_CHANGE: Final = twilio_codes.EDIT_LOCKED  # a locked bundle holds it
ACCOUNT_NOT_ACTIVE: Final = 20005
SUBACCOUNT_CANNOT_OWN: Final = 21101  # a subaccount cannot make subaccounts
ACCOUNTS_RESOURCE: Final = 21100  # a refused Accounts request
ACCOUNT_CLOSED: Final = 21479  # a closed subaccount's status cannot change (never reopened)
NUMBER_INVALID: Final = 21421
NUMBER_UNAVAILABLE: Final = 21422

# What the sandbox accepts in one request. Twilio publishes no numbers for these (Trust Hub's
# bodies are a few form fields), so these are the sandbox's own, chosen far above any real
# request and kept here, the one place: past them a request is refused with Twilio's error
# body, before the body is read (its size) or before it is used (the rest).
MAX_BODY_BYTES: Final = 1024 * 1024  # a request body, by its Content-Length: 413 past it
MAX_HEADER_BYTES: Final = 16 * 1024  # the request line and headers together: 431 past it
MAX_FIELDS: Final = 1000  # form fields (or query parameters) in one request: 400 past it
MAX_JSON_DEPTH: Final = 32  # nesting of a JSON parameter such as Attributes: 400 past it
# The loopback server's bounds (`trusthub sandbox serve` options; here, not in the server's
# module, so the command reads its defaults without loading waitress).
THREADS: Final = 8  # workers answering requests
CONNECTION_LIMIT: Final = 2000  # open connections; fewer if the process may open fewer files
TIMEOUT: Final = 30.0  # seconds to send one whole request; idle keep-alive connections too


class ApiError(Exception):
    """Raised by a handler; becomes an error reply."""

    def __init__(
        self, status: int, code: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class ConnectionDropped(Exception):
    """A fault: the server closes the connection without answering."""


def bad_parameter(name: str, why: str) -> ApiError:
    return ApiError(400, BAD_PARAMETER, f"Invalid parameter {name}: {why}")


def missing_parameter(name: str) -> ApiError:
    return ApiError(400, BAD_PARAMETER, f"Missing required parameter {name} in the post body")


def bad_request(why: str) -> ApiError:
    """A request the sandbox cannot read: bad bytes or framing, or past a limit above."""
    return ApiError(400, BAD_PARAMETER, f"Invalid request: {why}")


def not_found(path: str) -> ApiError:
    return ApiError(404, NOT_FOUND, f"The requested resource {path} was not found")


def status_forbids(what: str, status: str) -> ApiError:
    return ApiError(
        400,
        STATUS_FORBIDS_CHANGE,
        f"{what} can't be updated: it is {status} and immutable",
    )


def error_body(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


@dataclass(frozen=True, slots=True)
class Principal:
    """The account a request acts in: the one its credentials name, or (the parent's
    credentials on an API 2010 path) the subaccount the path names."""

    sid: str
    subaccount: bool

    @property
    def owner(self) -> str | None:
        """Its key in the store's `account` column: None for the parent."""
        return self.sid if self.subaccount else None


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    origin: str  # scheme://host[:port] the client used; absolute URLs are built on it
    auth: tuple[str, str] | None = None
    principal: Principal | None = None  # set once the credentials are checked

    @property
    def account_sid(self) -> str:
        """The SID of the account the request acts in (its objects' `account_sid`)."""
        if self.principal is None:
            raise RuntimeError("the request has not been authenticated")
        return self.principal.sid

    def _source(self) -> dict[str, list[str]]:
        return self.form if self.method == "POST" else self.query

    def get(self, name: str) -> str | None:
        values = self._source().get(name)
        return values[-1] if values else None

    def has(self, name: str) -> bool:
        return name in self._source()

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None or value == "":
            raise missing_parameter(name)
        return value

    def url(self, path: str, params: dict[str, str] | None = None) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.origin}{path}{query}"


@dataclass(slots=True)
class Reply:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode()


def error_reply(error: ApiError) -> Reply:
    return Reply(error.status, error_body(error.status, error.code, error.message), error.headers)
