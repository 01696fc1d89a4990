"""The CNAM display name (the caller name shown on calls) follows Twilio's rules, declared
in `trusthub.model.requirements` and shared with the sandbox's reviewer: at most 15
characters (checked by the schema), starting with a letter, using only letters, digits,
periods, commas and spaces (Twilio error 11009), and not a generic name ("UNKNOWN CALLER",
"WIRELESS CALLER", "PRIVATE", ...) or a US state's name (11008). What CNAM needs from the
profile (a business with an EIN or DUNS, US local numbers) is checked by
trust-product-requirements.

Fails::

    cnam:
      display_name: "1st Dental!"   # starts with a digit; '!' is not allowed
    cnam:
      display_name: WIRELESS CALLER   # generic
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model.requirements import display_name_gaps

ID: Final = "cnam-display-name"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    name = doc.data.get("trust_products", {}).get("cnam", {}).get("display_name")
    if not isinstance(name, str):
        return
    path = ("trust_products", "cnam", "display_name")
    for gap in display_name_gaps(name):
        yield doc.problem(path, ID, gap.text())
