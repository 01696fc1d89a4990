"""The one place where the profile format's readable keys and console labels meet Trust Hub's
exact attribute names, enum values and policy SIDs.

Everything here is data or a pure function. The JSON Schemas in `schemas/` list the same
labels; `tests/test_mapping.py` keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

# --- console labels -> Trust Hub values -------------------------------------------------

BUSINESS_IDENTITY: Final = {
    "Direct Customer": "direct_customer",
    "ISV Reseller or Partner": "isv_reseller_or_partner",
}

# The console labels are the API values here.
BUSINESS_TYPES: Final = (
    "Sole Proprietorship",
    "Partnership",
    "Limited Liability Corporation",
    "Co-operative",
    "Non-profit Corporation",
    "Corporation",
)

BUSINESS_INDUSTRY: Final = {
    "Automotive": "AUTOMOTIVE",
    "Agriculture": "AGRICULTURE",
    "Banking": "BANKING",
    "Consumer": "CONSUMER",
    "Education": "EDUCATION",
    "Engineering": "ENGINEERING",
    "Energy": "ENERGY",
    "Oil and Gas": "OIL_AND_GAS",
    "Fast Moving Consumer Goods": "FAST_MOVING_CONSUMER_GOODS",
    "Financial": "FINANCIAL",
    "Fintech": "FINTECH",
    "Food and Beverage": "FOOD_AND_BEVERAGE",
    "Government": "GOVERNMENT",
    "Healthcare": "HEALTHCARE",
    "Hospitality": "HOSPITALITY",
    "Insurance": "INSURANCE",
    "Legal": "LEGAL",
    "Manufacturing": "MANUFACTURING",
    "Media": "MEDIA",
    "Online": "ONLINE",
    "Raw Materials": "RAW_MATERIALS",
    "Real Estate": "REAL_ESTATE",
    "Religion": "RELIGION",
    "Retail": "RETAIL",
    "Jewelry": "JEWELRY",
    "Technology": "TECHNOLOGY",
    "Telecommunications": "TELECOMMUNICATIONS",
    "Transportation": "TRANSPORTATION",
    "Travel": "TRAVEL",
    "Electronics": "ELECTRONICS",
    "Not For Profit": "NOT_FOR_PROFIT",
}
# The console lists two industries the API's `business_industry` enum lacks (Twilio's
# documentation of secondary profiles and error 30701 list the same 31 values, without
# them). Whether the API accepts a value for them is UNCONFIRMED; trusthub takes the
# stricter reading: it never sends them, and validation refuses them
# (`industry-not-accepted`), suggesting the closest industries the API has.
INDUSTRIES_NOT_ACCEPTED: Final[Mapping[str, tuple[str, ...]]] = {
    "Construction": ("Engineering", "Real Estate", "Manufacturing"),
    "Professional Services": ("Legal", "Financial", "Consumer", "Technology"),
}

REGISTRATION_ID_TYPE: Final = {
    "EIN": "EIN",
    "CBN": "CBN",
    "UK Company Number": "CN",
    "ACN": "ACN",
    "India CIN": "CIN",
    "VAT": "VAT",
    "Israel Registration Number": "RN",
    "DUNS": "DUNS",
    "Other": "Other",
}

# Whether Trust Hub accepts several regions of operation in `business_regions_of_operation`
# (comma-separated): Twilio's examples send one value, and several are UNCONFIRMED. The
# stricter reading, decided here alone: no. Validation then asks for one region
# (`one-region-of-operation`), and the sandbox refuses a list, as Twilio might.
SEVERAL_REGIONS_ACCEPTED: Final = False
REGIONS_SEPARATOR: Final = ","  # how several would be sent, were they accepted

REGIONS: Final = {
    "Africa": "AFRICA",
    "Asia": "ASIA",
    "Australia": "AUSTRALIA",
    "Europe": "EUROPE",
    "Latin America": "LATIN_AMERICA",
    "USA and Canada": "USA_AND_CANADA",
}

JOB_POSITIONS: Final = ("Director", "GM", "VP", "CEO", "CFO", "General Counsel", "Other")

COMPANY_TYPES: Final = ("public", "private", "non_profit", "government")

STOCK_EXCHANGES: Final = (
    "NONE", "NASDAQ", "NYSE", "AMEX", "AMX", "ASX", "B3", "BME", "BSE", "FRA", "ICEX", "JPX",
    "JSE", "KRX", "LON", "NSE", "OMX", "SEHK", "SGX", "SSE", "STO", "SWX", "SZSE", "TSX",
    "TWSE", "VSE", "OTHER",
)  # fmt: skip

TOLL_FREE_USE_CASES: Final = (
    "TWO_FACTOR_AUTHENTICATION", "ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE",
    "CHARITY_NONPROFIT", "DELIVERY_NOTIFICATIONS", "FRAUD_ALERT_MESSAGING", "EVENTS",
    "HIGHER_EDUCATION", "K12", "MARKETING", "POLLING_AND_VOTING_NON_POLITICAL",
    "POLITICAL_ELECTION_CAMPAIGNS", "PUBLIC_SERVICE_ANNOUNCEMENT", "SECURITY_ALERT",
)  # fmt: skip

TOLL_FREE_OPT_IN_TYPES: Final = ("VERBAL", "WEB_FORM", "PAPER_FORM", "VIA_TEXT", "MOBILE_QR_CODE")

TOLL_FREE_MESSAGE_VOLUMES: Final = (
    "10", "100", "1,000", "10,000", "100,000", "250,000", "500,000", "750,000", "1,000,000",
    "5,000,000", "10,000,000+",
)  # fmt: skip

# --- policies ----------------------------------------------------------------------------
# Twilio documents these as static across accounts (reference section 3). Those marked
# UNCONFIRMED come from a widely copied third-party list.

POLICY_PRIMARY_BUSINESS: Final = "RN6433641899984f951173ef1738c3bdd0"  # UNCONFIRMED
POLICY_SECONDARY_BUSINESS: Final = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
POLICY_PRIMARY_INDIVIDUAL: Final = "RNffcb02a20420c81caf596ffc44f69712"  # UNCONFIRMED
POLICY_STARTER: Final = "RN806dd6cd175f314e1f96a9727ee271f4"  # see sole_proprietor

TRUST_PRODUCT_POLICY: Final = {
    "a2p_messaging": "RNb0d4771c2c98518d916a3d4cd70a8f8b",
    "shaken_stir": "RN7a97559effdf62d00f4298208492a5ea",
    "cnam": "RNf3db3cd1fe25fcfd3c3ded065c8fea53",
    "voice_integrity": "RN5b3660f9598883b1df4e77f77acefba0",  # UNCONFIRMED
}

# The end-user type each trust product carries (None: the product has no end user).
TRUST_PRODUCT_END_USER_TYPE: Final[Mapping[str, str | None]] = {
    "a2p_messaging": "us_a2p_messaging_profile_information",
    "shaken_stir": None,
    "cnam": "cnam_information",
    "voice_integrity": "voice_integrity_information",
}

TRUST_PRODUCT_LABELS: Final = {
    "a2p_messaging": "A2P 10DLC messaging",
    "shaken_stir": "SHAKEN/STIR",
    "cnam": "CNAM",
    "voice_integrity": "Voice Integrity",
}


def profile_policy_sid(role: str, type_: str) -> str:
    if type_ == "individual" and role == "secondary":
        # A starter customer profile: the sole-proprietor path (`sole_proprietor`).
        return POLICY_STARTER
    if type_ == "individual":
        return POLICY_PRIMARY_INDIVIDUAL
    return POLICY_PRIMARY_BUSINESS if role == "primary" else POLICY_SECONDARY_BUSINESS


# --- profile spec -> Trust Hub end-user attributes ------------------------------------------


def business_information(business: Mapping[str, Any]) -> dict[str, str]:
    """Attributes of the `customer_profile_business_information` end user."""
    registration = business["registration"]
    attributes = {
        "business_name": business["legal_name"],
        "business_identity": BUSINESS_IDENTITY[business["identity"]],
        "business_type": business["type"],
        "business_industry": BUSINESS_INDUSTRY[business["industry"]],
        "business_registration_identifier": REGISTRATION_ID_TYPE[registration["type"]],
        "business_registration_number": registration["number"],
        # One value (validation refuses several, see SEVERAL_REGIONS_ACCEPTED).
        "business_regions_of_operation": REGIONS_SEPARATOR.join(
            REGIONS[r] for r in business["regions_of_operation"]
        ),
        "website_url": business["website"],
        "social_media_profile_urls": ",".join(business.get("social_media_profile_urls", [])),
    }
    if registration["type"] == "Other" and "other_type" in registration:
        # UNCONFIRMED attribute key for the name of an "Other" registration type.
        attributes["business_registration_identifier_other"] = registration["other_type"]
    return attributes


def representative(rep: Mapping[str, Any]) -> dict[str, str]:
    """Attributes of an `authorized_representative_N` end user."""
    return {
        "first_name": rep["first_name"],
        "last_name": rep["last_name"],
        "email": rep["email"],
        "phone_number": rep["phone"],
        "business_title": rep["business_title"],
        "job_position": rep["job_position"],
    }


def individual_information(person: Mapping[str, Any]) -> dict[str, str]:
    """Attributes of the `individual_customer_profile_information` end user (UNCONFIRMED)."""
    attributes = {
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "email": person["email"],
        "phone_number": person["phone"],
    }
    if "date_of_birth" in person:
        attributes["date_of_birth"] = person["date_of_birth"]
    return attributes


def address_params(address: Mapping[str, Any], customer_name: str) -> dict[str, str]:
    """Parameters of the API 2010 Address (snake_case as the SDK takes them)."""
    params = {
        "customer_name": customer_name,
        "street": address["street"],
        "city": address["city"],
        "region": address["region"],
        "postal_code": address["postal_code"],
        "iso_country": address["country"],
    }
    if address.get("street2"):
        params["street_secondary"] = address["street2"]
    return params


def trust_product_attributes(product: str, spec: Mapping[str, Any]) -> dict[str, str]:
    """Attributes of a trust product's end user (empty for products without one)."""
    if product == "a2p_messaging":
        attrs = {"company_type": spec["company_type"]}
        if spec["company_type"] == "public":
            attrs["stock_exchange"] = spec["stock_exchange"]
            attrs["stock_ticker"] = spec["stock_ticker"]
        if spec.get("brand_contact_email"):
            # The Authentication+ (2FA) recipient of a public company's brand (D.2, D.5).
            attrs["brand_contact_email"] = spec["brand_contact_email"]
        return attrs
    if product == "cnam":
        return {"cnam_display_name": spec["display_name"]}
    if product == "voice_integrity":
        attrs = {
            "use_case": spec["use_case"],
            "business_employee_count": str(spec["employee_count"]),
            "average_business_day_call_volume": str(spec["average_daily_call_volume"]),
        }
        if spec.get("notes"):
            attrs["notes"] = spec["notes"]
        return attrs
    return {}
