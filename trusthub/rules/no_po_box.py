"""A business profile's address is where the business is, not a PO box: Trust Hub rejects
PO boxes for business profiles. (Individual profiles may use one.)

Fails::

    address:
      street: P.O. Box 1234
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "no-po-box"

_PO_BOX: Final = re.compile(
    r"\b(?:p\.?\s*o\.?\s*box|post\s+office\s+box|p\.?\s*o\.?\s*b\.?\s*\d|g\.?p\.?o\.?\s+box"
    r"|postfach|apartado\s+postal|case\s+postale|bo[iî]te\s+postale)\b",
    re.IGNORECASE,
)


def check(doc: ProfileDoc) -> Iterator[Problem]:
    if doc.data["type"] != "business":
        return
    for field in ("street", "street2"):
        value = doc.data["address"].get(field)
        if isinstance(value, str) and _PO_BOX.search(value):
            yield doc.problem(
                ("address", field),
                ID,
                "a business address cannot be a PO box; give the street address where the "
                "business operates",
            )
