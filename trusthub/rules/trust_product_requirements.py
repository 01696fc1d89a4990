"""Each trust product the profile asks for is one it can be granted, judged on the profile
as written (the same judgement the plan's eligibility report uses):

* A2P 10DLC, SHAKEN/STIR, CNAM and Voice Integrity need a business profile;
* SHAKEN/STIR, CNAM and Voice Integrity need at least one phone number;
* CNAM needs an EIN or DUNS registration and a US number that is not toll-free.

(Toll-free verification is not a trust product: see `toll_free_verifications` and the rule
tollfree-number.)

Fails::

    type: business
    registration: {type: CBN, number: "123456782"}
    trust_products:
      cnam: {display_name: MAPLE LEAF}     # cnam needs an EIN or DUNS registration
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model.requirements import requirement_gaps

ID: Final = "trust-product-requirements"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for product in sorted(doc.data.get("trust_products", {})):
        for gap in requirement_gaps(doc.data, product):
            yield doc.problem(("trust_products", product), ID, gap, key=True)
