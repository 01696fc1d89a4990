"""A business profile names one region of operation.

Twilio's examples of the
`business_regions_of_operation` attribute send one value; whether the API accepts several
(comma-separated) is UNCONFIRMED, so trusthub takes the stricter reading
(`mapping.SEVERAL_REGIONS_ACCEPTED`, the one place that decides it) and asks for the region
where most of the business's customers are.

Fails::

    business:
      regions_of_operation: [USA and Canada, Europe]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model import mapping

ID: Final = "one-region-of-operation"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    regions = (doc.data.get("business") or {}).get("regions_of_operation")
    if mapping.SEVERAL_REGIONS_ACCEPTED or not isinstance(regions, list) or len(regions) < 2:
        return
    yield doc.problem(
        ("business", "regions_of_operation", 1),
        ID,
        "Twilio's API is documented with one region of operation; whether it accepts "
        "several is unconfirmed. Keep the region where most of the business's customers are "
        f"(e.g. [{regions[0]}])",
    )
