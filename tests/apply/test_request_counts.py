"""Apply makes the requests Twilio's onboarding guide documents and no others (issue 18,
item 3), counted against the sandbox for one secondary profile and for each trust product.
The requests are listed, with why each is sent, in `tests/support/request_counts.py`
(`bench/bench_requests.py` reports the same counts next to the documented minimum).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.request_counts import (
    NUMBERS,
    PRODUCTS_DOCUMENTED,
    PRODUCTS_OWN,
    PROFILE_DOCUMENTED,
    PROFILE_OWN,
    SANDBOX_ONLY,
    secondary_profile,
    trust_products,
)


def test_a_secondary_profile_is_created_and_submitted_with_the_documented_requests(
    tmp_path: Path,
) -> None:
    assert secondary_profile(tmp_path) == PROFILE_DOCUMENTED + PROFILE_OWN + SANDBOX_ONLY


def test_each_trust_product_is_created_and_submitted_with_the_documented_requests(
    tmp_path: Path,
) -> None:
    products, seen = trust_products(tmp_path)
    assert products == PRODUCTS_DOCUMENTED + PRODUCTS_OWN
    assert not [k for k in seen if k[0] == "GET" and "/TrustProducts" in k[1]]
    assert seen[("GET", NUMBERS)] == 2  # the primary's two numbers, once, for the profile
