"""No value is only whitespace: a name, title, email or any other text field of spaces
(or no-break spaces, ideographic spaces, line breaks) satisfies "not empty" but says
nothing, and Trust Hub refuses it at review.

Fails::

    authorized_representatives:
      - first_name: "   "
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.invisible_character import string_values, strings

ID: Final = "blank-value"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    if not any(value and value.isspace() for value in string_values(doc.data)):
        return  # the paths are walked for a profile that has a blank value only
    for path, value in strings(doc.data):
        if value and value.isspace():
            yield doc.problem(
                path, ID, "only whitespace: write the value, or remove the key if it is optional"
            )
