"""What each trust product needs from the profile it hangs on, judged on the profile's spec
alone. Pure: used by validation (`trust-product-requirements`) and by the plan's
eligibility report, so the two can never disagree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import phonenumbers

VOICE_PRODUCTS = ("shaken_stir", "cnam", "voice_integrity")


@lru_cache(maxsize=65536)
def number_facts(e164: str) -> tuple[bool, str | None, bool]:
    """(valid, region code, toll-free) of an E.164 number; cached because phonenumbers'
    parse costs tens of microseconds and the same numbers are checked by several rules."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return (False, None, False)
    # number_type() is UNKNOWN exactly when is_valid_number() is False (both look up the
    # region and match the same patterns), so one call answers both: a third less work.
    kind = phonenumbers.number_type(parsed)
    valid = kind != phonenumbers.PhoneNumberType.UNKNOWN
    toll_free = kind == phonenumbers.PhoneNumberType.TOLL_FREE
    return (valid, phonenumbers.region_code_for_number(parsed), toll_free)


def product_numbers(profile: Mapping[str, Any], product: str) -> list[str]:
    """The numbers a trust product covers: its own `numbers`, or else every number of the
    profile that the product can use."""
    spec = profile.get("trust_products", {}).get(product, {})
    explicit: Sequence[str] | None = spec.get("numbers")
    if explicit is not None:
        return list(explicit)
    numbers: list[str] = list(profile.get("phone_numbers", []))
    if product == "cnam":
        return [n for n in numbers if _us_local(n)]
    return numbers


def _us_local(e164: str) -> bool:
    _valid, region, toll_free = number_facts(e164)
    return region == "US" and not toll_free


def requirement_gaps(profile: Mapping[str, Any], product: str) -> list[str]:
    """Why `profile`, as written, can never be granted `product` (empty when it can)."""
    gaps: list[str] = []
    business = profile.get("type") == "business"
    numbers = product_numbers(profile, product)
    if (product in VOICE_PRODUCTS or product == "a2p_messaging") and not business:
        gaps.append(f"{product} needs a business profile; this one is individual")
    if product in VOICE_PRODUCTS and not (numbers or profile.get("phone_numbers")):
        gaps.append(f"{product} needs at least one phone number on the profile")
    if product == "cnam":
        reg_type = profile.get("business", {}).get("registration", {}).get("type")
        if business and reg_type not in ("EIN", "DUNS"):
            gaps.append(f"cnam needs an EIN or DUNS registration; this profile has {reg_type}")
        if not any(_us_local(n) for n in numbers):
            gaps.append("cnam needs at least one US number that is not toll-free")
    return gaps
