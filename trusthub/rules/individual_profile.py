"""An individual secondary profile is a *starter* customer profile: the sole-proprietor
path of an ISV's customer without a tax ID (reference C). Trust Hub builds it on the
ISV's primary with one person, and it exists for a sole-proprietor A2P brand, so it must
declare one (`trust_products.a2p_messaging.brand.type: sole_proprietor`). Other
individuals are primary profiles of their own; business-only trust products are refused
(see trust-product-requirements).

Fails::

    role: secondary
    primary: acme-isv
    type: individual          # a starter profile without a sole-proprietor brand
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from trusthub.errors import Problem
from trusthub.load.profile_document import ProfileDoc
from trusthub.model import sole_proprietor as sole

ID: Final = "individual-profile"


def check(doc: ProfileDoc) -> Iterator[Problem]:
    if sole.is_starter(doc.data) and not sole.is_sole_proprietor(doc.data):
        yield doc.problem(
            ("role",),
            ID,
            "an individual secondary is a starter customer profile, for a sole proprietor's "
            "A2P brand: declare trust_products.a2p_messaging.brand with type: "
            "sole_proprietor, or use role: primary (an individual's own profile), or make "
            "it a business profile",
        )
