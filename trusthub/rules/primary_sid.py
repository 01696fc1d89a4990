"""A primary profile names its existing customer profile by SID (`sid: BU...`).

Twilio creates primary customer profiles only in the Twilio Console (the API answers 400
"restricted via API for Primary Customer Profiles"), so trusthub never creates one: it
adopts the bundle the Console made, by this SID, on every target alike. For a rehearsal on
the sandbox, `trusthub sandbox console create-primary FILE` plays the Console and prints the
SID to write here.

Fails::

    role: primary
    type: business        # and no `sid: BU...`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "primary-sid"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    if doc.data["role"] != "primary" or "sid" in doc.data:
        return
    yield doc.problem(
        ("role",),
        ID,
        "a primary profile is created in the Twilio Console; put its SID here as "
        "`sid: BU...`; for a rehearsal: `trusthub sandbox console create-primary "
        f"{doc.path}`",
    )
