"""Stock `twilio.rest.Client`s wired to the sandbox.

* In-process (the default target, nothing to start): `Sandbox.from_settings(settings).client()`. Its
  `SandboxHttpClient` hands each SDK request for `https://*.twilio.com` (Trust Hub, API
  2010, messaging) straight to the sandbox's WSGI app: no sockets, a few hundred
  microseconds a request. Responses keep Twilio's own hosts in their URLs, so the SDK's
  paging follows them back through the same client.
* Over loopback HTTP (`trusthub sandbox serve`): `server_client(base_url, sid, token)`, a
  stock client whose `LoopbackHttpClient` rewrites `https://*.twilio.com` to the server.
  Setting `client.trusthub.base_url` and `client.api.base_url` works too.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterable, Mapping
from http.client import RemoteDisconnected
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import requests
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from trusthub.sandbox.protocol import ConnectionDropped

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox

_logger = logging.getLogger("trusthub.sandbox.transport")


def _is_twilio_host(host: str) -> bool:
    return host == "twilio.com" or host.endswith(".twilio.com")


def _encode(values: Mapping[str, Any] | None) -> str:
    if not values:
        return ""
    return urlencode({k: v for k, v in values.items() if v is not None}, doseq=True)


class SandboxHttpClient(HttpClient):  # type: ignore[misc]
    """A twilio HttpClient answered by a Sandbox in the same process. Thread-safe."""

    def __init__(self, sandbox: Sandbox, *, timeout: float | None = None) -> None:
        super().__init__(_logger, False, timeout)
        self.sandbox = sandbox

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        parts = urlsplit(url)
        if not _is_twilio_host(parts.hostname or ""):
            raise requests.exceptions.InvalidURL(f"the sandbox answers *.twilio.com, not {url}")
        query = "&".join(q for q in (parts.query, _encode(params)) if q)
        body = _encode(data).encode()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method.upper(),
            "PATH_INFO": parts.path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_HOST": parts.netloc,
            "SERVER_NAME": parts.hostname,
            "SERVER_PORT": str(parts.port or 443),
            "wsgi.url_scheme": parts.scheme,
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            environ["HTTP_AUTHORIZATION"] = f"Basic {token}"
        captured: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = dict(response_headers)

        try:
            chunks: Iterable[bytes] = self.sandbox.app(environ, start_response)
        except ConnectionDropped:
            # What requests raises when a server closes the socket without answering.
            raise requests.exceptions.ConnectionError(
                "('Connection aborted.', RemoteDisconnected('Remote end closed connection "
                "without response'))",
                RemoteDisconnected("Remote end closed connection without response"),
            ) from None
        text = b"".join(chunks).decode()
        return Response(captured["status"], text, captured["headers"])


def client_for(
    sandbox: Sandbox, account_sid: str | None = None, auth_token: str | None = None
) -> Client:
    """A stock client answered in-process, with the given account's credentials (by
    default the parent's)."""
    sid, token = account_sid or sandbox.account_sid, auth_token or sandbox.auth_token
    return Client(sid, token, http_client=SandboxHttpClient(sandbox))


class LoopbackHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The SDK's own HTTP client, sending `https://*.twilio.com` requests to a sandbox
    server instead (e.g. `http://127.0.0.1:8765`). Ignores proxy variables: the traffic is
    local."""

    def __init__(self, base_url: str, *, timeout: float | None = 30.0) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")
        if self.session is not None:
            self.session.trust_env = False

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        parts = urlsplit(url)
        if _is_twilio_host(parts.hostname or ""):
            url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, url, params, data, headers, auth, timeout, allow_redirects)


def server_client(
    base_url: str, account_sid: str, auth_token: str, *, http_client: HttpClient | None = None
) -> Client:
    """A stock client for a sandbox HTTP server at `base_url`."""
    return Client(account_sid, auth_token, http_client=http_client or LoopbackHttpClient(base_url))
