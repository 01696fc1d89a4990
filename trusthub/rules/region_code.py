"""A US or Canadian address's region is the ISO 3166-2 subdivision code of its state,
district, territory or province, without the country prefix: `OR`, not `Oregon`, `or` or
`US-OR`; `ON`, not `Ontario`. Trust Hub checks US and Canadian addresses against these
codes. (Regions of other countries are free text.)

Fails::

    address:
      region: Oregon      # did you mean OR?
      country: US
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.address_data import SUBDIVISIONS

ID: Final = "region-code"


def suggestion(country: str, region: str) -> str | None:
    """The subdivision code `region` most likely means, or None."""
    codes = SUBDIVISIONS[country]
    text = " ".join(region.replace(".", " ").split())
    candidate = text.upper().removeprefix(f"{country}-").removeprefix(f"{country} ")
    letters = "".join(ch for ch in candidate if ch.isalpha())
    for code in (candidate, letters):
        if code in codes:
            return code
    by_name = {name.casefold(): code for code, name in codes.items()}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    close = difflib.get_close_matches(text.casefold(), list(by_name), n=1, cutoff=0.75)
    return by_name[close[0]] if close else None


def check(doc: ProfileDoc) -> Iterator[Problem]:
    address = doc.data["address"]
    country, region = address["country"], address["region"]
    codes = SUBDIVISIONS.get(country)
    if codes is None or region in codes:
        return
    label = "state" if country == "US" else "province"
    message = f"{region!r} is not a {country} {label} code (ISO 3166-2:{country})"
    fix = suggestion(country, region)
    if fix is not None:
        message += f"; did you mean {fix!r} ({codes[fix]})?"
    else:
        message += f"; write the 2-letter code, e.g. {next(iter(codes))}"
    yield doc.problem(("address", "region"), ID, message)
