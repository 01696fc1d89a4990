"""A secondary profile's `primary` names a profile of this workspace that is a primary
business profile (an ISV's own profile; individual profiles cannot act as an ISV).

Fails::

    role: secondary
    primary: acme        # no profile is named acme (did you mean 'acme-isv'?)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "primary-reference"
# A profile named here whose file is broken gets no problem here (see trusthub.rules).
REFERENCES: Final = (("primary",),)


def check_all(docs: Sequence[ProfileDoc]) -> Iterator[Problem]:
    by_name: dict[str, ProfileDoc] = {}
    for doc in docs:
        by_name.setdefault(doc.name, doc)
    candidates = sorted(
        name
        for name, d in by_name.items()
        if d.data["role"] == "primary" and d.data["type"] == "business"
    )
    for doc in docs:
        if doc.data["role"] != "secondary":
            continue
        wanted = doc.data["primary"]
        target = by_name.get(wanted)
        if target is None:
            close = difflib.get_close_matches(wanted, candidates, n=1)
            hint = f"did you mean {close[0]!r}?" if close else _known(candidates)
            message = f"primary {wanted!r} is not a profile in this workspace; {hint}"
        elif target.data["role"] != "primary":
            message = (
                f"{wanted!r} ({target.path}) is a secondary profile; a secondary attaches to "
                f"a primary business profile ({_known(candidates)})"
            )
        elif target.data["type"] != "business":
            message = (
                f"{wanted!r} ({target.path}) is an individual profile; secondary profiles "
                f"attach to a primary business profile ({_known(candidates)})"
            )
        else:
            continue
        yield doc.problem(("primary",), ID, message)


def _known(candidates: Sequence[str]) -> str:
    if not candidates:
        return "the workspace has no primary business profile"
    return "primary business profiles: " + ", ".join(candidates)
