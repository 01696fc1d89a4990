"""Warning: two profiles show the same name in the Twilio console (their `friendly_name`,
else the legal business name, else the person's name), ignoring case and look-alike
characters. Reviewers and operators then cannot tell them apart; often one is a copy.

Warns::

    # profiles/acme.yaml                 # profiles/acme-eu.yaml
    business: {legal_name: Acme Inc.}    business: {legal_name: ACME Inc.}
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.names import skeleton

ID: Final = "unique-friendly-names"


def shown_name(doc: ProfileDoc) -> tuple[tuple[str, ...], str]:
    """(where it is written, the name the console shows) for a profile."""
    data = doc.data
    if "friendly_name" in data:
        return ("friendly_name",), data["friendly_name"]
    if "business" in data:
        return ("business", "legal_name"), data["business"]["legal_name"]
    person = data["individual"]
    return ("individual",), f"{person['first_name']} {person['last_name']}"


def check_all(docs: Sequence[ProfileDoc]) -> Iterator[Problem]:
    first: dict[str, ProfileDoc] = {}
    for doc in docs:
        path, name = shown_name(doc)
        other = first.setdefault(skeleton(name), doc)
        if other is not doc:
            yield doc.problem(
                path,
                ID,
                f"the console would show this profile under the same name as {other.name!r} "
                f"({other.path}); set a distinct friendly_name",
                severity="warning",
            )
