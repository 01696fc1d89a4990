"""A sole-proprietor brand has one campaign, with the SOLE_PROPRIETOR use case, sent from
one number (with several, Twilio picks one at random; reference C); and only a
sole-proprietor brand uses that use case.

Fails::

    brand: {type: sole_proprietor}
    campaigns:
      - {name: updates, use_case: SOLE_PROPRIETOR, numbers: ["+12065550101", "+12065550102"]}
      - {name: more, use_case: SOLE_PROPRIETOR, ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "a2p-sole-proprietor"
USE_CASE: Final = "SOLE_PROPRIETOR"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    a2p = (doc.data.get("trust_products") or {}).get("a2p_messaging") or {}
    sole = (a2p.get("brand") or {}).get("type") == "sole_proprietor"
    campaigns = a2p.get("campaigns") or []
    base = ("trust_products", "a2p_messaging", "campaigns")
    for index, campaign in enumerate(campaigns):
        path = (*base, index)
        use_case = campaign.get("use_case")
        if sole and index > 0:
            yield doc.problem(
                path, ID, "a sole-proprietor brand has one campaign only; remove this one"
            )
        if sole and use_case != USE_CASE:
            yield doc.problem(
                (*path, "use_case"),
                ID,
                f"a sole-proprietor brand's campaign has the use case {USE_CASE}; set it",
            )
        if not sole and use_case == USE_CASE:
            yield doc.problem(
                (*path, "use_case"),
                ID,
                f"{USE_CASE} is for sole-proprietor brands only; choose the use case that "
                "describes the messages (e.g. ACCOUNT_NOTIFICATION, MIXED)",
            )
        numbers = campaign.get("numbers") or []
        if sole and len(numbers) > 1:
            yield doc.problem(
                (*path, "numbers", 1),
                ID,
                "a sole-proprietor campaign is sent from one number; keep only one",
            )
