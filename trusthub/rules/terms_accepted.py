"""A profile that is to be submitted for review (`submit` is true, the default) has
`terms_of_service_accepted: true`. Keep `submit: false` to work on a draft first.

Fails::

    terms_of_service_accepted: false    # and no `submit: false`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "terms-accepted"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    if not doc.data.get("submit", True) or doc.data.get("terms_of_service_accepted") is True:
        return
    path: tuple[str, ...] = (
        ("terms_of_service_accepted",) if "terms_of_service_accepted" in doc.data else ()
    )
    yield doc.problem(
        path,
        ID,
        "terms_of_service_accepted must be true before the profile can be submitted; "
        "accept Twilio's terms, or set submit: false to keep it a draft",
    )
