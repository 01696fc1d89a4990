"""Warning: a primary business profile that secondary profiles attach to acts as an ISV, and
Trust Hub expects an ISV's primary profile to have the identity `ISV Reseller or Partner`.

Warns::

    # profiles/acme.yaml (primary of brightsmile-dental)
    business:
      identity: Direct Customer
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "isv-primary-identity"

ISV: Final = "ISV Reseller or Partner"


def check_all(docs: Sequence[ProfileDoc]) -> Iterator[Problem]:
    secondaries = Counter(d.data["primary"] for d in docs if d.data["role"] == "secondary")
    for doc in docs:
        data = doc.data
        count = secondaries.get(doc.name, 0)
        acts_as_isv = count and data["role"] == "primary" and data["type"] == "business"
        if acts_as_isv and data["business"]["identity"] != ISV:
            yield doc.problem(
                ("business", "identity"),
                ID,
                f"{count} secondary profile{'s attach' if count > 1 else ' attaches'} to "
                f"this profile, so it acts as an ISV; its identity should be {ISV!r}",
                severity="warning",
            )
