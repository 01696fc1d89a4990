"""The desired resources of a workspace: each profile and each trust product it asks for,
with the part Trust Hub locks during review (`attributes`) kept apart from the phone
numbers (which may be assigned in any status) and from local switches (`submit`)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from trusthub.common.canonical import canonical_json
from trusthub.model import mapping
from trusthub.model.requirements import product_numbers, requirement_gaps

Kind = Literal["profile", "trust_product"]

PROFILE: Final = "profile"
TRUST_PRODUCT: Final = "trust_product"

# Keys of a profile document that are not sent to Trust Hub as profile attributes.
_NOT_ATTRIBUTES: Final = frozenset(
    {"apiVersion", "kind", "trust_products", "phone_numbers", "submit", "terms_of_service_accepted"}
)


@dataclass(frozen=True, slots=True)
class DesiredResource:
    kind: Kind
    name: str  # "acme" for a profile, "acme/cnam" for a trust product
    profile: str  # the profile it belongs to (itself for a profile)
    attributes: Mapping[str, Any]  # what Trust Hub locks while in review or approved
    numbers: tuple[str, ...]  # E.164, sorted
    submit: bool  # submit for review once complete
    path: str = field(default="", compare=False)  # the file it came from, for messages
    # Why the profile as written can never get this trust product (requirements.py).
    gaps: tuple[str, ...] = field(default=(), compare=False)

    @property
    def product(self) -> str | None:
        return self.name.split("/", 1)[1] if self.kind == TRUST_PRODUCT else None

    @property
    def role(self) -> str | None:
        return self.attributes.get("role")

    @property
    def primary(self) -> str | None:
        return self.attributes.get("primary")

    def body(self) -> dict[str, Any]:
        """What is recorded (sealed) and hashed: attributes and numbers."""
        return {"attributes": dict(self.attributes), "numbers": list(self.numbers)}


def spec_hash(body: Mapping[str, Any], key: bytes) -> str:
    """Keyed, so a hash in a plan or state reveals nothing about personal data."""
    return hmac.new(key, canonical_json(body), hashlib.sha256).hexdigest()


def profile_resources(name: str, data: Mapping[str, Any], path: str) -> Iterable[DesiredResource]:
    """The profile itself, then one resource per trust product it asks for."""
    attributes = {k: v for k, v in data.items() if k not in _NOT_ATTRIBUTES}
    submit = bool(data.get("submit", True))
    yield DesiredResource(
        kind=PROFILE,
        name=name,
        profile=name,
        attributes=attributes,
        numbers=tuple(sorted(data.get("phone_numbers", []))),
        submit=submit,
        path=path,
    )
    for product, spec in sorted(data.get("trust_products", {}).items()):
        yield DesiredResource(
            kind=TRUST_PRODUCT,
            name=f"{name}/{product}",
            profile=name,
            attributes={
                "policy": mapping.TRUST_PRODUCT_POLICY[product],
                **{k: v for k, v in spec.items() if k != "numbers"},
            },
            numbers=tuple(sorted(product_numbers(data, product))),
            submit=submit,
            path=path,
            gaps=tuple(requirement_gaps(data, product)),
        )


def desired_resources(
    profiles: Iterable[tuple[str, Mapping[str, Any], str]],
) -> dict[str, DesiredResource]:
    """(name, data, path) triples of schema-valid profiles -> resources by name."""
    resources: dict[str, DesiredResource] = {}
    for name, data, path in profiles:
        for resource in profile_resources(name, data, path):
            resources[resource.name] = resource
    return resources
