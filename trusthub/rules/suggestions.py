""" "Did you mean": the allowed value a written one most likely stands for.

The profile format uses the Trust Hub console's labels (`Limited Liability Corporation`,
`ISV Reseller or Partner`, `GM`). People write what they know instead: the API's values
(`LIMITED_LIABILITY_CORPORATION`, `direct_customer`, `HEALTHCARE`), the abbreviations of
everyday use (`LLC`, `Inc`, `Corp`, `Non-profit`, `VP`), or the words the abbreviation
stands for (`Vice President` where the label is `VP`). `suggest` finds the label, in this
order: the same words in another case or spelling (`_`, `-`, `.` and spaces alike), a known
alias (below; used only when the label it names is allowed where the value was written,
so `Nonprofit` suggests `Non-profit Corporation` as a business type and `Not For Profit` as
an industry), a label the value begins (`Tech` -> `Technology`), then a close spelling.

It only ever returns one of the allowed values, never text from the document, so a
suggestion cannot repeat personal data.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Final

from trusthub.model import mapping

_SEPARATORS: Final = re.compile(r"[\s_.,\-/()]+")

# Alias (normalised as `_key` does) -> the labels it may stand for, first allowed wins.
_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    # business.type
    "llc": ("Limited Liability Corporation",),
    "l l c": ("Limited Liability Corporation",),
    "limited liability company": ("Limited Liability Corporation",),
    "pllc": ("Limited Liability Corporation",),
    "inc": ("Corporation",),
    "incorporated": ("Corporation",),
    "corp": ("Corporation",),
    "c corp": ("Corporation",),
    "s corp": ("Corporation",),
    "c corporation": ("Corporation",),
    "s corporation": ("Corporation",),
    "sole proprietor": ("Sole Proprietorship",),
    "sole prop": ("Sole Proprietorship",),
    "sole trader": ("Sole Proprietorship",),
    "lp": ("Partnership",),
    "llp": ("Partnership",),
    "general partnership": ("Partnership",),
    "limited partnership": ("Partnership",),
    "coop": ("Co-operative",),
    "co op": ("Co-operative",),
    "cooperative": ("Co-operative",),
    "nonprofit": ("Non-profit Corporation", "Not For Profit"),
    "non profit": ("Non-profit Corporation", "Not For Profit"),
    "not for profit": ("Non-profit Corporation", "Not For Profit"),
    "nonprofit corporation": ("Non-profit Corporation",),
    "npo": ("Non-profit Corporation", "Not For Profit"),
    "501 c 3": ("Non-profit Corporation",),
    "501c3": ("Non-profit Corporation",),
    "charity": ("Non-profit Corporation", "Not For Profit"),
    # business.identity
    "isv": ("ISV Reseller or Partner",),
    "reseller": ("ISV Reseller or Partner",),
    "partner": ("ISV Reseller or Partner",),
    "direct": ("Direct Customer",),
    "customer": ("Direct Customer",),
    # business.industry
    "tech": ("Technology",),
    "it": ("Technology",),
    "software": ("Technology",),
    "saas": ("Technology",),
    "telecom": ("Telecommunications",),
    "telco": ("Telecommunications",),
    "health": ("Healthcare",),
    "health care": ("Healthcare",),
    "medical": ("Healthcare",),
    "dental": ("Healthcare",),
    "finance": ("Financial",),
    "financial services": ("Financial",),
    "fmcg": ("Fast Moving Consumer Goods",),
    "cpg": ("Fast Moving Consumer Goods",),
    "oil gas": ("Oil and Gas",),
    "oil & gas": ("Oil and Gas",),
    "restaurant": ("Food and Beverage",),
    "food": ("Food and Beverage",),
    "f&b": ("Food and Beverage",),
    "hotel": ("Hospitality",),
    "ecommerce": ("Online", "Retail"),
    "e commerce": ("Online", "Retail"),
    "law": ("Legal",),
    "realty": ("Real Estate",),
    "property": ("Real Estate",),
    "logistics": ("Transportation",),
    # authorized_representatives[].job_position
    "general manager": ("GM",),
    "vice president": ("VP",),
    "chief executive officer": ("CEO",),
    "chief executive": ("CEO",),
    "chief financial officer": ("CFO",),
    "counsel": ("General Counsel",),
    "lawyer": ("General Counsel",),
    "attorney": ("General Counsel",),
    "gc": ("General Counsel",),
    # business.regions_of_operation
    "usa": ("USA and Canada",),
    "us": ("USA and Canada",),
    "united states": ("USA and Canada",),
    "canada": ("USA and Canada",),
    "north america": ("USA and Canada",),
    "na": ("USA and Canada",),
    "latam": ("Latin America",),
    "south america": ("Latin America",),
    "eu": ("Europe",),
    "emea": ("Europe",),
    "apac": ("Asia",),
    "oceania": ("Australia",),
    # business.registration.type
    "employer identification number": ("EIN",),
    "fein": ("EIN",),
    "tax id": ("EIN",),
    "d u n s": ("DUNS",),
    "canadian business number": ("CBN",),
    "business number": ("CBN",),
    "bn": ("CBN",),
    "company number": ("UK Company Number",),
    "crn": ("UK Company Number",),
    "cin": ("India CIN",),
    "australian company number": ("ACN",),
}


def _api_aliases() -> dict[str, tuple[str, ...]]:
    """Trust Hub's values for console labels (`direct_customer`, `OIL_AND_GAS`, `CN`)."""
    tables: list[Mapping[str, str]] = [
        mapping.BUSINESS_IDENTITY,
        mapping.BUSINESS_INDUSTRY,
        mapping.REGISTRATION_ID_TYPE,
    ]
    found: dict[str, tuple[str, ...]] = {}
    for table in tables:
        for label, value in table.items():
            found.setdefault(_key(value), (label,))
    return found


def _key(text: str) -> str:
    return " ".join(_SEPARATORS.sub(" ", text.casefold()).split())


def suggest(value: str, options: Sequence[str]) -> str | None:
    """The allowed value `value` most likely stands for, or None (see the module)."""
    key = _key(value)
    if not key:
        return None
    by_key = {_key(o): o for o in options}
    if key in by_key:
        return by_key[key]
    aliases = {**_api_aliases(), **_ALIASES}
    for label in aliases.get(key, ()) + aliases.get(key.replace(" ", ""), ()):
        if label in options:
            return label
    if len(key) >= 3:
        starting = [o for k, o in by_key.items() if k.startswith(key)]
        if len(starting) == 1:
            return starting[0]
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None
