"""An A2P campaign tells consumers how to stop: at least one sample message carries the
opt-out language ("Reply STOP to opt out"), and a declared opt-out auto-reply confirms it.
TCR rejects campaigns without it (the sandbox's reviewer answers 30897).

Fails::

    campaigns:
      - message_samples:
          - "BrightSmile: your cleaning is on Tue at 9:30."
          - "BrightSmile: we moved your visit to Wed at 10:00."   # no STOP in any sample
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.rules.tollfree_opt_out import OPT_OUT

ID: Final = "a2p-campaign-opt-out"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    a2p = (doc.data.get("trust_products") or {}).get("a2p_messaging") or {}
    for index, campaign in enumerate(a2p.get("campaigns") or []):
        samples = [s for s in campaign.get("message_samples") or [] if isinstance(s, str)]
        if samples and not any(OPT_OUT.search(s) for s in samples):
            yield doc.problem(
                ("trust_products", "a2p_messaging", "campaigns", index, "message_samples"),
                ID,
                "no sample message has opt-out language; end at least one with "
                '"Reply STOP to opt out" (TCR rejects campaigns without it)',
            )
        keywords = (campaign.get("opt_out") or {}).get("keywords") or []
        if keywords and not any(str(k).upper() == "STOP" for k in keywords):
            yield doc.problem(
                ("trust_products", "a2p_messaging", "campaigns", index, "opt_out", "keywords"),
                ID,
                "the opt-out keywords lack STOP, which carriers require; add it",
            )
