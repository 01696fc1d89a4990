"""The Policies catalogue: each well-known policy SID (reference section 3) and what a
bundle under it must hold.

Where the reference marks a policy's requirements UNCONFIRMED (individual, direct starter,
government, nonprofit, starter A2P, toll-free, branded calling) the sandbox models the
closest documented policy and says so in the policy's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from trusthub.sandbox.entity_types import DOCUMENT_TYPE, END_USER_TYPE

BundleKind = Literal["customer_profile", "trust_product"]


@dataclass(frozen=True, slots=True)
class EndUserNeed:
    type: str
    optional: bool = False  # listed by the policy, but bundles pass without it


@dataclass(frozen=True, slots=True)
class DocumentNeed:
    name: str  # requirement_name
    label: str
    description: str
    accepted: tuple[str, ...]  # document types


@dataclass(frozen=True, slots=True)
class ProfileNeed:
    name: str  # requirement_name: primary_customer_profile or customer_profile
    label: str
    accepted: tuple[str, ...]  # customer-profile object types


@dataclass(frozen=True, slots=True)
class NumberNeed:
    """Phone numbers a trust product must cover. Not part of the policy JSON (the public
    policies do not list channel endpoints), but Trust Hub refuses such products without."""

    region: str | None = "US"
    toll_free: Literal["only", "exclude", "any"] = "any"


@dataclass(frozen=True, slots=True)
class Policy:
    sid: str
    label: str
    kind: BundleKind
    end_users: tuple[EndUserNeed, ...] = ()
    documents: tuple[DocumentNeed, ...] = ()
    profiles: tuple[ProfileNeed, ...] = ()
    numbers: NumberNeed | None = None
    object_type: str | None = None  # what a customer profile of this policy is, when assigned
    business: bool = False  # a business profile: no PO boxes, registration numbers checked


PRIMARY_BUSINESS: Final = "RN6433641899984f951173ef1738c3bdd0"
SECONDARY_BUSINESS: Final = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
STARTER: Final = "RN806dd6cd175f314e1f96a9727ee271f4"
DIRECT_STARTER: Final = "RN13dc4be8861a10924a79c35eaa4d812c"
PRIMARY_INDIVIDUAL: Final = "RNffcb02a20420c81caf596ffc44f69712"
PRIMARY_GOVERNMENT: Final = "RN92dc6c39189b4d5ad9c6664f39769f90"
SECONDARY_GOVERNMENT: Final = "RN074d26323ad8ca107761a5edf4191ba7"
PRIMARY_NONPROFIT: Final = "RN936f6140f1864391adca88df5d84cb6d"
SECONDARY_NONPROFIT: Final = "RNaf459d36b007ba6db226cd43a816cfa0"
A2P_MESSAGING: Final = "RNb0d4771c2c98518d916a3d4cd70a8f8b"
SOLE_PROPRIETOR: Final = "RN670d5d2e282a6130ae063b234b6019c8"
STARTER_A2P: Final = "RN63da8244384cf0401c39f5f91e674db5"
SHAKEN_STIR: Final = "RN7a97559effdf62d00f4298208492a5ea"
CNAM: Final = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"
VOICE_INTEGRITY: Final = "RN5b3660f9598883b1df4e77f77acefba0"
TOLL_FREE: Final = "RNa282dd7f3dbef8586501ca2e045e764c"
BRANDED_CALLING: Final = "RNca63d1066fbd5e44eac02d0b3cf6d019"

PRIMARY_BUSINESS_TYPES: Final = (
    "primary_customer_profile_type_business",
    "primary_customer_profile_type_government",
    "primary_customer_profile_type_nonprofit",
)
BUSINESS_PROFILE_TYPES: Final = (
    *PRIMARY_BUSINESS_TYPES,
    "secondary_customer_profile_type_business",
    "secondary_customer_profile_type_government",
    "secondary_customer_profile_type_nonprofit",
)
STARTER_TYPES: Final = (
    "starter_customer_profile_type_business",
    "starter_customer_profile_type_direct_long_tail",
)

_BUSINESS_USERS: Final = (
    EndUserNeed("customer_profile_business_information"),
    EndUserNeed("authorized_representative_1"),
    # Listed by the policy, but integrations pass with one representative (reference §3).
    EndUserNeed("authorized_representative_2", optional=True),
)
_ADDRESS: Final = DocumentNeed(
    "customer_profile_address",
    "Physical Business Address",
    "Customer Profile HQ Physical Address",
    ("customer_profile_address",),
)
_STARTER_ADDRESS: Final = DocumentNeed(
    "customer_profile_address",
    "Customer Profile Address",
    "Customer Profile Address",
    ("customer_profile_address", "starter_customer_profile_address"),
)
_PRIMARY: Final = ProfileNeed(
    "primary_customer_profile", "Primary Customer Profile Bundle", PRIMARY_BUSINESS_TYPES
)
_ANY_BUSINESS: Final = ProfileNeed("customer_profile", "Customer Profile", BUSINESS_PROFILE_TYPES)


def _business_profile(sid: str, label: str, object_type: str, *, secondary: bool) -> Policy:
    return Policy(
        sid,
        label,
        "customer_profile",
        end_users=_BUSINESS_USERS,
        documents=(_ADDRESS,),
        profiles=(_PRIMARY,) if secondary else (),
        object_type=object_type,
        business=True,
    )


POLICIES: Final[tuple[Policy, ...]] = (
    _business_profile(
        PRIMARY_BUSINESS,
        "Primary Customer Profile of type Business",
        "primary_customer_profile_type_business",
        secondary=False,
    ),
    _business_profile(
        SECONDARY_BUSINESS,
        "Secondary Customer Profile of type Business",
        "secondary_customer_profile_type_business",
        secondary=True,
    ),
    Policy(
        STARTER,
        "Starter Customer Profile of type Business",
        "customer_profile",
        end_users=(EndUserNeed("starter_customer_profile_information"),),
        documents=(_STARTER_ADDRESS,),
        profiles=(_PRIMARY,),
        object_type="starter_customer_profile_type_business",
    ),
    Policy(
        DIRECT_STARTER,
        "Starter Customer Profile, direct long tail (UNCONFIRMED requirements)",
        "customer_profile",
        end_users=(EndUserNeed("starter_customer_profile_information"),),
        documents=(_STARTER_ADDRESS,),
        object_type="starter_customer_profile_type_direct_long_tail",
    ),
    Policy(
        PRIMARY_INDIVIDUAL,
        "Primary Customer Profile of type Individual (UNCONFIRMED requirements)",
        "customer_profile",
        end_users=(EndUserNeed("individual_customer_profile_information"),),
        documents=(_ADDRESS,),
        object_type="primary_customer_profile_type_individual",
    ),
    _business_profile(
        PRIMARY_GOVERNMENT,
        "Primary Customer Profile of type Government (UNCONFIRMED requirements)",
        "primary_customer_profile_type_government",
        secondary=False,
    ),
    _business_profile(
        SECONDARY_GOVERNMENT,
        "Secondary Customer Profile of type Government (UNCONFIRMED requirements)",
        "secondary_customer_profile_type_government",
        secondary=True,
    ),
    _business_profile(
        PRIMARY_NONPROFIT,
        "Primary Customer Profile of type Nonprofit (UNCONFIRMED requirements)",
        "primary_customer_profile_type_nonprofit",
        secondary=False,
    ),
    _business_profile(
        SECONDARY_NONPROFIT,
        "Secondary Customer Profile of type Nonprofit (UNCONFIRMED requirements)",
        "secondary_customer_profile_type_nonprofit",
        secondary=True,
    ),
    Policy(
        A2P_MESSAGING,
        "A2P Messaging: Local - Business",
        "trust_product",
        end_users=(EndUserNeed("us_a2p_messaging_profile_information"),),
        profiles=(_ANY_BUSINESS,),
    ),
    Policy(
        SOLE_PROPRIETOR,
        "Sole Proprietor TrustProduct",
        "trust_product",
        end_users=(EndUserNeed("sole_proprietor_information"),),
        profiles=(ProfileNeed("customer_profile", "Starter Customer Profile", STARTER_TYPES),),
    ),
    Policy(
        STARTER_A2P,
        "Starter A2P Messaging, direct customers (UNCONFIRMED requirements)",
        "trust_product",
        end_users=(EndUserNeed("sole_proprietor_information"),),
        profiles=(ProfileNeed("customer_profile", "Starter Customer Profile", STARTER_TYPES[1:]),),
    ),
    Policy(
        SHAKEN_STIR,
        "SHAKEN/STIR Trust Product",
        "trust_product",
        profiles=(_ANY_BUSINESS,),
        numbers=NumberNeed(),
    ),
    Policy(
        CNAM,
        "CNAM Trust Product",
        "trust_product",
        end_users=(EndUserNeed("cnam_information"),),
        profiles=(_ANY_BUSINESS,),
        numbers=NumberNeed(toll_free="exclude"),
    ),
    Policy(
        VOICE_INTEGRITY,
        "Voice Integrity Trust Product",
        "trust_product",
        end_users=(EndUserNeed("voice_integrity_information"),),
        profiles=(_ANY_BUSINESS,),
        numbers=NumberNeed(),
    ),
    Policy(
        TOLL_FREE,
        "Toll-Free Verification (UNCONFIRMED requirements)",
        "trust_product",
        end_users=(EndUserNeed("toll_free_information"),),
        profiles=(
            ProfileNeed(
                "customer_profile",
                "Customer Profile",
                (
                    *BUSINESS_PROFILE_TYPES,
                    *STARTER_TYPES,
                    "primary_customer_profile_type_individual",
                ),
            ),
        ),
        numbers=NumberNeed(region=None, toll_free="only"),
    ),
    Policy(
        BRANDED_CALLING,
        "Branded Calling (UNCONFIRMED requirements)",
        "trust_product",
        profiles=(_ANY_BUSINESS,),
        numbers=NumberNeed(),
    ),
)

POLICY_BY_SID: Final[Mapping[str, Policy]] = {p.sid: p for p in POLICIES}


def requirements_json(policy: Policy) -> dict[str, object]:
    """The `requirements` object of a Policy, in the shape Trust Hub returns."""
    end_users = []
    for need in policy.end_users:
        t = END_USER_TYPE[need.type]
        end_users.append(
            {
                "url": f"/EndUserTypes/{t.machine_name}",
                "fields": [f.name for f in t.fields],
                "type": t.machine_name,
                "name": t.label,
                "requirement_name": t.machine_name,
            }
        )
    documents = [
        {
            "description": need.description,
            "type": "document",
            "name": need.label,
            "accepted_documents": [
                {
                    "url": f"/SupportingDocumentTypes/{name}",
                    "fields": [f.name for f in DOCUMENT_TYPE[name].fields],
                    "type": name,
                    "name": DOCUMENT_TYPE[name].label,
                }
                for name in need.accepted
            ],
            "requirement_name": need.name,
        }
        for need in policy.documents
    ]
    profiles = [
        {"type": object_type, "name": need.label, "requirement_name": need.name}
        for need in policy.profiles
        for object_type in need.accepted
    ]
    return {
        "end_user": end_users,
        "supporting_trust_products": [],
        "supporting_document": [documents],
        "supporting_customer_profiles": profiles,
    }
