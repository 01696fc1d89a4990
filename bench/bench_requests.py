"""Benchmark: the requests apply sends to create one secondary profile and one trust product,
counted against the sandbox, next to the documented minimum (Twilio's onboarding guide).

    .venv/bin/python bench/bench_requests.py

The counting and the list of documented requests are `tests/support/request_counts.py`,
which `tests/apply/test_request_counts.py` holds apply to exactly. The sandbox's purchase
of a number it does not hold is left out (real Twilio never makes it); what is left beyond
the documented minimum is trusthub's own rename of each bundle it creates (see there). There
is nothing to size: `--smoke` is the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

try:
    from bench.table import emit
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.table import emit
from tests.support.request_counts import (
    PRODUCTS,
    PRODUCTS_DOCUMENTED,
    PROFILE_DOCUMENTED,
    SANDBOX_ONLY,
    secondary_profile,
    trust_products,
)


def run() -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-requests-") as temp:
        profile = secondary_profile(Path(temp) / "profile")
        products, _seen = trust_products(Path(temp) / "products")
    sent = profile.total() - (profile & SANDBOX_ONLY).total()
    documented = PROFILE_DOCUMENTED.total()
    per_product, documented_per_product = (
        products.total() / PRODUCTS,
        PRODUCTS_DOCUMENTED.total() / PRODUCTS,
    )
    print(f"  one secondary profile: {sent} requests, documented minimum {documented} "
          f"(the sandbox's number purchase not counted)")  # fmt: skip
    print(f"  one trust product (mean of the primary's {PRODUCTS}): {per_product:.2f} requests, "
          f"documented minimum {documented_per_product:.2f}")  # fmt: skip
    emit("requests-profile", requests=sent, documented=documented)
    emit("requests-product", requests=per_product, documented=documented_per_product)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="the same run (nothing to size)")
    parser.parse_args(argv)
    return run()


if __name__ == "__main__":
    sys.exit(main())
