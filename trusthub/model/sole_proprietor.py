"""The sole-proprietor A2P path (reference section C), in one place: which profile is a
*starter* customer profile, the policies of the starter profile and of the sole-proprietor
A2P trust product, the end-user attributes they carry, and the OTP the owner confirms.

A starter customer profile is written as an individual secondary (`type: individual`,
`role: secondary`, `primary: <the ISV's primary>`): Twilio's starter policy is the one
for an ISV's customers without a tax ID, and it carries one person
(`starter_customer_profile_information`: first and last name, email, phone) beside the
address and the primary. Its A2P trust product uses the sole-proprietor policy, whose end
user (`sole_proprietor_information`) names the brand and the mobile TCR texts the OTP to.

Twilio's SP guide says not to wait for approvals along this chain (profile -> trust product
-> brand -> campaign), and the starter profile is approved only after the OTP succeeds,
so the trust product is created once the profile is *submitted*. Whether a SP campaign is
accepted before the OTP is confirmed is UNCONFIRMED: trusthub takes the stricter reading,
`CAMPAIGN_WAITS_FOR_OTP`, and registers it only once the brand's identity is verified.
Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

POLICY_STARTER: Final = "RN806dd6cd175f314e1f96a9727ee271f4"
POLICY_TRUST_PRODUCT: Final = "RN670d5d2e282a6130ae063b234b6019c8"
STARTER_END_USER: Final = "starter_customer_profile_information"
PRODUCT_END_USER: Final = "sole_proprietor_information"

BRAND_TYPE: Final = "sole_proprietor"  # the profile's brand `type`

# The OTP: TCR texts the brand's mobile once the brand is APPROVED; the owner replies YES
# within 24 hours, or the brand fails with 30752 (reference C, L).
OTP_VALID_SECONDS: Final = 24 * 3600.0
OTP_NOT_CONFIRMED_CODE: Final = 30752
# UNCONFIRMED in the reference (N.7): the stricter reading, decided here alone.
CAMPAIGN_WAITS_FOR_OTP: Final = True

# TCR's verticals for `sole_proprietor_information.vertical` (trusthub-api.md section 4).
VERTICALS: Final = (
    "AGRICULTURE", "COMMUNICATION", "CONSTRUCTION", "EDUCATION", "ENERGY", "ENTERTAINMENT",
    "FINANCIAL", "GAMBLING", "GOVERNMENT", "HEALTHCARE", "HOSPITALITY", "HUMAN_RESOURCES",
    "INSURANCE", "LEGAL", "MANUFACTURING", "NGO", "POLITICAL", "POSTAL", "PROFESSIONAL",
    "REAL_ESTATE", "RETAIL", "TECHNOLOGY", "TRANSPORTATION",
)  # fmt: skip


def is_starter(profile: Mapping[str, Any]) -> bool:
    """Whether a profile document (or a profile's attributes) is a starter profile."""
    return profile.get("type") == "individual" and profile.get("role") == "secondary"


def is_sole_proprietor(profile: Mapping[str, Any]) -> bool:
    """Whether a profile document declares a sole-proprietor brand."""
    a2p = (profile.get("trust_products") or {}).get("a2p_messaging") or {}
    return (a2p.get("brand") or {}).get("type") == BRAND_TYPE


def starter_information(person: Mapping[str, Any]) -> dict[str, str]:
    """Attributes of the `starter_customer_profile_information` end user."""
    return {
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "email": person["email"],
        "phone_number": person["phone"],
    }


def product_spec(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The desired attributes of a starter profile's A2P trust product (besides its policy):
    the brand name and the OTP mobile (default: the individual's phone), and the vertical."""
    person = profile.get("individual") or {}
    a2p = (profile.get("trust_products") or {}).get("a2p_messaging") or {}
    brand = a2p.get("brand") or {}
    default_name = f"{person.get('first_name', '')} {person.get('last_name', '')}".strip()
    spec: dict[str, Any] = {
        "brand_name": brand.get("name") or default_name,
        "mobile_phone": a2p.get("mobile_phone") or person.get("phone", ""),
    }
    if a2p.get("vertical"):
        spec["vertical"] = a2p["vertical"]
    return spec


PRODUCT_END_USER_SOURCES: Final = ("brand_name", "mobile_phone", "vertical")


def product_information(spec: Mapping[str, Any]) -> dict[str, str]:
    """Attributes of the `sole_proprietor_information` end user."""
    attributes = {
        "brand_name": str(spec["brand_name"]),
        "mobile_phone_number": str(spec["mobile_phone"]),
    }
    if spec.get("vertical"):
        attributes["vertical"] = str(spec["vertical"])
    return attributes
