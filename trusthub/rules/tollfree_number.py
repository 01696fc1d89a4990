"""Each toll-free verification names a toll-free number of the profile, once: Twilio
verifies toll-free numbers only (a local number is registered through A2P 10DLC), the
number must be in the account, which for trusthub means in the profile's `phone_numbers`,
and a number has one verification. Two verifications of a profile whose numbers end in the
same four digits need a `name:` each.

Fails::

    phone_numbers: ["+15125550140"]
    toll_free_verifications:
      - number: "+15125550140"     # not toll-free
      - number: "+18885550199"     # not in phone_numbers
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model.kinds.tollfree_verification import verifications
from trusthub.model.phone_facts import number_facts

ID: Final = "tollfree-number"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    own = set(doc.data.get("phone_numbers", []))
    seen_numbers: set[str] = set()
    seen_names: set[str] = set()
    for index, (name, spec) in enumerate(verifications(doc.data)):
        number = spec.get("number")
        path = ("toll_free_verifications", index, "number")
        if not isinstance(number, str):
            continue
        valid, _region, toll_free = number_facts(number)
        if valid and not toll_free:
            yield doc.problem(
                path,
                ID,
                "this number is not toll-free: toll-free verification is for toll-free "
                "numbers only (register local numbers through A2P 10DLC)",
            )
        if number not in own:
            yield doc.problem(
                path, ID, "this number is not in the profile's phone_numbers; add it there"
            )
        if number in seen_numbers:
            yield doc.problem(path, ID, "this number already has a verification above")
        elif name in seen_names:
            yield doc.problem(
                ("toll_free_verifications", index),
                ID,
                f"another verification of this profile is named {name}: give this one a "
                "`name: tollfree-...`",
            )
        seen_numbers.add(number)
        seen_names.add(name)
