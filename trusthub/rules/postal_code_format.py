"""The postal code has the form its country uses, so that it can be right: US ZIP codes
are 5 digits or ZIP+4 (12345-6789); Canadian ones A1A 1A1; British ones like SW1A 1AA;
and so on for AU, DE, FR, ES, IT, MX, IN, IL, NL, BR, JP and IE. Digits are 0-9 only.
Other countries' codes are not checked.

Fails::

    address:
      postal_code: "7870"     # a US ZIP code has 5 digits
      country: US

The code is personal data and is never repeated in messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.common.characters import ascii_digits_hint
from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.address_data import POSTAL_FORMS

ID: Final = "postal-code-format"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    address = doc.data["address"]
    country, code = address["country"], address["postal_code"]
    form = POSTAL_FORMS.get(country)
    if form is None or form[0].fullmatch(code):
        return
    pattern, looks = form
    message = f"not a {country} postal code: it must be {looks}"
    if pattern.fullmatch(code.upper()):
        message += "; write the letters in capitals"
    yield doc.problem(("address", "postal_code"), ID, message + ascii_digits_hint(code))
