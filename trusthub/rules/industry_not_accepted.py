"""The industry is one Trust Hub's API accepts (not Construction or Professional Services).

The Twilio console lists those two (`mapping.INDUSTRIES_NOT_ACCEPTED`), but the API's
`business_industry` enum, as Twilio documents it for secondary profiles and in error
30701, has no value for them; sending a guess would fail at create or be rejected in
review. The message suggests the closest industries the API accepts.

Refuses::

    business:
      industry: Construction
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model import mapping

ID: Final = "industry-not-accepted"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    industry = doc.data.get("business", {}).get("industry")
    closest = mapping.INDUSTRIES_NOT_ACCEPTED.get(industry) if isinstance(industry, str) else None
    if closest is not None:
        yield doc.problem(
            ("business", "industry"),
            ID,
            f"industry {industry!r} is listed by Twilio's console, but Trust Hub's API has no "
            f"value for it; choose the closest industry the API accepts: " + ", ".join(closest),
        )
