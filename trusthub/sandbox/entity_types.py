"""EndUserTypes and SupportingDocumentTypes: the attributes each type has, and the values
Trust Hub accepts for them (reference section 4).

Value lists are strict where the reference confirms them. Values the reference calls
UNCONFIRMED variants (business types `Limited Liability Partnership` and `Non-profit`) are
accepted, so a rehearsal does not fail on a guess that real Trust Hub may accept. The
industries the console lists but the API enum lacks (Construction, Professional Services)
are not: trusthub never sends them (`mapping.INDUSTRIES_NOT_ACCEPTED`), and the sandbox
refuses them as the documented enum does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from trusthub.model import mapping
from trusthub.sandbox.fields import Field
from trusthub.sandbox.sids import stable_sid

# --- value lists (reference section 4) -----------------------------------------------

BUSINESS_IDENTITIES: Final = ("direct_customer", "isv_reseller_or_partner", "unknown")
BUSINESS_TYPES: Final = (
    "Sole Proprietorship", "Partnership", "Limited Liability Corporation", "Co-operative",
    "Non-profit Corporation", "Corporation", "Limited Liability Partnership", "Non-profit",
)  # fmt: skip
INDUSTRIES: Final = (
    "AGRICULTURE", "AUTOMOTIVE", "BANKING", "CONSUMER", "EDUCATION", "ELECTRONICS", "ENERGY",
    "ENGINEERING", "FAST_MOVING_CONSUMER_GOODS", "FINANCIAL", "FINTECH", "FOOD_AND_BEVERAGE",
    "GOVERNMENT", "HEALTHCARE", "HOSPITALITY", "INSURANCE", "JEWELRY", "LEGAL",
    "MANUFACTURING", "MEDIA", "NOT_FOR_PROFIT", "OIL_AND_GAS", "ONLINE", "RAW_MATERIALS",
    "REAL_ESTATE", "RELIGION", "RETAIL", "TECHNOLOGY", "TELECOMMUNICATIONS", "TRANSPORTATION",
    "TRAVEL",
)  # fmt: skip
REGISTRATION_IDENTIFIERS: Final = (
    "EIN", "CBN", "CN", "ACN", "CIN", "VAT", "VATRN", "RN", "Other", "DUNS",
)  # fmt: skip
REGIONS: Final = ("AFRICA", "ASIA", "EUROPE", "LATIN_AMERICA", "USA_AND_CANADA", "AUSTRALIA")
COMPANY_TYPES: Final = ("public", "private", "non_profit", "government")
VERTICALS: Final = (
    "AGRICULTURE", "COMMUNICATION", "CONSTRUCTION", "EDUCATION", "ENERGY", "ENTERTAINMENT",
    "FINANCIAL", "GAMBLING", "GOVERNMENT", "HEALTHCARE", "HOSPITALITY", "HUMAN_RESOURCES",
    "INSURANCE", "LEGAL", "MANUFACTURING", "NGO", "POLITICAL", "POSTAL", "PROFESSIONAL",
    "REAL_ESTATE", "RETAIL", "TECHNOLOGY", "TRANSPORTATION",
)  # fmt: skip
# Twilio's own enum values, shared with the profile mapping: one list, not two.
JOB_POSITIONS: Final = mapping.JOB_POSITIONS
STOCK_EXCHANGES: Final = mapping.STOCK_EXCHANGES
TOLL_FREE_USE_CASES: Final = mapping.TOLL_FREE_USE_CASES
TOLL_FREE_OPT_IN_TYPES: Final = mapping.TOLL_FREE_OPT_IN_TYPES
TOLL_FREE_VOLUMES: Final = mapping.TOLL_FREE_MESSAGE_VOLUMES


# --- entity types --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityType:
    """An EndUserType or a SupportingDocumentType."""

    machine_name: str
    label: str
    fields: tuple[Field, ...]
    document: bool = False

    @property
    def sid(self) -> str:
        return stable_sid("OY", self.machine_name)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _person(phone: str = "phone_number") -> tuple[Field, ...]:
    return (
        Field("first_name", "First Name"),
        Field("last_name", "Last Name"),
        Field("email", "Email", "email"),
        Field(phone, "Phone Number", "phone"),
    )


def _representative(n: int, label: str) -> EntityType:
    return EntityType(
        f"authorized_representative_{n}",
        label,
        (
            *_person(),
            Field("business_title", "Business Title"),
            Field("job_position", "Job Position", "enum", JOB_POSITIONS),
        ),
    )


END_USER_TYPES: Final[tuple[EntityType, ...]] = (
    EntityType(
        "customer_profile_business_information",
        "Business Information",
        (
            Field("business_type", "Business Type", "enum", BUSINESS_TYPES),
            Field("business_registration_number", "Business Registration Number"),
            Field("business_name", "Business Name"),
            Field(
                "business_registration_identifier",
                "Business Registration ID Type",
                "enum",
                REGISTRATION_IDENTIFIERS,
            ),
            Field("business_identity", "Business Identity", "enum", BUSINESS_IDENTITIES),
            Field("business_industry", "Business Industry", "enum", INDUSTRIES),
            Field("website_url", "Website URL", "url"),
            Field("business_regions_of_operation", "Regions of Operation", "enum_list", REGIONS),
            Field("social_media_profile_urls", "Social Media Profile URLs", optional=True),
        ),
    ),
    _representative(1, "Authorized Representative one"),
    _representative(2, "Authorized Representative two"),
    EntityType(
        "individual_customer_profile_information",
        "Individual Information (UNCONFIRMED fields)",
        (*_person(), Field("date_of_birth", "Date of Birth", "date", optional=True)),
    ),
    EntityType("starter_customer_profile_information", "Starter Information", _person()),
    EntityType(
        "sole_proprietor_information",
        "Sole Proprietor Information",
        (
            Field("brand_name", "Brand Name"),
            Field("mobile_phone_number", "Mobile Phone Number", "phone"),
            Field("vertical", "Vertical", "enum", VERTICALS, optional=True),
        ),
    ),
    EntityType(
        "us_a2p_messaging_profile_information",
        "US A2P Messaging Profile Information",
        (
            Field("company_type", "Company Type", "enum", COMPANY_TYPES),
            Field(
                "stock_exchange",
                "Stock Exchange",
                "enum",
                STOCK_EXCHANGES,
                required_if=("company_type", "public"),
            ),
            Field("stock_ticker", "Stock Ticker", required_if=("company_type", "public")),
            Field("brand_contact_email", "Brand Contact Email", "email", optional=True),
        ),
    ),
    EntityType(
        "cnam_information",
        "CNAM Information",
        (Field("cnam_display_name", "CNAM Display Name", "cnam"),),
    ),
    EntityType(
        "voice_integrity_information",
        "Voice Integrity Information",
        (
            Field("use_case", "Use Case"),
            Field("business_employee_count", "Business Employee Count", "count"),
            Field("average_business_day_call_volume", "Average Business Day Call Volume", "count"),
            Field("notes", "Notes", optional=True),
        ),
    ),
    EntityType(
        "toll_free_information",
        "Toll-Free Information (UNCONFIRMED type)",
        (
            Field("use_case_categories", "Use Case Categories", "enum_list", TOLL_FREE_USE_CASES),
            Field("use_case_summary", "Use Case Summary"),
            Field("production_message_sample", "Production Message Sample"),
            Field("opt_in_type", "Opt-In Type", "enum", TOLL_FREE_OPT_IN_TYPES),
            Field("opt_in_image_urls", "Opt-In Image URLs"),
            Field("message_volume", "Message Volume", "enum", TOLL_FREE_VOLUMES),
        ),
    ),
    # Legacy regulatory types, still accepted by the API (reference section 4).
    EntityType(
        "individual",
        "Individual",
        (Field("first_name", "First Name"), Field("last_name", "Last Name")),
    ),
    EntityType("business", "Business", (Field("business_name", "Business Name"),)),
)

_ADDRESS_FIELDS: Final = (Field("address_sids", "Address sid(s)"),)

DOCUMENT_TYPES: Final[tuple[EntityType, ...]] = (
    EntityType("customer_profile_address", "Physical Business Address", _ADDRESS_FIELDS, True),
    EntityType("starter_customer_profile_address", "Starter Address", _ADDRESS_FIELDS, True),
)


END_USER_TYPE: Final[Mapping[str, EntityType]] = {t.machine_name: t for t in END_USER_TYPES}
DOCUMENT_TYPE: Final[Mapping[str, EntityType]] = {t.machine_name: t for t in DOCUMENT_TYPES}


def entity_type(machine_name: str) -> EntityType | None:
    return END_USER_TYPE.get(machine_name) or DOCUMENT_TYPE.get(machine_name)
