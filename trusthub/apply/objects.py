"""What a profile or trust product is made of on Trust Hub's side: the end users, the
address and its supporting document, each under a stable role name. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trusthub.model import mapping
from trusthub.model.desired import DesiredResource

ADDRESS = "address"
DOCUMENT = "supporting_document:address"
BUNDLE = "bundle"


@dataclass(frozen=True, slots=True)
class EndUserSpec:
    role: str  # "end_user:<type>"
    type: str
    attributes: Mapping[str, str]
    sources: tuple[str, ...]  # top-level spec keys whose change means this end user changes


def profile_end_users(attributes: Mapping[str, Any]) -> list[EndUserSpec]:
    if attributes["type"] == "individual":
        return [
            EndUserSpec(
                "end_user:individual_customer_profile_information",
                "individual_customer_profile_information",
                mapping.individual_information(attributes["individual"]),
                ("individual",),
            )
        ]
    users = [
        EndUserSpec(
            "end_user:customer_profile_business_information",
            "customer_profile_business_information",
            mapping.business_information(attributes["business"]),
            ("business",),
        )
    ]
    for i, rep in enumerate(attributes.get("authorized_representatives", []), start=1):
        type_ = f"authorized_representative_{i}"
        users.append(
            EndUserSpec(
                f"end_user:{type_}",
                type_,
                mapping.representative(rep),
                ("authorized_representatives",),
            )
        )
    return users


def product_end_user(resource: DesiredResource) -> EndUserSpec | None:
    product = resource.product or ""
    type_ = mapping.TRUST_PRODUCT_END_USER_TYPE[product]
    if type_ is None:
        return None
    spec = {k: v for k, v in resource.attributes.items() if k != "policy"}
    return EndUserSpec(
        f"end_user:{type_}", type_, mapping.trust_product_attributes(product, spec), tuple(spec)
    )


def customer_name(attributes: Mapping[str, Any]) -> str:
    if attributes["type"] == "individual":
        person = attributes["individual"]
        return f"{person['first_name']} {person['last_name']}"
    return str(attributes["business"]["legal_name"])


def bundle_friendly_name(attributes: Mapping[str, Any]) -> str:
    return str(attributes.get("friendly_name") or customer_name(attributes))[:64]


def product_friendly_name(profile_attributes: Mapping[str, Any], product: str) -> str:
    label = mapping.TRUST_PRODUCT_LABELS[product]
    return f"{bundle_friendly_name(profile_attributes)[: 60 - len(label)]} - {label}"[:64]
