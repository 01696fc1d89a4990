"""A date of birth is a real calendar date in the past: the schema checks only the form
YYYY-MM-DD, and Trust Hub refuses at submission a date that cannot exist (February 30th,
month 13, day 00) or one in the future.

Fails::

    individual:
      date_of_birth: "1988-02-30"   # February has no 30th

The date is personal data and is never repeated in messages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "date-of-birth-valid"


def date_issue(text: str, today: datetime.date) -> str | None:
    """Why `text` (YYYY-MM-DD) cannot be a date of birth, or None."""
    try:
        born = datetime.date.fromisoformat(text)
    except ValueError:
        return (
            "not a calendar date: that day does not exist (check the month, 01-12, and the "
            "day in that month); write the date of birth as YYYY-MM-DD"
        )
    if born > today:
        return "a date of birth cannot be in the future; check the year"
    if born.year < 1900:
        return "a date of birth before 1900 is not plausible; check the year"
    return None


def check(doc: ProfileDoc) -> Iterator[Problem]:
    individual = doc.data.get("individual")
    if not isinstance(individual, dict):
        return
    value = individual.get("date_of_birth")
    if not isinstance(value, str):
        return
    issue = date_issue(value, datetime.datetime.now(datetime.UTC).date())
    if issue is not None:
        yield doc.problem(("individual", "date_of_birth"), ID, issue)
