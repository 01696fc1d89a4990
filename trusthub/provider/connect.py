"""Building the SDK side of a target: a `twilio.rest.Client` with the retrying transport
under it, and the adapter on top. `app.target` only chooses which.

Credentials come from the environment mapping given, are handed to the SDK and kept
nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from trusthub.errors import ConfigError
from trusthub.provider.api import TrustHubProvider
from trusthub.provider.retry import RetryingHttpClient
from trusthub.provider.twilio_sdk import TwilioSdkProvider

TIMEOUT = 30.0  # seconds, per request


@dataclass(frozen=True, slots=True)
class Connection:
    api: TrustHubProvider
    retrying: RetryingHttpClient  # its policy and counters; tests wrap its `inner`


def twilio_client(env: Mapping[str, str], http: HttpClient) -> Client:
    """A client with the credentials in `env`: an API key and secret, or an auth token."""
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


def connect_twilio(env: Mapping[str, str], *, transport: HttpClient | None = None) -> Connection:
    """Twilio with the credentials in `env`, through `transport` (by default the SDK's own
    HTTP client, to *.twilio.com) wrapped in retries."""
    http = RetryingHttpClient(
        transport if transport is not None else TwilioHttpClient(timeout=TIMEOUT)
    )
    return Connection(TwilioSdkProvider(twilio_client(env, http)), http)


def connect_client(client: Client) -> Connection:
    """An SDK client made elsewhere (the sandbox's), with retries slid under it."""
    http = RetryingHttpClient(client.http_client)
    client.http_client = http
    return Connection(TwilioSdkProvider(client), http)
