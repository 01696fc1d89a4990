"""A desired resource: one thing the workspace asks Twilio to hold (a profile, a trust
product, ...), built from the YAML by its kind (`trusthub.model.kinds`). The part Twilio
locks during review (`attributes`) is kept apart from the phone numbers (which may be
assigned in any status) and from local switches (`submit`).

The resource makes its own recorded form: `sealed(key)` (what the state keeps, with no raw
personal data) and `spec_hash(key)` (what plans compare), so no caller builds either by hand.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from trusthub.common.canonical import canonical_json
from trusthub.model.privacy import fingerprint, seal

# The account whose credentials are in the environment (the ISV's own): where a resource lives
# unless its profile names a subaccount (`account:`). Primaries always do.
PARENT_ACCOUNT: Final = "parent"


def spec_hash(body: Mapping[str, Any], key: bytes) -> str:
    """Keyed, so a hash in a plan or state reveals nothing about personal data."""
    return hmac.new(key, canonical_json(body), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class SealedBody:
    """A resource as the state records it: attributes with personal data sealed
    (fingerprints) and phone numbers fingerprinted, sorted."""

    attributes: Mapping[str, Any]
    numbers: tuple[str, ...]

    def to_data(self) -> dict[str, Any]:
        return {"attributes": dict(self.attributes), "numbers": list(self.numbers)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> SealedBody:
        """A recorded body (None or partial for a resource recorded before it had one)."""
        data = data or {}
        return cls(dict(data.get("attributes", {})), tuple(data.get("numbers", ())))


EMPTY_BODY = SealedBody({}, ())


@dataclass(frozen=True, slots=True)
class DesiredResource:
    kind: str  # a registered kind's name (`trusthub.model.kinds`)
    name: str  # "acme" for a profile, "acme/cnam" for a trust product
    profile: str  # the profile it belongs to (itself for a profile)
    attributes: Mapping[str, Any]  # what Twilio locks while in review or approved
    numbers: tuple[str, ...]  # E.164, sorted
    submit: bool  # submit for review once complete
    path: str = field(default="", compare=False)  # the file it came from, for messages
    # Why the profile as written can never get this resource (requirements.py).
    gaps: Sequence[str] = field(default=(), compare=False)
    # The logical account it lives in (`accounts:` in trusthub.yaml). Not part of the spec
    # hash: an object cannot move between accounts, which the plan refuses on its own.
    account: str = PARENT_ACCOUNT

    @property
    def product(self) -> str | None:
        """The part of the name after the profile's ("cnam" in "acme/cnam")."""
        return self.name.split("/", 1)[1] if "/" in self.name else None

    @property
    def role(self) -> str | None:
        return self.attributes.get("role")

    @property
    def primary(self) -> str | None:
        return self.attributes.get("primary")

    def body(self) -> dict[str, Any]:
        """What is hashed: attributes and numbers, raw."""
        return {"attributes": dict(self.attributes), "numbers": list(self.numbers)}

    def spec_hash(self, key: bytes) -> str:
        return spec_hash(self.body(), key)

    def sealed(self, key: bytes) -> SealedBody:
        return SealedBody(
            seal(dict(self.attributes), key),
            tuple(sorted(fingerprint(key, n) for n in self.numbers)),
        )
