"""The production message sample of a toll-free verification shows the opt-out language
every message carries ("Reply STOP to opt out"): Twilio's reviewers reject a sample
without it.

Fails::

    toll_free_verifications:
      - number: "+18885550142"
        message_sample: "Your cleaning is on Tue at 9:30."   # no STOP / opt-out wording
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "tollfree-opt-out"

OPT_OUT: Final = re.compile(r"\b(stop|opt[- ]?out|unsubscribe)\b", re.IGNORECASE)


def check(doc: ProfileDoc) -> Iterator[Problem]:
    for index, spec in enumerate(doc.data.get("toll_free_verifications", [])):
        sample = spec.get("message_sample")
        if isinstance(sample, str) and not OPT_OUT.search(sample):
            yield doc.problem(
                ("toll_free_verifications", index, "message_sample"),
                ID,
                "the production message sample has no opt-out language; end it with "
                '"Reply STOP to opt out" (Twilio rejects samples without it)',
            )
