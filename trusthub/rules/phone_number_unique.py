"""A phone number belongs to at most one profile: Trust Hub assigns a number to one
customer profile, so listing it in two `phone_numbers` would move it back and forth.

Fails::

    # profiles/acme.yaml                     # profiles/brightsmile.yaml
    phone_numbers: ["+14155550100"]          phone_numbers: ["+14155550100"]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "phone-number-unique"


def check_all(docs: Sequence[ProfileDoc]) -> Iterator[Problem]:
    owner: dict[str, ProfileDoc] = {}
    for doc in docs:
        for index, number in enumerate(doc.data.get("phone_numbers", [])):
            other = owner.setdefault(number, doc)
            if other is not doc:
                yield doc.problem(
                    ("phone_numbers", index),
                    ID,
                    f"this number already belongs to profile {other.name!r} ({other.path}); "
                    "a number can be assigned to one profile only",
                )
