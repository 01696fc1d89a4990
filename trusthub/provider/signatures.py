"""Twilio's webhook signatures (`X-Twilio-Signature`), checked with the twilio SDK's
`RequestValidator`: over the URL and the form fields of a form post, or over the URL whose
`bodySHA256` query parameter is the hex SHA-256 of a JSON body. The events receiver uses
it; the SDK stays behind the provider.

Twilio signs what an account's objects send with that account's auth token, so a receiver
for a parent and its subaccounts holds several: a request is genuine when one of them
signed it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs, urlsplit

from twilio.request_validator import RequestValidator


class SignatureCheck:
    def __init__(self, auth_token: str, *others: str) -> None:
        """`auth_token` (the parent's) and the `others` (its subaccounts')."""
        self._validators: Sequence[RequestValidator] = [
            RequestValidator(t) for t in dict.fromkeys((auth_token, *others)) if t
        ]

    def form(self, url: str, fields: Mapping[str, str], signature: str) -> bool:
        return bool(signature) and any(
            v.validate(url, dict(fields), signature) for v in self._validators
        )

    def json(self, url: str, body: str, signature: str) -> bool:
        """A JSON body: only with `bodySHA256` in the URL (the SDK would otherwise sign the
        body's characters as form fields)."""
        if not signature or "bodySHA256" not in parse_qs(urlsplit(url).query):
            return False
        return any(v.validate(url, body, signature) for v in self._validators)
