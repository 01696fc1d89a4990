"""Every phone number is a real, dialable number (checked with libphonenumber's metadata):
the person's, each representative's, the profile's `phone_numbers` and any trust product's
`numbers`. The schema only checks the E.164 shape (`+` and up to 15 digits).

Fails::

    phone_numbers: ["+10005550100"]   # no North American area code starts with 0
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model.phone_facts import number_facts
from trusthub.rules.fields import phone_numbers

ID: Final = "phone-number-valid"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for path, number in phone_numbers(doc.data):
        valid, region, _toll_free = number_facts(number)
        if valid:
            continue
        reason = f"not a valid {region} number" if region else "no country has numbers like it"
        yield doc.problem(
            path, ID, f"not a valid phone number ({reason}); check the country code and digits"
        )
