"""Counting the requests apply sends to the sandbox (issue 18, item 3), shared by
`tests/apply/test_request_counts.py`, which holds apply to them exactly, and
`bench/bench_requests.py`, which reports them next to the documented minimum.

The documented requests are those of Twilio's onboarding guide for one secondary profile and
for each trust product. On top of them apply sends one request per bundle of its own: a
bundle is created under a pending name and renamed once its SID is recorded, so a create
whose answer was lost (or a run killed after it) is found again by that name and never made
twice. A number is looked up by its E.164 once per account (a trust product takes its
profile's record); the sandbox then "buys" a number it does not hold, which real Twilio never
does, so that request is counted apart and left out of the figures.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from tests.support.example import write_settings
from trusthub.app.applying import apply_plan
from trusthub.app.console import create_console_primary
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.config.settings_file import load_settings

REPO = Path(__file__).resolve().parents[2]
_SID = re.compile(r"/([A-Z]{2})[0-9a-f]{32}")

Request = tuple[str, str]  # method, path with each SID replaced by {its prefix}

NUMBERS = "/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"
# Not the secondary's: the primary's adoption reads its end users until it finds its business
# identity, in the order of their SIDs (random), so one to three of them.
PRIMARY_IDENTITY: Request = ("GET", "/v1/EndUsers/{IT}")

# One secondary profile, created and submitted.
PROFILE_DOCUMENTED: Counter[Request] = Counter(
    {
        ("POST", "/v1/EndUsers"): 2,  # business information, the authorized representative
        ("POST", "/2010-04-01/Accounts/{AC}/Addresses.json"): 1,
        ("POST", "/v1/SupportingDocuments"): 1,  # the address document
        ("POST", "/v1/CustomerProfiles"): 1,
        ("POST", "/v1/CustomerProfiles/{BU}/EntityAssignments"): 4,  # 2 end users,
        # the document, the primary
        ("POST", "/v1/CustomerProfiles/{BU}"): 1,  # the submit
        ("GET", NUMBERS): 1,  # its number's SID, by its E.164
        ("POST", "/v1/CustomerProfiles/{BU}/ChannelEndpointAssignments"): 1,
        ("POST", "/v1/CustomerProfiles/{BU}/Evaluations"): 1,
    }
)
PROFILE_OWN: Counter[Request] = Counter({("POST", "/v1/CustomerProfiles/{BU}"): 1})  # rename
SANDBOX_ONLY: Counter[Request] = Counter({("POST", NUMBERS): 1})  # the purchase

# The primary's three voice products (CNAM and Voice Integrity carry an end user, SHAKEN/STIR
# none), each with the primary's two numbers, which are not looked up again.
PRODUCTS = 3
PRODUCTS_DOCUMENTED: Counter[Request] = Counter(
    {
        ("POST", "/v1/EndUsers"): 2,  # CNAM information, Voice Integrity information
        ("POST", "/v1/TrustProducts"): 3,
        ("POST", "/v1/TrustProducts/{BU}/EntityAssignments"): 5,  # the profile each,
        # and the two end users
        ("POST", "/v1/TrustProducts/{BU}/ChannelEndpointAssignments"): 6,
        ("POST", "/v1/TrustProducts/{BU}"): 3,  # the submits
        ("POST", "/v1/TrustProducts/{BU}/Evaluations"): 2,  # SHAKEN/STIR has none
    }
)
PRODUCTS_OWN: Counter[Request] = Counter({("POST", "/v1/TrustProducts/{BU}"): 3})  # renames


class Requests:
    """The requests the SDK sends, as (method, path template)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: list[Request] = []
        self._lock = threading.Lock()

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        path = _SID.sub(r"/{\1}", re.sub(r"^https?://[^/]+", "", url))
        with self._lock:
            self.seen.append((method.upper(), path))
        return self.inner.request(method, url, *args, **kwargs)


def applied(root: Path, name: str, files: list[str]) -> Counter[Request]:
    """The requests of one apply of the example's `files` (the primary made in the Console
    first), in a new workspace `root/name`."""
    ws = root / name
    (ws / "profiles").mkdir(parents=True)
    for f in files:
        shutil.copy(REPO / "profiles" / f"{f}.yaml", ws / "profiles")
    write_settings(
        ws,
        "apiVersion: trusthub/v1\nkind: Workspace\nsandbox:\n  review_delay: 86400\n"
        "  callbacks: none\n",
    )
    settings = load_settings(ws)
    create_console_primary(settings, ws / "profiles" / "acme-isv.yaml")
    with Session(settings) as session:
        target = session.target()
        requests = Requests(target.retrying.inner)
        target.retrying.inner = requests
        planned = make_plan(settings, session.store, load_valid(settings))
        outcome = apply_plan(
            planned, session.store, target, workspace=settings.name, actor="test",
            parallelism=4, progress=lambda a, m: None, on_done=lambda a, e: None,
        )  # fmt: skip
    assert outcome.ok, outcome.failed
    return Counter(requests.seen)


def secondary_profile(root: Path) -> Counter[Request]:
    """The requests one secondary profile (maple-leaf-freight) adds to the primary's apply."""
    base = applied(root, "primary", ["acme-isv"])
    both = applied(root, "secondary", ["acme-isv", "maple-leaf-freight"])
    del base[PRIMARY_IDENTITY], both[PRIMARY_IDENTITY]
    return both - base


def trust_products(root: Path) -> tuple[Counter[Request], Counter[Request]]:
    """(the primary's trust products' requests, every request of that apply)."""
    seen = applied(root, "products", ["acme-isv"])
    products = Counter(
        {k: v for k, v in seen.items() if "/TrustProducts" in k[1] or k == ("POST", "/v1/EndUsers")}
    )
    return products, seen
