"""A trust product's explicit `numbers` are numbers of the profile: Trust Hub only lets a
number be assigned to a trust product once it is assigned to the profile itself.

Fails::

    phone_numbers: ["+14155550100"]
    trust_products:
      shaken_stir:
        numbers: ["+14155550199"]    # not in phone_numbers
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "trust-product-numbers"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    own = set(doc.data.get("phone_numbers", []))
    for product, spec in sorted(doc.data.get("trust_products", {}).items()):
        for index, number in enumerate(spec.get("numbers", [])):
            if number not in own:
                yield doc.problem(
                    ("trust_products", product, "numbers", index),
                    ID,
                    "this number is not in the profile's phone_numbers; add it there first "
                    "(a number must belong to the profile before a trust product can use it)",
                )
