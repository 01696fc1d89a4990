"""The numbers of A2P campaigns: each is one of the profile's `phone_numbers`, a US local
number (a toll-free number is verified through toll-free verification, never put in a
10DLC campaign), and sends for one campaign only (a number is in one Messaging Service;
Twilio answers 21712 otherwise). Campaign names are unique within the profile.

Fails::

    phone_numbers: ["+15125550140", "+18885550142"]
    campaigns:
      - {name: reminders, numbers: ["+15125550140", "+18885550142"]}   # toll-free
      - {name: offers, numbers: ["+15125550140"]}                       # already sends reminders
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model.phone_facts import number_facts

ID: Final = "a2p-campaign-numbers"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    a2p = (doc.data.get("trust_products") or {}).get("a2p_messaging") or {}
    own = set(doc.data.get("phone_numbers") or [])
    sends: dict[str, str] = {}
    names: set[str] = set()
    for c_index, campaign in enumerate(a2p.get("campaigns") or []):
        name = str(campaign.get("name"))
        base = ("trust_products", "a2p_messaging", "campaigns", c_index)
        if name in names:
            yield doc.problem(
                (*base, "name"), ID, f"another campaign of this profile is named {name}; rename one"
            )
        names.add(name)
        for n_index, number in enumerate(campaign.get("numbers") or []):
            if not isinstance(number, str):
                continue
            path = (*base, "numbers", n_index)
            valid, region, toll_free = number_facts(number)
            if valid and toll_free:
                yield doc.problem(
                    path,
                    ID,
                    "this number is toll-free: a toll-free number is never in a 10DLC campaign "
                    "(verify it under toll_free_verifications instead)",
                )
            elif valid and region not in ("US", "CA", None):
                yield doc.problem(
                    path, ID, "A2P 10DLC covers US and Canadian local (+1) numbers only"
                )
            if number not in own:
                yield doc.problem(
                    path, ID, "this number is not in the profile's phone_numbers; add it there"
                )
            if number in sends:
                yield doc.problem(
                    path,
                    ID,
                    f"this number already sends the campaign {sends[number]}: a number is in "
                    "one Messaging Service only; remove it from one of them",
                )
            else:
                sends[number] = name
