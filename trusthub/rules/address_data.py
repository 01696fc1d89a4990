"""ISO 3166 data the address rules check against: country codes (from the iso3166
package), the ISO 3166-2 subdivisions of the US and Canada, and postal-code forms."""

from __future__ import annotations

import functools
import re
from typing import Final

# ISO 3166-2:US and ISO 3166-2:CA, code -> name.
SUBDIVISIONS: Final[dict[str, dict[str, str]]] = {
    "US": {
        "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
        "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
        "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
        "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
        "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
        "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
        "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
        "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
        "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
        "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
        "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
        "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
        "WI": "Wisconsin", "WY": "Wyoming", "AS": "American Samoa", "GU": "Guam",
        "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
        "UM": "United States Minor Outlying Islands", "VI": "Virgin Islands, U.S.",
    },
    "CA": {
        "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
        "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
        "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
        "SK": "Saskatchewan", "YT": "Yukon",
    },
}  # fmt: skip

# Codes that are not ISO 3166-1 alpha-2 but are often written for one that is.
COMMON_MISTAKES: Final = {"UK": "GB", "EL": "GR", "EN": "GB", "SP": "ES"}

_CA_LETTER: Final = "ABCEGHJ-NPRSTV-Z"
# Postal-code forms, per country: (pattern, how it looks).
POSTAL_FORMS: Final[dict[str, tuple[re.Pattern[str], str]]] = {
    "US": (re.compile(r"[0-9]{5}(?:-[0-9]{4})?"), "5 digits, or ZIP+4 as 12345-6789"),
    "CA": (
        re.compile(rf"[ABCEGHJ-NPRSTVXY][0-9][{_CA_LETTER}] [0-9][{_CA_LETTER}][0-9]"),
        "A1A 1A1: letter, digit, letter, a space, digit, letter, digit (e.g. K1A 0B1)",
    ),
    "GB": (
        re.compile(r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}"),
        "an outward code, a space and an inward code, in capitals (e.g. SW1A 1AA)",
    ),
    "AU": (re.compile(r"[0-9]{4}"), "4 digits"),
    "DE": (re.compile(r"[0-9]{5}"), "5 digits"),
    "FR": (re.compile(r"[0-9]{5}"), "5 digits"),
    "ES": (re.compile(r"[0-9]{5}"), "5 digits"),
    "IT": (re.compile(r"[0-9]{5}"), "5 digits"),
    "MX": (re.compile(r"[0-9]{5}"), "5 digits"),
    "IN": (re.compile(r"[1-9][0-9]{5}"), "6 digits, not starting with 0"),
    "IL": (re.compile(r"[0-9]{7}"), "7 digits"),
    "NL": (re.compile(r"[1-9][0-9]{3} [A-Z]{2}"), "4 digits, a space and 2 capitals (1011 AB)"),
    "BR": (re.compile(r"[0-9]{5}-[0-9]{3}"), "5 digits, a dash and 3 digits (01310-100)"),
    "JP": (re.compile(r"[0-9]{3}-[0-9]{4}"), "3 digits, a dash and 4 digits (100-0001)"),
    "IE": (re.compile(r"[A-Z][0-9][0-9W] [0-9A-Z]{4}"), "an Eircode like D02 X285"),
}


@functools.cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name."""
    import iso3166

    return {code: c.name for code, c in iso3166.countries_by_alpha2.items()}


# Names people write for the countries trusthub's users mostly have, beyond ISO's own.
_COUNTRY_NAMES: Final = {
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
}


def country_suggestion(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code `value` most likely means (`us`, `Canada`, `U.S.A.`)."""
    text = " ".join(value.replace(".", "").split())
    known = countries()
    if text.upper() in known:
        return COMMON_MISTAKES.get(text.upper(), text.upper())
    folded = text.casefold()
    if folded in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[folded]
    by_name = {name.casefold(): code for code, name in known.items()}
    return by_name.get(folded)
