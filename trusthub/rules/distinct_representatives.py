"""The two authorized representatives are two different people: they differ in name and in
email address (compared ignoring case). Twilio may contact either to verify the business.

Fails::

    authorized_representatives:
      - {first_name: Dana, last_name: Whitfield, email: dana@acme.example.com, ...}
      - {first_name: Dana, last_name: Whitfield, email: compliance@acme.example.com, ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "distinct-representatives"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    reps = doc.data.get("authorized_representatives", [])
    if len(reps) < 2:
        return
    first, second = reps[0], reps[1]
    if _full_name(first) == _full_name(second):
        yield doc.problem(
            ("authorized_representatives", 1),
            ID,
            "authorized representative 2 has the same name as representative 1; name a "
            "second person, or remove the second entry",
        )
    if first["email"].casefold() == second["email"].casefold():
        yield doc.problem(
            ("authorized_representatives", 1, "email"),
            ID,
            "authorized representative 2 has the same email address as representative 1; "
            "each representative needs their own",
        )


def _full_name(rep: dict[str, str]) -> tuple[str, str]:
    return (
        " ".join(rep["first_name"].split()).casefold(),
        " ".join(rep["last_name"].split()).casefold(),
    )
