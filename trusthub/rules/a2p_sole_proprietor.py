"""A sole-proprietor brand has one campaign, with the SOLE_PROPRIETOR use case, sent from
one number (with several, Twilio picks one at random; reference C); only a
sole-proprietor brand uses that use case; and a sole-proprietor brand stands on a starter
customer profile (an individual secondary), whose brand is always a sole-proprietor one.

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
from trusthub.model import sole_proprietor

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
    if a2p.get("brand") is None:
        return
    starter = sole_proprietor.is_starter(doc.data)
    if sole and not starter:
        yield doc.problem(
            ("trust_products", "a2p_messaging", "brand", "type"),
            ID,
            "a sole-proprietor brand is registered on a starter customer profile (type: "
            "individual, role: secondary under the ISV's primary); a business with a tax ID "
            "(an EIN, LLCs included) takes the standard path: use type: standard or "
            "low_volume_standard",
        )
    if starter and not sole:
        yield doc.problem(
            ("trust_products", "a2p_messaging", "brand", "type"),
            ID,
            "a starter customer profile registers a sole-proprietor brand; use type: "
            "sole_proprietor",
        )
