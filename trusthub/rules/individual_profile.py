"""An individual profile is always a primary profile. Trust Hub attaches secondary profiles
to an ISV's primary *business* profile, so an individual can neither be a secondary nor act
as an ISV's primary (see primary-reference), and business-only trust products are refused
(see trust-product-requirements).

Fails::

    role: secondary
    primary: acme-isv
    type: individual          # individual profiles cannot be secondary
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "individual-profile"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    if doc.data["type"] == "individual" and doc.data["role"] == "secondary":
        yield doc.problem(
            ("role",),
            ID,
            "an individual profile cannot be secondary: only business profiles are attached "
            "to an ISV's primary; use role: primary, or make it a business profile",
        )
