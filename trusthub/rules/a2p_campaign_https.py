"""The privacy-policy and terms URLs of an A2P campaign are https: TCR's reviewers open
them, and Twilio's ISV guide asks for secure, public pages.

Fails::

    campaigns:
      - privacy_policy_url: http://brightsmile-dental.example.com/privacy
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "a2p-campaign-https"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    a2p = (doc.data.get("trust_products") or {}).get("a2p_messaging") or {}
    for index, campaign in enumerate(a2p.get("campaigns") or []):
        for key in ("privacy_policy_url", "terms_url"):
            url = campaign.get(key)
            if isinstance(url, str) and not url.lower().startswith("https://"):
                yield doc.problem(
                    ("trust_products", "a2p_messaging", "campaigns", index, key),
                    ID,
                    "this URL is not https: serve the page over https and write https://",
                )
