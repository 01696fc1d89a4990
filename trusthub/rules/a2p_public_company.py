"""An A2P 10DLC public company names its listing: `stock_exchange` (not NONE) and
`stock_ticker`. Other company types are not listed, so a listing there is ignored (warning).

Fails::

    a2p_messaging:
      company_type: public
      stock_exchange: NASDAQ       # stock_ticker is missing
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc

ID: Final = "a2p-public-company"

_LISTING: Final = ("stock_exchange", "stock_ticker")


def check(doc: ProfileDoc) -> Iterator[Problem]:
    spec = doc.data.get("trust_products", {}).get("a2p_messaging")
    if spec is None:
        return
    path = ("trust_products", "a2p_messaging")
    if "company_type" not in spec:
        return  # a sole proprietor's (a2p-sole-proprietor)
    if spec["company_type"] == "public":
        missing = [key for key in _LISTING if key not in spec]
        if missing:
            yield doc.problem(
                path,
                ID,
                f"a public company needs {' and '.join(missing)} (e.g. stock_exchange: NASDAQ, "
                "stock_ticker: ACME)",
                key=True,
            )
        if spec.get("stock_exchange") == "NONE":
            yield doc.problem(
                (*path, "stock_exchange"),
                ID,
                "a public company is listed on an exchange; NONE is for companies that are not "
                "public (change company_type or name the exchange)",
            )
        return
    for key in _LISTING:
        if key in spec:
            yield doc.problem(
                (*path, key),
                ID,
                f"{key} is ignored for company_type {spec['company_type']}; remove it",
                severity="warning",
                key=True,
            )
