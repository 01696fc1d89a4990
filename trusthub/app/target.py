"""Where apply and refresh go: the embedded sandbox (in-process, the default) or real
Twilio through the official SDK. Credentials come only from the environment and are
never stored, printed or logged. This module only chooses; `provider.connect` builds.

`TRUSTHUB_TWILIO_BASE_URL=http://127.0.0.1:PORT` sends the twilio target's requests to a
`trusthub sandbox serve` on loopback instead of *.twilio.com (rehearsals and tests of the
real target's code path); any other host is refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from trusthub.config.settings import Settings
from trusthub.errors import ConfigError
from trusthub.provider.api import TrustHubProvider
from trusthub.provider.connect import TIMEOUT, Connection, connect_client, connect_twilio
from trusthub.provider.retry import RetryingHttpClient

if TYPE_CHECKING:
    from trusthub.sandbox.transport import LoopbackHttpClient

BASE_URL_ENV = "TRUSTHUB_TWILIO_BASE_URL"


@dataclass(frozen=True, slots=True)
class Target:
    api: TrustHubProvider
    name: str  # "sandbox" or "twilio"
    provision_numbers: bool
    retrying: RetryingHttpClient
    account_sid: str = ""  # the account the credentials name; never shown in full


def _loopback_transport(env: Mapping[str, str]) -> LoopbackHttpClient | None:
    """The transport to a loopback sandbox server named by BASE_URL_ENV, if any."""
    base_url = env.get(BASE_URL_ENV)
    if not base_url:
        return None
    from trusthub.common.net import is_loopback
    from trusthub.sandbox.transport import LoopbackHttpClient

    parts = urlsplit(base_url)
    if parts.scheme != "http" or not is_loopback(parts.hostname or ""):
        raise ConfigError(
            f"{BASE_URL_ENV} must be http://127.0.0.1:PORT (a `trusthub sandbox serve` on "
            "loopback); it is never used to reach another host",
            hint=f"unset {BASE_URL_ENV} to reach Twilio",
        )
    return LoopbackHttpClient(base_url, timeout=TIMEOUT)


def open_target(settings: Settings, *, environ: Mapping[str, str] | None = None) -> Target:
    env = os.environ if environ is None else environ
    connection: Connection
    if settings.target == "twilio":
        connection = connect_twilio(env, transport=_loopback_transport(env))
        account = env.get("TWILIO_ACCOUNT_SID", "")
        return Target(connection.api, "twilio", False, connection.retrying, account)
    from trusthub.sandbox import Sandbox

    sandbox = Sandbox.from_settings(settings)
    connection = connect_client(sandbox.client())
    return Target(connection.api, "sandbox", True, connection.retrying, sandbox.account_sid)
