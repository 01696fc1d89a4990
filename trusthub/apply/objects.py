"""What a profile or trust product is made of on Trust Hub's side: the end users, the
address and its supporting document, each under a stable role name. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from trusthub.model import mapping
from trusthub.model import sole_proprietor as sole
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

    def changed(self, touched: set[str]) -> bool:
        return bool(touched & set(self.sources))


# Optional Address fields: absent from the YAML, they are sent empty on update, which clears
# them (a field left out of an update keeps its old value).
ADDRESS_OPTIONAL = ("street_secondary",)


@dataclass(frozen=True, slots=True)
class AddressSpec:
    params: Mapping[str, str]  # as `mapping.address_params` gives them
    sources: tuple[str, ...]  # top-level spec keys whose change means the address changes

    def changed(self, touched: set[str]) -> bool:
        return bool(touched & set(self.sources))

    def update_params(self) -> dict[str, str]:
        """What an update sends: every optional field the YAML no longer has, cleared."""
        return {**dict.fromkeys(ADDRESS_OPTIONAL, ""), **self.params}


@dataclass(frozen=True, slots=True)
class BundleSpec:
    friendly_name: str
    email: str
    status_callback: str | None  # None: no callback (an update clears the old one)
    sources: tuple[str, ...]  # top-level spec keys whose change means the bundle changes

    def changed(self, touched: set[str]) -> bool:
        return bool(touched & set(self.sources))


def _name_sources(attributes: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys `customer_name` reads."""
    return ("individual",) if attributes["type"] == "individual" else ("business",)


def profile_address(attributes: Mapping[str, Any]) -> AddressSpec:
    params = mapping.address_params(attributes["address"], customer_name(attributes))
    return AddressSpec(params, ("address", *_name_sources(attributes)))


def profile_bundle(attributes: Mapping[str, Any]) -> BundleSpec:
    notifications = attributes["notifications"]
    return BundleSpec(
        bundle_friendly_name(attributes),
        notifications["email"],
        notifications.get("status_callback"),
        ("friendly_name", "notifications", *_name_sources(attributes)),
    )


def product_bundle(profile_attributes: Mapping[str, Any], product: str) -> BundleSpec:
    """A trust product's bundle takes its name, email and callback from its profile: the
    sources are the profile's keys. The product exists only once its profile is approved,
    and an approved profile cannot be edited, so they do not change under it."""
    notifications = profile_attributes["notifications"]
    return BundleSpec(
        product_friendly_name(profile_attributes, product),
        notifications["email"],
        notifications.get("status_callback"),
        ("friendly_name", "notifications", *_name_sources(profile_attributes)),
    )


def profile_end_users(attributes: Mapping[str, Any]) -> list[EndUserSpec]:
    if sole.is_starter(attributes):
        return [
            EndUserSpec(
                f"end_user:{sole.STARTER_END_USER}",
                sole.STARTER_END_USER,
                sole.starter_information(attributes["individual"]),
                ("individual",),
            )
        ]
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
    if resource.attributes.get("policy") == sole.POLICY_TRUST_PRODUCT:
        return EndUserSpec(
            f"end_user:{sole.PRODUCT_END_USER}",
            sole.PRODUCT_END_USER,
            sole.product_information(resource.attributes),
            sole.PRODUCT_END_USER_SOURCES,
        )
    type_ = mapping.TRUST_PRODUCT_END_USER_TYPE[product]
    if type_ is None:
        return None
    spec = {k: v for k, v in resource.attributes.items() if k != "policy"}
    return EndUserSpec(
        f"end_user:{type_}",
        type_,
        mapping.trust_product_attributes(product, spec),
        PRODUCT_END_USER_SOURCES[product],
    )


# The product keys each trust product's end user is derived from (`trust_product_attributes`),
# present or not: removing an optional one (`notes`) changes the end user too.
PRODUCT_END_USER_SOURCES: Final[Mapping[str, tuple[str, ...]]] = {
    "a2p_messaging": ("company_type", "stock_exchange", "stock_ticker", "brand_contact_email"),
    "cnam": ("display_name",),
    "voice_integrity": ("use_case", "employee_count", "average_daily_call_volume", "notes"),
}


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
