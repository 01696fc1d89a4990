"""Where apply and refresh go: the embedded sandbox (in-process, the default) or real
Twilio through the official SDK. Credentials come only from the environment and are
never stored, printed or logged.

`TRUSTHUB_TWILIO_BASE_URL=http://127.0.0.1:PORT` sends the twilio target's requests to a
`trusthub sandbox serve` on loopback instead of *.twilio.com (rehearsals and tests of the
real target's code path); any other host is refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from trusthub.config.settings import Settings
from trusthub.errors import ConfigError
from trusthub.provider.retry import RetryingHttpClient
from trusthub.provider.trusthub_api import TrustHubApi

BASE_URL_ENV = "TRUSTHUB_TWILIO_BASE_URL"


@dataclass(frozen=True, slots=True)
class Target:
    api: TrustHubApi
    name: str  # "sandbox" or "twilio"
    provision_numbers: bool
    submit_primary_via_api: bool
    retrying: RetryingHttpClient


def _twilio_client(env: Mapping[str, str], http: RetryingHttpClient) -> Client:
    account = env.get("TWILIO_ACCOUNT_SID", "")
    if env.get("TWILIO_API_KEY") and env.get("TWILIO_API_SECRET"):
        if not account:
            raise ConfigError(
                "TWILIO_API_KEY is set but TWILIO_ACCOUNT_SID is not",
                hint="export TWILIO_ACCOUNT_SID=AC... as well",
            )
        return Client(env["TWILIO_API_KEY"], env["TWILIO_API_SECRET"], account, http_client=http)
    if account and env.get("TWILIO_AUTH_TOKEN"):
        return Client(account, env["TWILIO_AUTH_TOKEN"], http_client=http)
    raise ConfigError(
        "target is twilio but no credentials are set",
        hint="export TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
        "TWILIO_API_SECRET), or set `target: sandbox` in trusthub.yaml",
    )


def _twilio_http(env: Mapping[str, str]) -> HttpClient:
    base_url = env.get(BASE_URL_ENV)
    if not base_url:
        return TwilioHttpClient(timeout=30)
    from trusthub.common.net import is_loopback
    from trusthub.sandbox.transport import LoopbackHttpClient

    parts = urlsplit(base_url)
    if parts.scheme != "http" or not is_loopback(parts.hostname or ""):
        raise ConfigError(
            f"{BASE_URL_ENV} must be http://127.0.0.1:PORT (a `trusthub sandbox serve` on "
            "loopback); it is never used to reach another host",
            hint=f"unset {BASE_URL_ENV} to reach Twilio",
        )
    return LoopbackHttpClient(base_url, timeout=30)


def open_target(settings: Settings, *, environ: Mapping[str, str] | None = None) -> Target:
    env = os.environ if environ is None else environ
    if settings.target == "twilio":
        http = RetryingHttpClient(_twilio_http(env))
        client = _twilio_client(env, http)
        return Target(TrustHubApi(client), "twilio", False, False, http)
    from trusthub.sandbox import Sandbox

    client = Sandbox.from_settings(settings).client()
    http = RetryingHttpClient(client.http_client)
    client.http_client = http
    return Target(TrustHubApi(client), "sandbox", True, True, http)
