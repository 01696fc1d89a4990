"""A2P 10DLC campaigns end to end on the sandbox: the example's standard brand gets its two
campaigns, each on its own Messaging Service, through the stock twilio SDK (every request
and response checked against the vendored specs); the stock SDK, over `sandbox serve`'s
loopback HTTP server, then finds each campaign's numbers in its Messaging Service and none
on the A2P trust product. A campaign TCR rejects is fixed and resubmitted; a use-case
change deletes and recreates it; a number moved between campaigns leaves its old service
first; an ambiguous campaign create is matched by listing, never sent twice; status shows
the campaigns with their codes' meanings, and A2P is granted only once one is VERIFIED."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from twilio.rest import Client

from tests.support.conformance import CheckingHttpClient, Conformance
from tests.support.console import console_primaries
from tests.support.example import copy_example
from trusthub.app.applying import apply_plan
from trusthub.app.planning import Planned, load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.status import profile_statuses
from trusthub.app.target import open_target
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model.kinds import A2P_CAMPAIGN, MESSAGING_SERVICE, PROFILE, TRUST_PRODUCT
from trusthub.plan.model import ActionId, Eligibility, Verb
from trusthub.sandbox import FaultSettings
from trusthub.sandbox.server import SandboxServer
from trusthub.sandbox.transport import server_client
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
P = "brightsmile-dental"
REMINDERS = f"{P}/a2p-campaign-reminders"
OFFERS = f"{P}/a2p-campaign-offers"
NUMBERS = {"reminders": ["+15125550140"], "offers": ["+15125550141"]}


class World:
    def __init__(self, tmp_path: Path) -> None:
        copy_example(tmp_path)
        base = load_settings(tmp_path, environ={})
        self.settings: Settings = replace(base, sandbox=replace(base.sandbox, review_delay=0.0))
        self.profile = tmp_path / "profiles" / f"{P}.yaml"
        console_primaries(self.settings)  # made in the Twilio Console, approved
        self.target = open_target(self.settings)
        self.checker = CheckingHttpClient(self.target.retrying.inner, Conformance(), strict=False)
        self.target.retrying.inner = self.checker
        self.sandbox = self.checker.sandbox

    def plan(self) -> Planned:
        workspace = load_valid(self.settings)
        with open_store(self.settings.state, self.settings.name) as store:
            refresh_state(store, self.target, actor="test")
            return make_plan(self.settings, store, workspace)

    def cycle(self) -> Planned:
        planned = self.plan()
        with open_store(self.settings.state, self.settings.name) as store:
            outcome = apply_plan(
                planned, store, self.target, workspace=self.settings.name, actor="test",
                parallelism=4, progress=lambda a, m: None, on_done=lambda a, e: None,
            )  # fmt: skip
        assert outcome.ok, outcome.failed
        return planned

    def sids(self, kind: str, name: str) -> dict[str, str]:
        with open_store(self.settings.state, self.settings.name) as store:
            return store.sids(kind, name)

    def status(self, name: str) -> str | None:
        with open_store(self.settings.state, self.settings.name) as store:
            refresh_state(store, self.target, actor="test")
            return {r.name: r.status for r in store.snapshot().resources}.get(name)

    def edit(self, old: str, new: str) -> None:
        text = self.profile.read_text(encoding="utf-8")
        assert old in text
        self.profile.write_text(text.replace(old, new), encoding="utf-8")

    def messaging_drifts(self) -> list[str]:
        return [d for d in self.checker.drifts if "/v1/Services" in d or "/a2p/" in d]


def _onboarded(tmp_path: Path) -> World:
    """The example workspace until brightsmile-dental's brand is APPROVED and its two
    campaigns are created."""
    world = World(tmp_path)
    world.cycle()  # the secondaries are submitted at once: their primary is approved
    world.sandbox.approve(world.sids(PROFILE, P)["bundle"])
    world.cycle()  # trust products, the brand (approved at the next read)
    planned = world.cycle()  # the campaigns
    creates = {a.resource for a in planned.plan.actions if a.id.verb is Verb.CREATE}
    assert {REMINDERS, OFFERS} <= creates
    return world


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[World, Client]]:
    world = _onboarded(tmp_path)
    with SandboxServer(world.sandbox, "127.0.0.1", 0).start() as server:
        yield world, server_client(server.url, world.sandbox.account_sid, world.sandbox.auth_token)


def _service_numbers(world: World, client: Client, campaign: str) -> list[str]:
    service = world.sids(MESSAGING_SERVICE, f"{P}/messaging-service-{campaign}")["service"]
    return sorted(
        n.phone_number for n in client.messaging.v1.services(service).phone_numbers.list()
    )


def test_each_campaigns_numbers_are_in_its_service_and_none_on_the_a2p_product(
    served: tuple[World, Client],
) -> None:
    world, client = served
    for campaign, numbers in NUMBERS.items():
        assert _service_numbers(world, client, campaign) == numbers
        service = world.sids(MESSAGING_SERVICE, f"{P}/messaging-service-{campaign}")["service"]
        registered = client.messaging.v1.services(service).us_app_to_person.list()
        assert [c.sid for c in registered] == [
            world.sids(A2P_CAMPAIGN, f"{P}/a2p-campaign-{campaign}")["campaign"]
        ]
        assert registered[0].campaign_status == "VERIFIED"
    a2p = world.sids(TRUST_PRODUCT, f"{P}/a2p_messaging")["bundle"]
    assigned = client.trusthub.v1.trust_products(a2p).trust_products_channel_endpoint_assignment
    assert assigned.list() == []
    # The numbers stay on the customer profile, as before.
    profile = world.sids(PROFILE, P)["bundle"]
    on_profile = client.trusthub.v1.customer_profiles(
        profile
    ).customer_profiles_channel_endpoint_assignment.list()
    assert len(on_profile) == 3
    assert world.messaging_drifts() == []
    rows = {r["profile"]: r for r in profile_statuses(world.settings, refresh=False)}
    a2p_row = next(t for t in rows[P]["trust_products"] if t["product"] == "a2p_messaging")
    assert a2p_row["eligibility"] == Eligibility.GRANTED.value
    assert [(c["resource"], c["status"]) for c in a2p_row["campaigns"]] == [
        (OFFERS, "VERIFIED"),
        (REMINDERS, "VERIFIED"),
    ]


def test_a_rejected_campaign_is_fixed_and_resubmitted(served: tuple[World, Client]) -> None:
    world, client = served
    qe = world.sids(A2P_CAMPAIGN, REMINDERS)["campaign"]
    world.sandbox.reject(qe, "30893: Sample messages must include the brand name.")
    world.sandbox.reject(world.sids(A2P_CAMPAIGN, OFFERS)["campaign"], "30934: No terms.")
    assert world.status(REMINDERS) == "FAILED"
    waiting = world.plan().plan
    reason = next(a.reason for a in waiting.actions if a.resource == REMINDERS)
    assert "FAILED" in reason
    assert "30893" in reason
    rows = {r["profile"]: r for r in profile_statuses(world.settings, refresh=False)}
    a2p_row = next(t for t in rows[P]["trust_products"] if t["product"] == "a2p_messaging")
    assert a2p_row["eligibility"] == Eligibility.PENDING.value  # no campaign VERIFIED now
    errors = {c["resource"]: c["errors"] for c in a2p_row["campaigns"]}
    assert errors[REMINDERS] == [
        (
            "error 30893: Sample messages must include the brand name. (the sample messages "
            "do not fit the campaign (use case, brand name))"
        )
    ]

    world.edit("rescheduling notices", "rescheduling messages")
    planned = world.cycle()
    by_id = {a.id: a for a in planned.plan.actions}
    assert ActionId(REMINDERS, Verb.UPDATE) in by_id
    resubmit = by_id[ActionId(REMINDERS, Verb.RESUBMIT)]
    assert resubmit.transitions == (("FAILED", "PENDING"),)
    assert resubmit.fees == ("campaign vetting",)
    assert world.status(REMINDERS) == "VERIFIED"
    service = world.sids(MESSAGING_SERVICE, f"{P}/messaging-service-reminders")["service"]
    fetched = client.messaging.v1.services(service).us_app_to_person(qe).fetch()
    assert fetched.campaign_status == "VERIFIED"
    assert "rescheduling messages" in fetched.description
    assert world.messaging_drifts() == []


def test_a_use_case_change_deletes_and_recreates_the_campaign(
    served: tuple[World, Client],
) -> None:
    world, client = served
    old = world.sids(A2P_CAMPAIGN, REMINDERS)["campaign"]
    world.edit("use_case: ACCOUNT_NOTIFICATION", "use_case: CUSTOMER_CARE")
    planned = world.cycle()
    by_id = {a.id: a for a in planned.plan.actions}
    delete, create = (
        by_id[ActionId(REMINDERS, Verb.DELETE)],
        by_id[ActionId(REMINDERS, Verb.CREATE)],
    )
    assert "use case cannot change" in delete.reason
    assert create.reason == delete.reason
    assert create.fees == ("campaign vetting",)
    assert ActionId(REMINDERS, Verb.DELETE) in create.depends_on
    new = world.sids(A2P_CAMPAIGN, REMINDERS)["campaign"]
    assert new != old
    service = world.sids(MESSAGING_SERVICE, f"{P}/messaging-service-reminders")["service"]
    listed = client.messaging.v1.services(service).us_app_to_person.list()
    assert [(c.sid, c.us_app_to_person_usecase) for c in listed] == [(new, "CUSTOMER_CARE")]
    assert _service_numbers(world, client, "reminders") == NUMBERS["reminders"]


def test_a_number_moved_between_campaigns_leaves_its_old_service_first(
    served: tuple[World, Client],
) -> None:
    world, client = served
    world.edit('numbers: ["+15125550141"]', 'numbers: ["+15125550149"]')
    world.edit('"+15125550141", "+18885550142"]', '"+15125550141", "+15125550149", "+18885550142"]')
    world.edit('numbers: ["+15125550140"]', 'numbers: ["+15125550140", "+15125550141"]')
    planned = world.cycle()
    assigns = {a.resource for a in planned.plan.actions if a.id.verb is Verb.ASSIGN}
    assert {f"{P}/messaging-service-reminders", f"{P}/messaging-service-offers"} <= assigns
    assert _service_numbers(world, client, "reminders") == ["+15125550140", "+15125550141"]
    assert _service_numbers(world, client, "offers") == ["+15125550149"]


def test_an_ambiguous_campaign_create_is_matched_by_listing_not_posted_again(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    world.cycle()  # the secondaries are submitted at once: their primary is approved
    world.sandbox.approve(world.sids(PROFILE, P)["bundle"])
    world.cycle()  # the brand
    # Every campaign create takes effect and then answers 500: the ambiguous failure.
    world.sandbox.set_faults(
        FaultSettings(
            error_after_commit_rate=1.0, only=r"^POST /v1/Services/MG\w+/Compliance/Usa2p$"
        )
    )
    world.cycle()
    # One POST per campaign, then a listing found it: brightsmile-dental's two and
    # harbor-yoga-studio's (its low-volume brand approved at this read); northwind-outfitters'
    # waits for Authentication+ and brightframe-photo's for the OTP.
    assert world.sandbox.faults.count == 3
    with world.sandbox.store.read() as tx:
        campaigns = tx.find("us_app_to_person")
    assert sorted(c.sid for c in campaigns) == sorted(
        world.sids(A2P_CAMPAIGN, name)["campaign"]
        for name in (OFFERS, REMINDERS, "harbor-yoga-studio/a2p-campaign-classes")
    )
