"""What each trust product needs from the profile it hangs on, in one place: `NEEDS` declares
it per product (and whether apply evaluates the product before submitting it), the checks
below apply it. Pure: used by validation (`trust-product-requirements`,
`cnam-display-name`), by the plan's eligibility report (through `DesiredResource.gaps`) and
by the sandbox's reviewer, so the three can never disagree.

The checks work on `ProfileFacts` (what Twilio sees of a profile: its registration
identifier, address countries, representatives' phones), which validation builds from a
profile document (`profile_facts`) and the sandbox from its stored end users and addresses.
Each gap names Twilio's code (see `twilio_codes`) and what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from trusthub.model import mapping
from trusthub.model import twilio_codes as tc
from trusthub.model.phone_facts import number_facts

VOICE_PRODUCTS = ("shaken_stir", "cnam", "voice_integrity")

NumberRule = Literal["any", "us_local"]


@dataclass(frozen=True, slots=True)
class ProductNeeds:
    """What one trust product needs (Twilio's onboarding guides, sections F-H of the
    reference; the UNCONFIRMED readings are those of `twilio_codes`)."""

    business: bool = True  # a business profile (not an individual one)
    numbers: bool = False  # at least one number of the profile
    number_rule: NumberRule = "any"  # which numbers the product can cover
    number_code: int | None = None  # Twilio's code for a number it cannot cover
    registrations: tuple[str, ...] | None = None  # accepted registration identifiers
    us_address: bool = False  # 11003
    us_representative_phone: bool = False  # 11002
    evaluated: bool = True  # apply runs an Evaluation before submitting
    not_approved_code: int = tc.CNAM_PROFILE_NOT_APPROVED  # rejected when submitted early
    # Whether the product carries the profile's numbers (channel-endpoint assignments).
    # A2P's do not: its numbers go into each campaign's Messaging Service (reference D.8);
    # Twilio's guide never assigns them to the A2P trust product.
    channel_endpoints: bool = True


_EIN_OR_DUNS: Final = ("EIN", "DUNS")

NEEDS: Final[Mapping[str, ProductNeeds]] = {
    "a2p_messaging": ProductNeeds(channel_endpoints=False),
    # SHAKEN/STIR: no end user and no evaluation step in Twilio's guide; only the profile
    # and its numbers (channel-endpoint assignments on the profile and on the product).
    "shaken_stir": ProductNeeds(
        numbers=True, us_address=True, us_representative_phone=True, evaluated=False
    ),
    "cnam": ProductNeeds(
        numbers=True,
        number_rule="us_local",
        number_code=tc.CNAM_REQUIREMENTS,
        registrations=_EIN_OR_DUNS,
        us_address=True,
        us_representative_phone=True,
    ),
    "voice_integrity": ProductNeeds(
        numbers=True,
        registrations=_EIN_OR_DUNS,
        us_address=True,
        us_representative_phone=True,
        not_approved_code=tc.VI_PROFILE_NOT_APPROVED,
    ),
}


@dataclass(frozen=True, slots=True)
class Gap:
    """One reason a product can never be granted: Twilio's code (None when Twilio has no
    code for it), what is wrong, and where in the profile document (a JSON path relative
    to the document; None: the product's own key)."""

    code: int | None
    message: str
    path: tuple[str | int, ...] | None = None
    fix: str | None = None  # when it says more than the code's fix

    def text(self) -> str:
        """The gap for people: the message, Twilio's code and the fix."""
        known = tc.lookup(self.code)
        if known is None:
            return self.message
        return f"{self.message} (Twilio error {self.code}); fix: {self.fix or known.fix}"


@dataclass(frozen=True, slots=True)
class ProfileFacts:
    """What the requirements read of a customer profile."""

    business: bool
    registration: str | None  # Trust Hub's identifier: EIN, DUNS, CBN, ...
    countries: tuple[str, ...] = ()  # ISO countries of its addresses
    representative_phones: tuple[str, ...] = ()
    phone_numbers: tuple[str, ...] = field(default=())


def _us_local(e164: str) -> bool:
    _valid, region, toll_free = number_facts(e164)
    return region == "US" and not toll_free


def _us_phone(e164: str) -> bool:
    valid, region, _toll_free = number_facts(e164)
    return valid and region == "US"


def covers(product: str, e164: str) -> bool:
    """Whether `product` can cover the number."""
    rule = NEEDS[product].number_rule if product in NEEDS else "any"
    if rule == "us_local":
        return _us_local(e164)
    return True


def evaluated(product: str) -> bool:
    """Whether apply evaluates the product before submitting it."""
    return NEEDS[product].evaluated if product in NEEDS else True


def not_approved_code(product: str) -> int:
    return NEEDS[product].not_approved_code if product in NEEDS else tc.CNAM_PROFILE_NOT_APPROVED


def product_numbers(profile: Mapping[str, Any], product: str) -> list[str]:
    """The numbers a trust product covers: its own `numbers`, or else every number of the
    profile that the product can use."""
    spec = profile.get("trust_products", {}).get(product, {})
    if product in NEEDS and not NEEDS[product].channel_endpoints:
        return []
    explicit: Sequence[str] | None = spec.get("numbers")
    if explicit is not None:
        return list(explicit)
    return [n for n in profile.get("phone_numbers", []) if covers(product, n)]


def profile_facts(profile: Mapping[str, Any]) -> ProfileFacts:
    """The facts of a (schema-valid) profile document."""
    business = profile.get("business", {})
    label = business.get("registration", {}).get("type")
    address = profile.get("address", {})
    return ProfileFacts(
        business=profile.get("type") == "business",
        registration=mapping.REGISTRATION_ID_TYPE.get(label, label) if label else None,
        countries=(address["country"],) if "country" in address else (),
        representative_phones=tuple(
            str(r.get("phone", "")) for r in profile.get("authorized_representatives", [])
        ),
        phone_numbers=tuple(profile.get("phone_numbers", [])),
    )


def profile_gaps(product: str, facts: ProfileFacts) -> list[Gap]:
    """What the customer profile lacks for `product`."""
    needs = NEEDS.get(product)
    if needs is None:
        return []
    gaps: list[Gap] = []
    if needs.business and not facts.business:
        gaps.append(Gap(None, f"{product} needs a business profile; this one is individual"))
        return gaps
    if needs.registrations is not None and facts.registration not in needs.registrations:
        accepted = " or ".join(needs.registrations)
        gaps.append(
            Gap(
                tc.REGISTRATION_AUTHORITY,
                f"{product} needs an {accepted} registration; this profile has "
                f"{facts.registration}",
                ("business", "registration", "type"),
            )
        )
    if needs.us_address and facts.countries and any(c != "US" for c in facts.countries):
        shown = ", ".join(c for c in facts.countries if c != "US")
        gaps.append(
            Gap(
                tc.VOICE_ADDRESS,
                f"{product} needs a US business address; this profile's is in {shown}",
                ("address", "country"),
            )
        )
    phones = facts.representative_phones
    # An invalid phone is phone-number-valid's to report; 11002 is for valid non-US ones.
    if (
        needs.us_representative_phone
        and phones
        and all(number_facts(p)[0] for p in phones)
        and not any(_us_phone(p) for p in phones)
    ):
        gaps.append(
            Gap(
                tc.VOICE_REPRESENTATIVE_PHONE,
                f"{product} needs an authorized representative with a US (+1) phone number",
                ("authorized_representatives", 0, "phone"),
            )
        )
    return gaps


def number_gaps(product: str, numbers: Sequence[str], *, explicit: bool) -> list[Gap]:
    """What is wrong with the numbers `product` would cover (explicit: the product's own
    `numbers` list, whose entries are pointed at one by one)."""
    needs = NEEDS.get(product)
    if needs is None:
        return []
    gaps: list[Gap] = []
    if needs.number_rule == "us_local":
        for index, number in enumerate(numbers if explicit else ()):
            if not _us_local(number):
                what = "toll-free" if number_facts(number)[2] else "not a US number"
                gaps.append(
                    Gap(
                        needs.number_code,
                        f"{product} covers US local numbers only; this one is {what}",
                        ("trust_products", product, "numbers", index),
                    )
                )
        if not any(_us_local(n) for n in numbers):
            gaps.append(Gap(needs.number_code, f"{product} needs at least one US local number"))
    return gaps


# --- CNAM display names ------------------------------------------------------------------

CNAM_MAX_LENGTH: Final = 15
_CNAM_ALLOWED: Final = re.compile(r"[A-Za-z0-9., ]*")
# Names Twilio refuses as generic (11008): what a phone shows for unknown callers, and
# placeholders. Together with the US states (city names are not listed: too many).
CNAM_GENERIC: Final = frozenset(
    {
        "ANONYMOUS",
        "CALLER",
        "CELL PHONE",
        "NAME UNAVAILABLE",
        "NO CALLER ID",
        "PRIVATE",
        "PRIVATE CALLER",
        "RESTRICTED",
        "SPAM",
        "SCAM LIKELY",
        "TOLL FREE",
        "UNAVAILABLE",
        "UNKNOWN",
        "UNKNOWN CALLER",
        "WIRELESS CALLER",
    }
)
US_STATES: Final = frozenset(
    s.upper()
    for s in [
        "Alabama",
        "Alaska",
        "Arizona",
        "Arkansas",
        "California",
        "Colorado",
        "Connecticut",
        "Delaware",
        "Florida",
        "Georgia",
        "Hawaii",
        "Idaho",
        "Illinois",
        "Indiana",
        "Iowa",
        "Kansas",
        "Kentucky",
        "Louisiana",
        "Maine",
        "Maryland",
        "Massachusetts",
        "Michigan",
        "Minnesota",
        "Mississippi",
        "Missouri",
        "Montana",
        "Nebraska",
        "Nevada",
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
        "North Carolina",
        "North Dakota",
        "Ohio",
        "Oklahoma",
        "Oregon",
        "Pennsylvania",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "Tennessee",
        "Texas",
        "Utah",
        "Vermont",
        "Virginia",
        "Washington",
        "West Virginia",
        "Wisconsin",
        "Wyoming",
    ]
)


_NAME_FIX: Final = (
    "use the business's name in at most 15 letters, digits, periods, commas and spaces"
)


def display_name_gaps(name: str) -> list[Gap]:
    """Twilio's rules for a CNAM display name (the caller name shown on calls): at most 15
    characters, starting with a letter, only letters, digits, periods, commas and spaces
    (11009), and not a generic or state name (11008). The messages never quote the name."""
    gaps: list[Gap] = []
    if len(name) > CNAM_MAX_LENGTH:
        gaps.append(
            Gap(
                tc.CNAM_REQUIREMENTS,
                f"CNAM display name is longer than {CNAM_MAX_LENGTH}",
                fix=_NAME_FIX,
            )
        )
    if not ("A" <= name[:1].upper() <= "Z"):
        gaps.append(
            Gap(
                tc.CNAM_REQUIREMENTS,
                "CNAM display name must start with a letter (A-Z)",
                fix=_NAME_FIX,
            )
        )
    bad = sorted({c for c in name if not _CNAM_ALLOWED.fullmatch(c)})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        gaps.append(
            Gap(
                tc.CNAM_REQUIREMENTS,
                "CNAM display name may use only letters A-Z, digits, periods, commas and "
                f"spaces; remove {shown}",
                fix=_NAME_FIX,
            )
        )
    plain = " ".join(re.sub(r"[.,]", " ", name).upper().split())
    if plain in CNAM_GENERIC or plain in US_STATES:
        gaps.append(
            Gap(
                tc.CNAM_PROHIBITED,
                "CNAM display name is a generic or state name; use the business's own name",
            )
        )
    return gaps


def requirement_findings(profile: Mapping[str, Any], product: str) -> list[Gap]:
    """Why `profile`, as written, can never be granted `product` (empty when it can)."""
    needs = NEEDS.get(product)
    if needs is None:
        return []
    if product == "a2p_messaging" and profile.get("type") == "individual":
        if profile.get("role") == "secondary":
            return []  # a starter profile: the sole-proprietor trust product
        return [
            Gap(
                None,
                f"{product} needs a business profile or a starter profile (an individual "
                "secondary, the sole-proprietor path); this one is an individual primary",
            )
        ]
    facts = profile_facts(profile)
    gaps = profile_gaps(product, facts)
    spec = profile.get("trust_products", {}).get(product, {})
    numbers = product_numbers(profile, product)
    if needs.numbers and not (numbers or facts.phone_numbers):
        gaps.append(Gap(None, f"{product} needs at least one phone number on the profile"))
        return gaps
    gaps += number_gaps(product, numbers, explicit="numbers" in spec)
    return gaps


def requirement_gaps(profile: Mapping[str, Any], product: str) -> list[str]:
    """The findings as text for people (the plan's `never`, with Twilio's code and fix)."""
    return [g.text() for g in requirement_findings(profile, product)]
