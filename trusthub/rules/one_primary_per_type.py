"""A workspace holds at most one primary profile of each type: one primary business
profile and one primary individual profile.

A Twilio account has one primary customer profile, the one its secondary profiles attach
to, so the obvious rule would be "one primary per workspace". The example workspace shows
why it is one per *type*: it holds the ISV's primary business profile (`acme-isv`) and a
sole trader's individual profile (`jordan-rivera`). An individual profile can never be a
secondary (individual-profile), so it can only be written as a primary; forbidding a
second primary would make individual profiles impossible next to a business one. Two
primaries of the same type, though, are always a mistake: secondaries could attach to
either and the account can only have one.

Fails::

    # profiles/acme-isv.yaml        # profiles/acme-us.yaml
    role: primary                   role: primary
    type: business                  type: business
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "one-primary-per-type"


def check_all(docs: Sequence[ProfileDoc]) -> Iterator[Problem]:
    first: dict[str, ProfileDoc] = {}
    for doc in docs:
        if doc.data["role"] != "primary":
            continue
        kind = doc.data["type"]
        other = first.setdefault(kind, doc)
        if other is not doc:
            yield doc.problem(
                ("role",),
                ID,
                f"the workspace already has a primary {kind} profile, {other.name!r} "
                f"({other.path}); make this one secondary (primary: {other.name}) or remove it",
            )
