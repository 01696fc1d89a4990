"""A public company's A2P brand names its brand contact (`brand_contact_email`), on the
business's own domain: TCR sends it the Authentication+ (2FA) email once the brand is
registered, and the brand takes no campaigns until it is opened (reference D.2, D.5).
Twilio refuses free or personal mailboxes and distribution lists; trusthub checks that the
address is on the business website's domain (or a subdomain of it, or it of the address's).

Fails::

    business: {website: https://www.maple-leaf-freight.example.com, ...}
    trust_products:
      a2p_messaging:
        company_type: public
        brand: {type: standard}          # brand_contact_email is missing
        brand_contact_email: ops@gmail.com   # or: not on the business's domain
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final
from urllib.parse import urlsplit

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "a2p-brand-contact-email"


def _related(domain: str, host: str) -> bool:
    return domain == host or host.endswith("." + domain) or domain.endswith("." + host)


def check(doc: ProfileDoc) -> Iterator[Problem]:
    spec = (doc.data.get("trust_products") or {}).get("a2p_messaging")
    if not spec or spec.get("company_type") != "public" or not spec.get("brand"):
        return
    path = ("trust_products", "a2p_messaging")
    email = spec.get("brand_contact_email")
    if not email:
        yield doc.problem(
            path,
            ID,
            "a public company's brand needs brand_contact_email: TCR sends the "
            "Authentication+ (2FA) email there, and the brand takes no campaigns until it "
            "is opened; add brand_contact_email: an address on the business's own domain "
            "(e.g. compliance@<your website's domain>)",
            key=True,
        )
        return
    website = str((doc.data.get("business") or {}).get("website") or "")
    host = (urlsplit(website).hostname or "").lower().removeprefix("www.")
    domain = str(email).rpartition("@")[2].lower()
    if host and domain and not _related(domain, host):
        yield doc.problem(
            (*path, "brand_contact_email"),
            ID,
            f"brand_contact_email is on {domain}, not on the business's domain {host}: TCR's "
            "Authentication+ refuses free or personal mailboxes; use an address on "
            f"{host}",
        )
