"""Apply makes the requests Twilio's onboarding guide documents and no others (issue 18,
item 3), counted against the sandbox for one secondary profile and for each trust product.

Beyond the documented minimum, one request per bundle is trusthub's own: a bundle is created
under a pending name and renamed once its SID is recorded, so a create whose answer was lost
(or a run killed after it) is found again by that name and never made twice. A number is
looked up by its E.164 once per account (a trust product takes its profile's record); the
sandbox then "buys" a number it does not hold, which real Twilio never does.
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


class Requests:
    """The requests the SDK sends, as (method, path template)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        path = _SID.sub(r"/{\1}", re.sub(r"^https?://[^/]+", "", url))
        with self._lock:
            self.seen.append((method.upper(), path))
        return self.inner.request(method, url, *args, **kwargs)


def _applied(tmp_path: Path, name: str, files: list[str]) -> Counter[tuple[str, str]]:
    ws = tmp_path / name
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


def test_a_secondary_profile_is_created_and_submitted_with_the_documented_requests(
    tmp_path: Path,
) -> None:
    # Not the secondary's: the primary's adoption reads its end users until it finds its
    # business identity, in the order of their SIDs (random), so one to three of them.
    identity = ("GET", "/v1/EndUsers/{IT}")
    base = _applied(tmp_path, "primary", ["acme-isv"])
    both = _applied(tmp_path, "secondary", ["acme-isv", "maple-leaf-freight"])
    del base[identity], both[identity]
    assert both - base == Counter(
        {
            ("POST", "/v1/EndUsers"): 2,  # business information, the authorized representative
            ("POST", "/2010-04-01/Accounts/{AC}/Addresses.json"): 1,
            ("POST", "/v1/SupportingDocuments"): 1,  # the address document
            ("POST", "/v1/CustomerProfiles"): 1,
            ("POST", "/v1/CustomerProfiles/{BU}/EntityAssignments"): 4,  # 2 end users,
            # the document, the primary
            ("POST", "/v1/CustomerProfiles/{BU}"): 2,  # the rename (trusthub's), the submit
            ("GET", "/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"): 1,  # its number
            ("POST", "/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"): 1,  # sandbox only
            ("POST", "/v1/CustomerProfiles/{BU}/ChannelEndpointAssignments"): 1,
            ("POST", "/v1/CustomerProfiles/{BU}/Evaluations"): 1,
        }
    )


def test_each_trust_product_is_created_and_submitted_with_the_documented_requests(
    tmp_path: Path,
) -> None:
    # The primary's three voice products (CNAM and Voice Integrity carry an end user,
    # SHAKEN/STIR none), each with the primary's two numbers, which are not looked up again.
    seen = _applied(tmp_path, "products", ["acme-isv"])
    products = Counter(
        {k: v for k, v in seen.items() if "/TrustProducts" in k[1] or k == ("POST", "/v1/EndUsers")}
    )
    assert products == Counter(
        {
            ("POST", "/v1/EndUsers"): 2,  # CNAM information, Voice Integrity information
            ("POST", "/v1/TrustProducts"): 3,
            ("POST", "/v1/TrustProducts/{BU}/EntityAssignments"): 5,  # the profile each,
            # and the two end users
            ("POST", "/v1/TrustProducts/{BU}/ChannelEndpointAssignments"): 6,
            ("POST", "/v1/TrustProducts/{BU}"): 6,  # the rename (trusthub's), the submit
            ("POST", "/v1/TrustProducts/{BU}/Evaluations"): 2,  # SHAKEN/STIR has none
        }
    )
    assert not [k for k in seen if k[0] == "GET" and "/TrustProducts" in k[1]]
    lookups = seen[("GET", "/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json")]
    assert lookups == 2  # the primary's two numbers, once, for the profile
