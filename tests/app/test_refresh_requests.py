"""What a refresh costs in requests when nothing changed on Trust Hub, with one subaccount per
client (issue 18): a constant for the parent plus five requests a subaccount, whatever N.

The parent lists its subaccounts once (their statuses, and each one's credentials, from one
paged list), then its own customer profiles, end users and trust products (the primary and
its voice products). Each subaccount lists its customer profiles, end users, supporting
documents and addresses (the client's profile records one of each kind: their `date_updated`
is what says nothing moved) and its Messaging Services (which says the client's is still
there). It lists no trust products, brands or toll-free verifications:
trusthub records none there. A number taken off one client's profile outside trusthub is
still found, by reading that one profile whole (three requests more).
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
from trusthub.sandbox import Sandbox
from trusthub.state import open_store


def _refresh(ws: Path, *, drifted: tuple[str, ...] = ()) -> Counter[Request]:
    with Session(load_settings(ws)) as session:
        target = session.target()
        requests = Requests(target.retrying.inner)
        target.retrying.inner = requests
        result = session.refresh_locked(target)  # as `trusthub refresh` does, with its cache
    assert tuple(d.name for d in result.drifted) == drifted
    assert not result.unavailable
    assert not result.missing
    return Counter(requests.seen)


def _unassign_number(ws: Path, client: str) -> None:
    """Outside trusthub, with the subaccount's own credentials (a script, the Console): the
    number of `client`'s profile taken off it."""
    settings = load_settings(ws)
    with open_store(settings.state, settings.name) as store:
        sid = store.sids("subaccount", f"account:{client}")["account"]
        bundle = store.sids("profile", client)["bundle"]
    with Sandbox.from_settings(settings) as sb:
        profile = sb.client(sid).trusthub.v1.customer_profiles(bundle)
        (assignment,) = profile.customer_profiles_channel_endpoint_assignment.list()
        profile.customer_profiles_channel_endpoint_assignment(assignment.sid).delete()


def expected(n: int) -> Counter[Request]:
    return Counter(
        {
            ("GET", "/2010-04-01/Accounts.json"): 1,  # the parent's subaccounts, one page
            ("GET", "/v1/CustomerProfiles"): 1 + n,
            ("GET", "/v1/EndUsers"): 1 + n,
            ("GET", "/v1/TrustProducts"): 1,  # the parent's only
            ("GET", "/v1/SupportingDocuments"): n,
            ("GET", "/2010-04-01/Accounts/{AC}/Addresses.json"): n,
            ("GET", "/v1/Services"): n,
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
    # The listings still see a change made outside trusthub in one subaccount, and only
    # that profile is read whole.
    _unassign_number(spaces[5], "client-00003")
    seen = _refresh(spaces[5], drifted=("client-00003",))
    assert seen - expected(5) == Counter(
        {
            ("GET", "/v1/CustomerProfiles/{BU}/EntityAssignments"): 1,
            ("GET", "/v1/CustomerProfiles/{BU}/ChannelEndpointAssignments"): 1,
            ("GET", "/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"): 1,  # its numbers
        }
    )
    assert not expected(5) - seen
