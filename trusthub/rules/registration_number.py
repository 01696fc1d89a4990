"""The business registration number has the form its ID type requires.

| type | form | example |
|---|---|---|
| EIN | 2 digits, a dash, 7 digits | 12-3456789 |
| CBN | 9 digits with a valid check digit (Luhn) | 123456782 |
| UK Company Number | 8 digits, or 2 letters and 6 digits | 01234567, SC123456 |
| ACN | 9 digits (optionally grouped by 3) with a valid check digit | 004 085 616 |
| India CIN | 21 characters: L/U, 5 digits, state, year, type, 6 digits | L12345MH2010PLC123456 |
| VAT | country code and 2 to 13 letters or digits, no spaces | DE123456789 |
| Israel Registration Number | 9 digits | 516123456 |
| DUNS | 9 digits, optionally as 12-345-6789 | 081466849 |
| Other | anything (see registration-other-type) | |

Fails::

    registration:
      type: EIN
      number: "471234567"      # EIN must look like 12-3456789

Digits are the ASCII digits 0-9: a number written in full-width (８３-２７１６５４０),
Arabic-Indic or other digits is refused, with the hint to retype it.

The number itself is personal data and is never repeated in messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

from trusthub.common.characters import ascii_digits_hint
from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "registration-number-format"

_FORMS: Final[dict[str, tuple[re.Pattern[str], str]]] = {
    "EIN": (
        re.compile(r"[0-9]{2}-[0-9]{7}"),
        "EIN must look like 12-3456789 (2 digits, a dash, 7 digits)",
    ),
    "CBN": (
        re.compile(r"[0-9]{9}"),
        "CBN (Canadian business number) must be 9 digits, e.g. 123456782",
    ),
    "UK Company Number": (
        re.compile(r"[0-9]{8}|[A-Z]{2}[0-9]{6}|R[0-9]{7}"),
        (
            "UK company number must be 8 characters: 8 digits (01234567) or 2 capital letters "
            "and 6 digits (SC123456)"
        ),
    ),
    "ACN": (
        re.compile(r"[0-9]{3} ?[0-9]{3} ?[0-9]{3}"),
        "ACN (Australian company number) must be 9 digits, e.g. 004 085 616",
    ),
    "India CIN": (
        re.compile(r"[LU][0-9]{5}[A-Z]{2}[0-9]{4}[A-Z]{3}[0-9]{6}"),
        (
            "India CIN must be 21 characters like L12345MH2010PLC123456 (L or U, 5 digits, "
            "2-letter state, year, 3-letter company type, 6 digits)"
        ),
    ),
    "VAT": (
        re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}"),
        (
            "VAT number must be the 2-letter country code followed by 2 to 13 letters or digits, "
            "without spaces, e.g. DE123456789"
        ),
    ),
    "Israel Registration Number": (
        re.compile(r"[0-9]{9}"),
        "Israel registration number must be 9 digits, e.g. 516123456",
    ),
    "DUNS": (
        re.compile(r"[0-9]{9}|[0-9]{2}-[0-9]{3}-[0-9]{4}"),
        "DUNS must be 9 digits, e.g. 081466849",
    ),
}


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _acn_ok(digits: str) -> bool:
    weighted = sum(int(d) * w for d, w in zip(digits[:8], range(8, 0, -1), strict=True))
    return (10 - weighted % 10) % 10 == int(digits[8])


_CHECK_DIGITS: Final[dict[str, tuple[Callable[[str], bool], str]]] = {
    "CBN": (_luhn_ok, "CBN check digit does not match; look for a typo in the number"),
    "ACN": (_acn_ok, "ACN check digit does not match; look for a typo in the number"),
}


def check(doc: ProfileDoc) -> Iterator[Problem]:
    registration = doc.data.get("business", {}).get("registration")
    if not registration:
        return
    kind, number = registration["type"], registration["number"]
    path = ("business", "registration", "number")
    form = _FORMS.get(kind)
    if form is None:
        return
    pattern, message = form
    if not pattern.fullmatch(number):
        yield doc.problem(path, ID, message + ascii_digits_hint(number))
        return
    check_digit = _CHECK_DIGITS.get(kind)
    if check_digit is not None and not check_digit[0](number.replace(" ", "")):
        yield doc.problem(path, ID, check_digit[1])
