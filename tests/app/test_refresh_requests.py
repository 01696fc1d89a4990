"""What a refresh costs in requests when nothing changed on Trust Hub, with one subaccount per
client (issue 18): a constant for the parent plus five requests a subaccount, whatever N.

The parent lists its subaccounts once (their statuses, and each one's credentials, from one
paged list), then its own customer profiles, end users and trust products (the primary and
its voice products). Each subaccount lists its customer profiles, end users, supporting
documents and addresses (the client's profile records one of each kind: their `date_updated`
is what says nothing moved) and reads its Messaging Service's numbers (which says the
service is still there). It lists no trust products, brands or toll-free verifications:
trusthub records none there.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from bench.bench_accounts import apply_once, workspace
from tests.support.request_counts import Request, Requests
from trusthub.app.listing import SETTLE
from trusthub.app.session import Session
from trusthub.config.settings_file import load_settings


def _refresh(ws: Path) -> Counter[Request]:
    with Session(load_settings(ws)) as session:
        target = session.target()
        requests = Requests(target.retrying.inner)
        target.retrying.inner = requests
        result = session.refresh_locked(target)  # as `trusthub refresh` does, with its cache
    assert not result.drifted
    assert not result.unavailable
    assert not result.missing
    return Counter(requests.seen)


def expected(n: int) -> Counter[Request]:
    return Counter(
        {
            ("GET", "/2010-04-01/Accounts.json"): 1,  # the parent's subaccounts, one page
            ("GET", "/v1/CustomerProfiles"): 1 + n,
            ("GET", "/v1/EndUsers"): 1 + n,
            ("GET", "/v1/TrustProducts"): 1,  # the parent's only
            ("GET", "/v1/SupportingDocuments"): n,
            ("GET", "/2010-04-01/Accounts/{AC}/Addresses.json"): n,
            ("GET", "/v1/Services/{MG}/PhoneNumbers"): n,
        }
    )


def test_a_refresh_with_nothing_changed_costs_a_constant_and_five_requests_a_subaccount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    sizes = (2, 5)
    spaces = {n: workspace(tmp_path / f"n{n}", n, subaccounts=True, latency=0.0) for n in sizes}
    for ws in spaces.values():
        apply_once(ws)
    # The first refresh reads everything whole (no refresh cache; what apply just made is
    # unsettled) and starts the sandbox's reviews; the second reads again what those moved.
    for _ in range(2):
        time.sleep(SETTLE.total_seconds() + 1)
        for ws in spaces.values():
            _refresh(ws)
    time.sleep(SETTLE.total_seconds() + 1)
    for n, ws in spaces.items():
        seen = _refresh(ws)
        assert seen == expected(n), n
        assert seen.total() == 4 + 5 * n
