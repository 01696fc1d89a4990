"""Warning: the industry is one the Twilio console lists but whose Trust Hub API value is
not confirmed (`mapping.UNCONFIRMED_INDUSTRIES`: Construction, Professional Services). The
profile may be rejected; if it is, choose the closest confirmed industry.

Warns::

    business:
      industry: Construction
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model import mapping

ID: Final = "unconfirmed-industry"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    industry = doc.data.get("business", {}).get("industry")
    if industry in mapping.UNCONFIRMED_INDUSTRIES:
        yield doc.problem(
            ("business", "industry"),
            ID,
            f"industry {industry!r} is sent as {mapping.BUSINESS_INDUSTRY[industry]}, a value "
            "Twilio has not confirmed; if the profile is rejected, choose the closest "
            "confirmed industry",
            severity="warning",
        )
