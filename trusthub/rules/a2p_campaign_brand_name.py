"""Every sample message of an A2P campaign names the brand: TCR rejects campaigns whose
samples do not say who is sending (the sandbox's reviewer answers 30893). The brand name
is the brand's `name`, or else the legal name without its company suffix.

Fails::

    business: {legal_name: BrightSmile Dental Group LLC}
    trust_products:
      a2p_messaging:
        brand: {type: standard}
        campaigns:
          - message_samples:
              - "Your cleaning is on Tue at 9:30. Reply STOP to opt out."   # no brand name
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "a2p-campaign-brand-name"

_SUFFIX: Final = re.compile(
    r"[,\s]+(llc|l\.l\.c\.|inc\.?|incorporated|corp\.?|corporation|co\.?|company|ltd\.?|"
    r"limited|lp|llp|plc|pllc|gmbh)$",
    re.IGNORECASE,
)


def brand_display_name(data: Mapping[str, Any]) -> str | None:
    """The name samples must show: `brand.name`, or the legal name without its suffix."""
    a2p = (data.get("trust_products") or {}).get("a2p_messaging") or {}
    declared = (a2p.get("brand") or {}).get("name")
    if isinstance(declared, str) and declared.strip():
        return declared.strip()
    legal = (data.get("business") or {}).get("legal_name")
    if not isinstance(legal, str) or not legal.strip():
        return None
    name = legal.strip()
    while (stripped := _SUFFIX.sub("", name)) != name:
        name = stripped
    return name or None


def check(doc: ProfileDoc) -> Iterator[Problem]:
    a2p = (doc.data.get("trust_products") or {}).get("a2p_messaging") or {}
    brand = brand_display_name(doc.data)
    if brand is None:
        return
    for c_index, campaign in enumerate(a2p.get("campaigns") or []):
        for s_index, sample in enumerate(campaign.get("message_samples") or []):
            if isinstance(sample, str) and brand.casefold() not in sample.casefold():
                yield doc.problem(
                    ("trust_products", "a2p_messaging", "campaigns", c_index, "message_samples",
                     s_index),
                    ID,
                    f'this sample does not name the brand "{brand}": start it with '
                    f'"{brand}: " (TCR rejects samples that do not say who sends them), or set '
                    "trust_products.a2p_messaging.brand.name to the name the samples use",
                )  # fmt: skip
