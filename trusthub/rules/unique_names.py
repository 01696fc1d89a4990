"""Profile names are unique in the workspace, ignoring case and look-alike characters
(Cyrillic `а` for Latin `a`, invisible spaces). The name is the profile's identity in state
and plans, so two files with one name would fight over one profile.

Fails::

    # profiles/acme.yaml
    name: acme
    # profiles/acme-copy.yaml
    name: acme          # the same name as profiles/acme.yaml
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.names import skeleton

ID: Final = "unique-names"


def check_all(docs: Sequence[ProfileDoc]) -> Iterator[Problem]:
    first: dict[str, ProfileDoc] = {}
    for doc in docs:
        other = first.setdefault(skeleton(doc.name), doc)
        if other is doc:
            continue
        how = "is also the name of" if other.name == doc.name else "looks the same as"
        yield doc.problem(
            ("name",),
            ID,
            f"profile name {doc.name!r} {how} {other.name!r} in {other.path}; "
            "give each profile its own name",
        )
