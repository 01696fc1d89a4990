"""The CNAM display name (the caller name shown on calls) follows the carriers' rules: at
most 15 characters (checked by the schema), starting with a letter, using only letters,
digits, periods, commas and spaces. What CNAM needs from the profile (a business with an
EIN or DUNS, US numbers) is checked by trust-product-requirements.

Fails::

    cnam:
      display_name: "1st Dental!"   # starts with a digit; '!' is not allowed
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "cnam-display-name"

_ALLOWED: Final = re.compile(r"[A-Za-z0-9., ]*")


def check(doc: ProfileDoc) -> Iterator[Problem]:
    name = doc.data.get("trust_products", {}).get("cnam", {}).get("display_name")
    if not isinstance(name, str):
        return
    path = ("trust_products", "cnam", "display_name")
    if not ("A" <= name[:1].upper() <= "Z"):
        yield doc.problem(path, ID, "CNAM display name must start with a letter (A-Z)")
    bad = sorted({c for c in name if not _ALLOWED.fullmatch(c)})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        yield doc.problem(
            path,
            ID,
            f"CNAM display name may use only letters A-Z, digits, periods, commas and spaces; "
            f"remove {shown}",
        )
