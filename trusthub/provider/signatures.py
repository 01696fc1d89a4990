"""Twilio's webhook signatures (`X-Twilio-Signature`), checked with the twilio SDK's
`RequestValidator`: over the URL and the form fields of a form post, or over the URL whose
`bodySHA256` query parameter is the hex SHA-256 of a JSON body. The events receiver uses
it; the SDK stays behind the provider."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from twilio.request_validator import RequestValidator


class SignatureCheck:
    def __init__(self, auth_token: str) -> None:
        self._validator = RequestValidator(auth_token)

    def form(self, url: str, fields: Mapping[str, str], signature: str) -> bool:
        return bool(signature) and bool(self._validator.validate(url, dict(fields), signature))

    def json(self, url: str, body: str, signature: str) -> bool:
        """A JSON body: only with `bodySHA256` in the URL (the SDK would otherwise sign the
        body's characters as form fields)."""
        if not signature or "bodySHA256" not in parse_qs(urlsplit(url).query):
            return False
        return bool(self._validator.validate(url, body, signature))
