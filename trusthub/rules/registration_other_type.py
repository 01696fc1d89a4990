"""A registration of type `Other` names its type in `other_type`; other types do not.

Fails::

    registration:
      type: Other
      number: "HRB 12345"       # error: add other_type, e.g. "German Handelsregister"

    registration:
      type: EIN
      number: "12-3456789"
      other_type: EIN           # warning: ignored unless type is Other
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "registration-other-type"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    registration = doc.data.get("business", {}).get("registration")
    if not registration:
        return
    path = ("business", "registration")
    if registration["type"] == "Other" and "other_type" not in registration:
        yield doc.problem(
            path,
            ID,
            "registration type Other needs other_type: the name of the registration "
            'type, e.g. other_type: "German Handelsregister"',
        )
    elif registration["type"] != "Other" and "other_type" in registration:
        yield doc.problem(
            (*path, "other_type"),
            ID,
            f"other_type is ignored unless type is Other (type is {registration['type']}); "
            "remove it",
            severity="warning",
            key=True,
        )
