"""Each trust product the profile asks for is one it can be granted, judged on the profile
as written (the same judgement the plan's eligibility report and the sandbox's reviewer
use; the requirements are declared once, in `trusthub.model.requirements`). Each problem
names Twilio's code and the fix:

* A2P 10DLC, SHAKEN/STIR, CNAM and Voice Integrity need a business profile;
* SHAKEN/STIR, CNAM and Voice Integrity need at least one phone number, a US business
  address (11003) and an authorized representative with a US (+1) phone (11002);
* CNAM and Voice Integrity need an EIN or DUNS registration, not a Canadian CBN or another
  authority (18609);
* CNAM covers US local numbers only, never toll-free or Canadian ones (11009): a
  toll-free or non-US number in its `numbers` is pointed at.

(Toll-free verification is not a trust product: see `toll_free_verifications` and the rule
tollfree-number.)

The problem is reported where the profile is wrong (`business.registration.type`,
`address.country`, the number), or at the product when nothing else fits.

Fails::

    type: business
    registration: {type: CBN, number: "123456782"}   # cnam needs an EIN or DUNS (18609)
    trust_products:
      cnam: {display_name: MAPLE LEAF}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model.requirements import requirement_findings

ID: Final = "trust-product-requirements"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for product in sorted(doc.data.get("trust_products", {})):
        for gap in requirement_findings(doc.data, product):
            if gap.path is None:
                yield doc.problem(("trust_products", product), ID, gap.text(), key=True)
            else:
                yield doc.problem(gap.path, ID, gap.text())
