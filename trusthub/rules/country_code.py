"""The address's country is an ISO 3166-1 alpha-2 code that exists: `GB`, not `UK`
(reserved, never assigned); `GR`, not `EL`. The schema checks only that it is two capital
letters; Trust Hub refuses a code it does not know.

Fails::

    address:
      country: UK        # did you mean GB (United Kingdom)?
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.address_data import COMMON_MISTAKES, countries

ID: Final = "country-code"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    country = doc.data["address"]["country"]
    known = countries()
    if country in known:
        return
    message = f"{country!r} is not an ISO 3166-1 alpha-2 country code"
    fix = COMMON_MISTAKES.get(country)
    if fix is not None:
        message += f"; did you mean {fix!r} ({known[fix]})?"
    else:
        message += "; write the country's 2-letter code, e.g. US, CA, GB"
    yield doc.problem(("address", "country"), ID, message)
