"""The WSGI application: faults, authentication, routing, errors.

A request acts in the account its credentials name (any active account of the sandbox, see
`accounts`), or on an API 2010 path in the account the path names when the credentials may
act there; its handler runs with the store scoped to that account (`Store.acting_as`).

Both ways of running the sandbox call this one app: the in-process transport builds a WSGI
environ per SDK request, the HTTP server per socket request. A fault of kind `drop` raises
`ConnectionDropped` out of the app; each caller turns it into what a client would see (a
closed socket, or requests' ConnectionError).
"""

from __future__ import annotations

import base64
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

from trusthub.sandbox import accounts, event_streams
from trusthub.sandbox.protocol import (
    INTERNAL,
    MAX_FIELDS,
    METHOD_NOT_ALLOWED,
    TOO_MANY_REQUESTS,
    ApiError,
    ConnectionDropped,
    Reply,
    Request,
    bad_request,
    error_reply,
    not_found,
)
from trusthub.sandbox.resources import all_routes

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Handler = Callable[["Sandbox", Request, dict[str, str]], Reply]

_PARAM: Final = re.compile(r"\{(\w+)\}")


def _compile(template: str) -> re.Pattern[str]:
    # "{Sid}" matches one path segment; the rest, ".json" suffixes included, is literal.
    parts = _PARAM.split(template)
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+?)" for i, p in enumerate(parts))
    )


def parse_request(environ: dict[str, Any]) -> Request:
    """The request, or a 400 `ApiError` when its body or query is not UTF-8 form data."""
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise bad_request("Content-Length is not a number") from None
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    return Request(
        method=method,
        path=str(environ.get("PATH_INFO") or "/"),
        query=_form(_wsgi_bytes(str(environ.get("QUERY_STRING") or ""))),
        form=_form(body) if method == "POST" else {},
        origin=f"{environ.get('wsgi.url_scheme', 'http')}://{host}",
        auth=_basic_auth(str(environ.get("HTTP_AUTHORIZATION") or "")),
    )


def _wsgi_bytes(text: str) -> bytes:
    # A WSGI string holds bytes as latin-1 (the HTTP server's); the in-process transport's
    # may be any text.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode()


def _form(raw: bytes) -> dict[str, list[str]]:
    """Form-encoded UTF-8 (percent-escapes included), at most `MAX_FIELDS` fields."""
    try:
        text = raw.decode()
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise bad_request("the body or query is not UTF-8 form data") from None
    except ValueError:  # parse_qs: "Max number of fields exceeded"
        raise bad_request(f"more than {MAX_FIELDS} parameters") from None


def _basic_auth(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


class SandboxApp:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._routes = [(_compile(t), methods) for t, methods in all_routes()]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        reply = self.respond(environ)
        body = reply.encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        headers += list(reply.headers.items())
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        return [body]

    def respond(self, environ: dict[str, Any]) -> Reply:
        try:
            request = parse_request(environ)
        except ApiError as e:
            return error_reply(e)
        fault = self.sandbox.faults.decide(request.method, request.path)
        if fault.delay > 0:
            time.sleep(fault.delay)  # outside every lock: concurrent requests overlap
        if fault.kind == "drop":
            raise ConnectionDropped(f"{request.method} {request.path}")
        if fault.kind == "throttle":
            retry_after = str(self.sandbox.faults.settings.retry_after)
            return error_reply(
                ApiError(429, TOO_MANY_REQUESTS, "Too Many Requests", {"Retry-After": retry_after})
            )
        if fault.kind == "error":
            return _internal("An internal server error has occurred")
        reply = self.dispatch(request)
        if fault.kind == "error_after_commit":
            return _internal("An internal server error has occurred")
        return reply

    def dispatch(self, request: Request) -> Reply:
        try:
            principal = accounts.authenticate(self.sandbox, request.auth)
            handler, args = self._route(request)
            if "AccountSid" in args:
                principal = accounts.act_in(
                    self.sandbox, principal, args["AccountSid"], request.path
                )
            request = replace(request, principal=principal)
            try:
                with self.sandbox.store.acting_as(principal.owner):
                    return handler(self.sandbox, request, args)
            finally:
                event_streams.flush(self.sandbox)  # what the request decided, after its commit
        except ApiError as e:
            return error_reply(e)
        except Exception as e:
            log.exception("sandbox bug answering %s %s", request.method, request.path)
            return _internal(
                f"An internal server error has occurred (sandbox bug: {type(e).__name__})"
            )

    def refusal(self, authorization: str) -> Reply | None:
        """The 401 reply for an `Authorization` header without the credentials of an active
        account of this sandbox, or None: for the HTTP server to check a request before it
        reads the body."""
        try:
            accounts.authenticate(self.sandbox, _basic_auth(authorization))
        except ApiError as e:
            return error_reply(e)
        return None

    def _route(self, request: Request) -> tuple[Handler, dict[str, str]]:
        for pattern, methods in self._routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            handler = methods.get(request.method)
            if handler is None:
                raise ApiError(
                    405,
                    METHOD_NOT_ALLOWED,
                    f"Method {request.method} not allowed on {request.path}",
                )
            return handler, match.groupdict()
        raise not_found(request.path)


def _internal(message: str) -> Reply:
    return error_reply(ApiError(500, INTERNAL, message))
