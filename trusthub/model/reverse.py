"""The inverse of `trusthub.model.mapping` (and of the objects apply makes from a profile):
what Trust Hub holds for a customer profile and its trust products, read back into the
profile document the YAML holds, with console labels. Pure.

One read side for `trusthub import` (which writes the document) and refresh's drift check
(which seals it, as apply seals a desired resource, and compares it with the recorded body).
A value the format cannot express is never dropped: it is written as Trust Hub holds it
(so `validate` points at it) or, when there is no place for it, listed in `unmapped` for
the import to report and to write as a comment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from trusthub.model import mapping
from trusthub.model.requirements import product_numbers

_IDENTITY: Final = {v: k for k, v in mapping.BUSINESS_IDENTITY.items()}
_INDUSTRY: Final = {v: k for k, v in mapping.BUSINESS_INDUSTRY.items()}
_REGISTRATION: Final = {v: k for k, v in mapping.REGISTRATION_ID_TYPE.items()}
_REGIONS: Final = {v: k for k, v in mapping.REGIONS.items()}
_PRODUCT_OF_POLICY: Final = {v: k for k, v in mapping.TRUST_PRODUCT_POLICY.items()}
# The order the examples in profiles/ write the trust products in.
PRODUCT_ORDER: Final = ("a2p_messaging", "shaken_stir", "cnam", "voice_integrity")

BUSINESS_INFORMATION: Final = "customer_profile_business_information"
INDIVIDUAL_INFORMATION: Final = "individual_customer_profile_information"
STARTER_INFORMATION: Final = "starter_customer_profile_information"
SOLE_PROPRIETOR_INFORMATION: Final = "sole_proprietor_information"
POLICY_SOLE_PROPRIETOR: Final = "RN670d5d2e282a6130ae063b234b6019c8"  # sole_proprietor
REPRESENTATIVE_PREFIX: Final = "authorized_representative_"
ADDRESS_DOCUMENT: Final = "customer_profile_address"

# Attribute keys of each end user that the format reads (anything else is unmapped).
_BUSINESS_KEYS: Final = frozenset(
    {
        "business_name",
        "business_identity",
        "business_type",
        "business_industry",
        "business_registration_identifier",
        "business_registration_number",
        "business_regions_of_operation",
        "website_url",
        "social_media_profile_urls",
        "business_registration_identifier_other",
    }
)
_REPRESENTATIVE_KEYS: Final = frozenset(
    {"first_name", "last_name", "email", "phone_number", "business_title", "job_position"}
)
_INDIVIDUAL_KEYS: Final = frozenset(
    {"first_name", "last_name", "email", "phone_number", "date_of_birth"}
)
_ADDRESS_KEYS: Final = frozenset(
    {"customer_name", "street", "street_secondary", "city", "region", "postal_code", "iso_country"}
)
_PRODUCT_KEYS: Final[Mapping[str, frozenset[str]]] = {
    "a2p_messaging": frozenset(
        {"company_type", "stock_exchange", "stock_ticker", "brand_contact_email"}
    ),
    "cnam": frozenset({"cnam_display_name"}),
    "voice_integrity": frozenset(
        {"use_case", "business_employee_count", "average_business_day_call_volume", "notes"}
    ),
}


@dataclass(frozen=True, slots=True)
class ObservedBundle:
    """A customer profile or trust product as Trust Hub holds it, read whole."""

    sid: str
    status: str
    policy_sid: str
    friendly_name: str
    email: str
    status_callback: str | None
    # (type, attributes) of every end user assigned to the bundle
    end_users: Sequence[tuple[str, Mapping[str, Any]]] = ()
    # params (as `mapping.address_params` names them) of the addresses that the bundle's
    # customer_profile_address documents name
    addresses: Sequence[Mapping[str, str]] = ()
    bundles: Sequence[str] = ()  # SIDs of assigned bundles (a secondary's primary)
    # assigned objects the format has no place for, described ("supporting document RD... of
    # type passport")
    others: Sequence[str] = ()
    numbers: Sequence[str] = ()  # E.164 of the assigned phone numbers
    unknown_numbers: Sequence[str] = ()  # assigned phone-number SIDs not in the account


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A value Trust Hub holds that the profile format cannot express as it stands."""

    path: tuple[str | int, ...]  # where in the document it belongs (or was written)
    value: Any
    why: str

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path) or "(profile)"


@dataclass
class ImportedProfile:
    document: dict[str, Any]
    unmapped: list[Unmapped] = field(default_factory=list)
    products: dict[str, str] = field(default_factory=dict)  # product -> its bundle SID


def product_of_policy(policy_sid: str) -> str | None:
    return _PRODUCT_OF_POLICY.get(policy_sid)


def role_and_type(policy_sid: str) -> tuple[str, str] | None:
    """(role, type) of a customer profile with this policy; None: not a profile policy."""
    for role, type_ in (("primary", "business"), ("secondary", "business")):
        if mapping.profile_policy_sid(role, type_) == policy_sid:
            return role, type_
    if policy_sid == mapping.POLICY_PRIMARY_INDIVIDUAL:
        return "primary", "individual"
    if policy_sid == mapping.POLICY_STARTER:
        return "secondary", "individual"  # a starter profile (the sole-proprietor path)
    return None


def _label(
    table: Mapping[str, str], value: Any, path: tuple[str | int, ...], out: ImportedProfile
) -> Any:
    if value in table:
        return table[value]
    out.unmapped.append(Unmapped(path, value, "not a value the console offers; written as is"))
    return value


def _split(value: Any) -> list[str]:
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


def _extra(
    attributes: Mapping[str, Any],
    known: frozenset[str],
    path: tuple[str | int, ...],
    what: str,
    out: ImportedProfile,
) -> None:
    for key in sorted(set(attributes) - known):
        out.unmapped.append(
            Unmapped(
                (*path, key),
                attributes[key],
                f"{what} attribute {key!r} has no place in the format",
            )
        )


def _business(attrs: Mapping[str, Any], out: ImportedProfile) -> dict[str, Any]:
    p: tuple[str | int, ...] = ("business",)
    registration: dict[str, Any] = {
        "type": _label(
            _REGISTRATION,
            attrs.get("business_registration_identifier"),
            (*p, "registration", "type"),
            out,
        ),
        "number": str(attrs.get("business_registration_number", "")),
    }
    if attrs.get("business_registration_identifier_other"):
        registration["other_type"] = str(attrs["business_registration_identifier_other"])
    business: dict[str, Any] = {
        "legal_name": str(attrs.get("business_name", "")),
        "identity": _label(_IDENTITY, attrs.get("business_identity"), (*p, "identity"), out),
        "type": attrs.get("business_type"),
        "industry": _label(_INDUSTRY, attrs.get("business_industry"), (*p, "industry"), out),
        "registration": registration,
        "regions_of_operation": [
            _label(_REGIONS, r, (*p, "regions_of_operation", i), out)
            for i, r in enumerate(_split(attrs.get("business_regions_of_operation")))
        ],
        "website": str(attrs.get("website_url", "")),
    }
    if business["type"] not in mapping.BUSINESS_TYPES:
        out.unmapped.append(
            Unmapped(
                (*p, "type"), business["type"], "not a value the console offers; written as is"
            )
        )
    social = _split(attrs.get("social_media_profile_urls"))
    if social:
        business["social_media_profile_urls"] = social
    _extra(attrs, _BUSINESS_KEYS, p, BUSINESS_INFORMATION, out)
    return business


def _representative(attrs: Mapping[str, Any], index: int, out: ImportedProfile) -> dict[str, Any]:
    _extra(
        attrs, _REPRESENTATIVE_KEYS, ("authorized_representatives", index), "representative", out
    )
    return {
        "first_name": str(attrs.get("first_name", "")),
        "last_name": str(attrs.get("last_name", "")),
        "email": str(attrs.get("email", "")),
        "phone": str(attrs.get("phone_number", "")),
        "business_title": str(attrs.get("business_title", "")),
        "job_position": str(attrs.get("job_position", "")),
    }


def _individual(attrs: Mapping[str, Any], out: ImportedProfile) -> dict[str, Any]:
    _extra(attrs, _INDIVIDUAL_KEYS, ("individual",), INDIVIDUAL_INFORMATION, out)
    person = {
        "first_name": str(attrs.get("first_name", "")),
        "last_name": str(attrs.get("last_name", "")),
        "email": str(attrs.get("email", "")),
        "phone": str(attrs.get("phone_number", "")),
    }
    if attrs.get("date_of_birth"):
        person["date_of_birth"] = str(attrs["date_of_birth"])
    return person


def _address(params: Mapping[str, str], out: ImportedProfile) -> dict[str, Any]:
    address = {"street": params.get("street", "")}
    if params.get("street_secondary"):
        address["street2"] = params["street_secondary"]
    address.update(
        city=params.get("city", ""),
        region=params.get("region", ""),
        postal_code=params.get("postal_code", ""),
        country=params.get("iso_country", ""),
    )
    _extra(params, _ADDRESS_KEYS, ("address",), "address", out)
    return address


def _customer_name(document: Mapping[str, Any]) -> str:
    if document["type"] == "individual":
        person = document.get("individual", {})
        return f"{person.get('first_name', '')} {person.get('last_name', '')}"
    return str(document.get("business", {}).get("legal_name", ""))


def _sole_proprietor_spec(attrs: Mapping[str, Any], out: ImportedProfile) -> dict[str, Any]:
    """A starter profile's A2P section, from its `sole_proprietor_information` end user."""
    path: tuple[str | int, ...] = ("trust_products", "a2p_messaging")
    _extra(attrs, frozenset({"brand_name", "mobile_phone_number", "vertical"}), path,
           "sole_proprietor_information end user", out)  # fmt: skip
    spec: dict[str, Any] = {"mobile_phone": attrs.get("mobile_phone_number")}
    if attrs.get("vertical"):
        spec["vertical"] = attrs["vertical"]
    # The brand name lives on this end user; a starter profile's brand is always a
    # sole-proprietor one (rule a2p-sole-proprietor), so it is written with it.
    spec["brand"] = {"type": "sole_proprietor", "name": attrs.get("brand_name")}
    return spec


def _product_spec(
    product: str, attrs: Mapping[str, Any], index: str, out: ImportedProfile
) -> dict[str, Any]:
    p: tuple[str | int, ...] = ("trust_products", index)
    _extra(attrs, _PRODUCT_KEYS.get(product, frozenset()), p, f"{product} end user", out)
    if product == "a2p_messaging":
        spec: dict[str, Any] = {"company_type": attrs.get("company_type")}
        for key in ("stock_exchange", "stock_ticker", "brand_contact_email"):
            if attrs.get(key):
                spec[key] = attrs[key]
        return spec
    if product == "cnam":
        return {"display_name": attrs.get("cnam_display_name")}
    if product == "voice_integrity":
        spec = {"use_case": attrs.get("use_case")}
        for yaml_key, api_key in (
            ("employee_count", "business_employee_count"),
            ("average_daily_call_volume", "average_business_day_call_volume"),
        ):
            raw = attrs.get(api_key)
            spec[yaml_key] = int(str(raw)) if str(raw).isdigit() else raw
        if attrs.get("notes"):
            spec["notes"] = attrs["notes"]
        return spec
    return {}


def _bundle_fields(b: ObservedBundle, document: dict[str, Any]) -> None:
    # The bundle's friendly name is the profile's `friendly_name`, or else its customer
    # name (`objects.bundle_friendly_name`): written only when it is not the default.
    if b.friendly_name != _customer_name(document)[:64]:
        document["friendly_name"] = b.friendly_name


def profile_document(
    b: ObservedBundle,
    *,
    name: str,
    primary_names: Mapping[str, str],
    products: Sequence[ObservedBundle] = (),
    with_sid: bool = True,
) -> ImportedProfile:
    """The profile document for customer profile `b` (and its trust products), named `name`.
    `primary_names`: bundle SID -> the workspace name of each primary profile known;
    `with_sid`: a primary names its bundle (`sid:`), the one the Console made."""
    out = ImportedProfile({})
    kind = role_and_type(b.policy_sid) or ("secondary", "business")
    if role_and_type(b.policy_sid) is None:
        out.unmapped.append(
            Unmapped(("role",), b.policy_sid, "not a customer profile policy trusthub knows")
        )
    role, type_ = kind
    users = dict(b.end_users)
    d: dict[str, Any] = out.document
    d.update(apiVersion="trusthub/v1", kind="CustomerProfile", name=name, role=role)
    if role == "primary" and with_sid:
        d["sid"] = b.sid
    if role == "secondary":
        primaries = [primary_names[s] for s in b.bundles if s in primary_names]
        if primaries:
            d["primary"] = primaries[0]
        else:
            out.unmapped.append(
                Unmapped(
                    ("primary",),
                    list(b.bundles),
                    "no primary profile of this workspace is assigned",
                )
            )
    d["type"] = type_
    if type_ == "individual":
        person = users.get(INDIVIDUAL_INFORMATION) or users.get(STARTER_INFORMATION, {})
        d["individual"] = _individual(person, out)
        known_users = {INDIVIDUAL_INFORMATION, STARTER_INFORMATION}
    else:
        d["business"] = _business(users.get(BUSINESS_INFORMATION, {}), out)
        known_users = {BUSINESS_INFORMATION}
    if not b.addresses:
        out.unmapped.append(Unmapped(("address",), None, "no address is assigned"))
    d["address"] = _address(b.addresses[0] if b.addresses else {}, out)
    for extra in b.addresses[1:]:
        out.unmapped.append(
            Unmapped(("address",), dict(extra), "a second address has no place in the format")
        )
    if type_ == "business":
        reps = sorted(
            (int(t[len(REPRESENTATIVE_PREFIX) :]), t)
            for t in users
            if t.startswith(REPRESENTATIVE_PREFIX) and t[len(REPRESENTATIVE_PREFIX) :].isdigit()
        )
        d["authorized_representatives"] = [
            _representative(users[t], i, out) for i, (_n, t) in enumerate(reps)
        ]
        known_users |= {t for _n, t in reps}
    for t in sorted(set(users) - known_users):
        out.unmapped.append(Unmapped((), t, f"end user of type {t!r} has no place in the format"))
    for other in b.others:
        out.unmapped.append(Unmapped((), other, "has no place in the format"))
    notifications = {"email": b.email}
    if b.status_callback:
        notifications["status_callback"] = b.status_callback
    d["notifications"] = notifications
    _bundle_fields(b, d)
    d["terms_of_service_accepted"] = True
    if b.status == "draft":
        d["submit"] = False
    if b.numbers:
        d["phone_numbers"] = sorted(b.numbers)
    for sid in b.unknown_numbers:
        out.unmapped.append(
            Unmapped(("phone_numbers",), sid, "an assigned number not in this account")
        )
    specs: dict[str, dict[str, Any]] = {}
    for product_bundle in products:
        product = product_of_policy(product_bundle.policy_sid)
        if product_bundle.policy_sid == POLICY_SOLE_PROPRIETOR:
            product = "a2p_messaging"  # a starter profile's A2P trust product
        if product is None or product in specs:
            out.unmapped.append(
                Unmapped(
                    ("trust_products",),
                    product_bundle.sid,
                    f"trust product with policy {product_bundle.policy_sid} has no place in "
                    "the format",
                )
            )
            continue
        sole = product_bundle.policy_sid == POLICY_SOLE_PROPRIETOR
        end_user_type = (
            SOLE_PROPRIETOR_INFORMATION if sole else mapping.TRUST_PRODUCT_END_USER_TYPE[product]
        )
        attrs = {}
        for t, a in product_bundle.end_users:
            if t == end_user_type:
                attrs = dict(a)
            else:
                out.unmapped.append(
                    Unmapped(
                        ("trust_products", product),
                        t,
                        f"end user of type {t!r} has no place in the format",
                    )
                )
        spec = (
            _sole_proprietor_spec(attrs, out)
            if sole
            else _product_spec(product, attrs, product, out)
        )
        # What apply would assign without a `numbers:` key (none for A2P, whose numbers go
        # into the campaigns' Messaging Services): anything else is written out.
        default = sorted(product_numbers({"phone_numbers": d.get("phone_numbers", [])}, product))
        if sorted(product_bundle.numbers) != default:
            spec["numbers"] = sorted(product_bundle.numbers)
        specs[product] = spec
        out.products[product] = product_bundle.sid
    if specs:
        d["trust_products"] = {p: specs[p] for p in PRODUCT_ORDER if p in specs}
    return out


def document_order(document: Mapping[str, Any]) -> list[str]:
    """The top-level keys in the order the examples in profiles/ write them."""
    order = (
        "apiVersion", "kind", "name", "role", "sid", "primary", "type", "friendly_name",
        "business", "individual", "address", "authorized_representatives", "notifications",
        "terms_of_service_accepted", "submit", "phone_numbers", "trust_products",
        "toll_free_verifications",
    )  # fmt: skip
    return [k for k in order if k in document] + [k for k in document if k not in order]


# --- A2P brands, campaigns and toll-free verifications ------------------------------------
# Read back from the messaging API (not Trust Hub bundles) into the profile's
# `trust_products.a2p_messaging.brand`, `...campaigns[]` and `toll_free_verifications[]`.


@dataclass(frozen=True, slots=True)
class ObservedBrand:
    """An A2P brand registration as Twilio holds it."""

    sid: str
    status: str
    brand_type: str  # STANDARD | SOLE_PROPRIETOR
    skip_automatic_sec_vet: bool | None
    mock: bool | None


@dataclass(frozen=True, slots=True)
class ObservedCampaign:
    """A campaign with the Messaging Service it is on; `fields` as the SDK names them."""

    sid: str
    status: str
    use_case: str
    service_sid: str
    service_name: str
    service_usecase: str | None
    fields: Mapping[str, Any]
    numbers: Sequence[str] = ()  # E.164 of the service's numbers
    unknown_numbers: Sequence[str] = ()  # the service's number SIDs not in the account


@dataclass(frozen=True, slots=True)
class ObservedVerification:
    """A toll-free verification; `fields` as the SDK names them."""

    sid: str
    status: str
    number: str | None  # E.164
    fields: Mapping[str, Any]


# A Messaging Service trusthub made is named `<profile>/messaging-service-<campaign> ...`
# (`apply.converge.object_name`); the campaign's name is read back from it.
_SERVICE_PREFIX: Final = re.compile(r"/messaging-service-([a-z0-9][a-z0-9-]*)")
CAMPAIGN_NAME_MAX: Final = 32


def campaign_name_of(service_name: str, taken: set[str]) -> str:
    """The declared name of the campaign on a Messaging Service named `service_name`.

    The rule (one place, README "Importing"): a service trusthub made gives back the name it
    was made for; any other service gives its friendly name as a campaign name (lower case
    ASCII letters, digits and dashes, at most 32), or `campaign` when nothing is left; a
    name already taken in the profile gets `-2`, `-3`..."""
    made = _SERVICE_PREFIX.search(service_name)
    if made:
        base = made.group(1)
    else:
        ascii_text = unicodedata.normalize("NFKD", service_name).encode("ascii", "ignore")
        base = re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")
    base = base[:CAMPAIGN_NAME_MAX].strip("-") or "campaign"
    name, n = base, 1
    while name in taken:
        n += 1
        suffix = f"-{n}"
        name = base[: CAMPAIGN_NAME_MAX - len(suffix)].rstrip("-") + suffix
    taken.add(name)
    return name


def brand_spec(
    b: ObservedBrand, earlier: Mapping[str, Any] | None, out: ImportedProfile
) -> dict[str, Any]:
    """The profile's `brand:` for registration `b` (`earlier`: what the starter profile's
    own end user gave, a sole proprietor's brand name)."""
    path: tuple[str | int, ...] = ("trust_products", "a2p_messaging", "brand")
    spec: dict[str, Any] = dict(earlier or {})
    if b.brand_type == "SOLE_PROPRIETOR":
        spec["type"] = "sole_proprietor"
    elif b.brand_type == "STANDARD":
        # Low-volume standard is a standard brand that skips the secondary vetting.
        spec["type"] = "low_volume_standard" if b.skip_automatic_sec_vet else "standard"
    else:
        spec["type"] = b.brand_type
        out.unmapped.append(
            Unmapped(
                (*path, "type"), b.brand_type, "not a brand type trusthub knows; written as is"
            )
        )
    if b.brand_type == "SOLE_PROPRIETOR" and b.skip_automatic_sec_vet:
        spec["skip_automatic_sec_vet"] = True
    if b.mock:
        spec["mock"] = True
    return {"type": spec.pop("type"), **spec}


def _keyword_section(
    fields: Mapping[str, Any], which: str, path: tuple[str | int, ...], out: ImportedProfile
) -> dict[str, Any] | None:
    keywords = [str(k) for k in fields.get(f"{which}_keywords") or []]
    message = fields.get(f"{which}_message")
    if not keywords and not message:
        return None
    section: dict[str, Any] = {}
    if keywords:
        section["keywords"] = keywords
    if message:
        section["message"] = str(message)
    if not keywords or not message:  # the format asks for both: validate points at it
        out.unmapped.append(
            Unmapped(
                (*path, which),
                section,
                f"Trust Hub holds {which} keywords or a "
                f"{which} message without the other; written as is",
            )
        )
    return section


def campaign_spec(
    c: ObservedCampaign, name: str, index: int, out: ImportedProfile
) -> dict[str, Any]:
    """The profile's `campaigns[index]` for campaign `c`, declared as `name`."""
    from trusthub.model.kinds import a2p_campaign, messaging_service

    path: tuple[str | int, ...] = ("trust_products", "a2p_messaging", "campaigns", index)
    f = c.fields
    spec: dict[str, Any] = {"name": name, "use_case": c.use_case}
    if c.use_case not in a2p_campaign.USE_CASES:
        out.unmapped.append(
            Unmapped(
                (*path, "use_case"), c.use_case, "not a use case trusthub knows; written as is"
            )
        )
    for key in ("description", "message_flow"):
        if f.get(key) is None:
            out.unmapped.append(Unmapped((*path, key), None, f"Trust Hub holds no {key}"))
        else:
            spec[key] = str(f[key])
    spec["message_samples"] = [str(s) for s in f.get("message_samples") or []]
    for which, key in (("opt_in", "opt_in"), ("opt_out", "opt_out"), ("help", "help")):
        section = _keyword_section(f, which, path, out)
        if section is not None:
            spec[key] = section
    spec["has_embedded_links"] = bool(f.get("has_embedded_links"))
    spec["has_embedded_phone"] = bool(f.get("has_embedded_phone"))
    # Written only where they differ from what the format assumes without them.
    if f.get("subscriber_opt_in") is False:
        spec["subscriber_opt_in"] = False
    for flag in ("age_gated", "direct_lending"):
        if f.get(flag):
            spec[flag] = True
    for key, api_key in (
        ("privacy_policy_url", "privacy_policy_url"),
        ("terms_url", "terms_and_conditions_url"),
    ):
        if f.get(api_key):
            spec[key] = str(f[api_key])
        else:
            out.unmapped.append(Unmapped((*path, key), None, f"Trust Hub holds no {api_key}"))
    spec["numbers"] = sorted(c.numbers)
    if not c.numbers:
        out.unmapped.append(
            Unmapped(
                (*path, "numbers"),
                [],
                f"its Messaging Service {c.service_sid} holds no number of this account",
            )
        )
    for sid in c.unknown_numbers:
        out.unmapped.append(
            Unmapped(
                (*path, "numbers"), sid, "a number of its Messaging Service not in this account"
            )
        )
    if f.get("mock"):
        out.unmapped.append(
            Unmapped(path, {"mock": True}, "a mock campaign has no place in the format")
        )
    expected = messaging_service.service_usecase(c.use_case)
    if c.service_usecase and c.service_usecase != expected:
        out.unmapped.append(
            Unmapped(
                path,
                {"usecase": c.service_usecase},
                f"its Messaging Service "
                f"{c.service_sid} has use case {c.service_usecase!r}; the format gives "
                f"{expected!r} to a {c.use_case} campaign (apply changes it only when the "
                "campaign's use case changes)",
            )
        )
    return spec


# The verification's fields -> the profile's keys, for those written as they are.
_VERIFICATION_KEYS: Final = (
    ("use_case_categories", "use_case_categories"),
    ("use_case_summary", "use_case_summary"),
    ("message_sample", "production_message_sample"),
    ("opt_in_type", "opt_in_type"),
    ("opt_in_image_urls", "opt_in_image_urls"),
    ("message_volume", "message_volume"),
)


def verification_spec(
    v: ObservedVerification,
    document: Mapping[str, Any],
    name: str | None,
    index: int,
    out: ImportedProfile,
) -> dict[str, Any]:
    """The profile's `toll_free_verifications[index]` for verification `v`, in the profile
    `document` imported so far (what a verification takes from its profile is written only
    where Twilio holds something else); `name`: given when the default one is taken."""
    from trusthub.model.kinds import tollfree_verification as tfv

    path: tuple[str | int, ...] = ("toll_free_verifications", index)
    f = v.fields
    spec: dict[str, Any] = {"number": v.number}
    if v.number is None:
        out.unmapped.append(
            Unmapped(
                (*path, "number"),
                f.get("tollfree_phone_number_sid"),
                "its toll-free number is not in this account",
            )
        )
    if name is not None:
        spec["name"] = name
    for key, api_key in (
        ("business_name", "business_name"),
        ("business_website", "business_website"),
        ("notification_email", "notification_email"),
    ):
        spec[key] = f.get(api_key)
    for key, api_key in _VERIFICATION_KEYS:
        value = f.get(api_key)
        spec[key] = list(value) if isinstance(value, list | tuple) else value
    if not f.get("customer_profile_sid"):
        spec["customer_profile"] = False
    # What the profile gives a verification by default is left out.
    # (as `tfv.attributes` derives them)
    business = document.get("business") or {}
    person = document.get("individual") or {}
    defaults = {
        "business_name": business.get("legal_name")
        or f"{person.get('first_name', '')} {person.get('last_name', '')}".strip(),
        "business_website": business.get("website") or "",
        "notification_email": (document.get("notifications") or {}).get("email"),
    }
    for key, default in defaults.items():
        if spec[key] in (None, "", default):
            del spec[key]
    for key, value in tfv.registration(document).items():
        held = f.get(key)
        if held is not None and held != value:
            out.unmapped.append(
                Unmapped(
                    path,
                    {key: held},
                    f"the format derives {key} from the profile "
                    f"({value!r}); Trust Hub holds another",
                )
            )
    if f.get("age_gated_content"):
        out.unmapped.append(
            Unmapped(path, {"age_gated_content": True}, "has no place in the format")
        )
    if f.get("opt_in_keywords"):
        out.unmapped.append(
            Unmapped(path, {"opt_in_keywords": f["opt_in_keywords"]}, "has no place in the format")
        )
    return {k: v for k, v in spec.items() if v is not None or k == "number"}


def brand_name_from_samples(campaigns: Sequence[Mapping[str, Any]]) -> str | None:
    """The brand name the campaigns' samples use, when every sample starts with the same
    `Name:` (Twilio keeps no brand name: TCR reads it off the samples); else None."""
    names = set()
    for c in campaigns:
        for sample in c.get("message_samples") or []:
            head, colon, _ = str(sample).partition(":")
            if not colon or not 2 <= len(head.strip()) <= 100:
                return None
            names.add(head.strip())
    return names.pop() if len(names) == 1 else None
