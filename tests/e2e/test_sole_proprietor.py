"""The sole-proprietor A2P path end to end on the sandbox (reference C), through the stock
twilio SDK with every request and response checked against the vendored specs: a starter
customer profile (an individual secondary on the ISV's primary), the sole-proprietor trust
product (created once the profile is submitted, never waiting for its approval), a
SOLE_PROPRIETOR brand whose OTP the owner confirms within 24 hours, then its one campaign
and its one number in the campaign's Messaging Service. The plan says what the brand waits
for; the starter profile is approved only after the OTP; an OTP left unconfirmed for 24 h
on the sandbox's clock fails the brand (30752), and a resubmission sends a new one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.support.conformance import CheckingHttpClient, Conformance
from tests.support.console import console_primaries
from tests.support.example import copy_profiles
from trusthub.app.applying import apply_plan
from trusthub.app.planning import Planned, load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.status import profile_statuses
from trusthub.app.target import open_target
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model import sole_proprietor as sole
from trusthub.model.kinds import A2P_BRAND, MESSAGING_SERVICE, PROFILE, TRUST_PRODUCT
from trusthub.plan.model import Action, ActionId, Eligibility, Verb
from trusthub.sandbox.sids import iso
from trusthub.sandbox.transport import client_for
from trusthub.state import open_store

P = "brightframe-photo"
BRAND = f"{P}/a2p-brand"
PRODUCT = f"{P}/a2p_messaging"
CAMPAIGN = f"{P}/a2p-campaign-bookings"
SERVICE = f"{P}/messaging-service-bookings"
HOUR = 3600.0
T0 = 1796115600.0  # 2026-12-01T09:00:00Z


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


class World:
    def __init__(self, tmp_path: Path) -> None:
        copy_profiles(tmp_path, "acme-isv", P)  # with the defaults the client inherits
        base = load_settings(tmp_path, environ={})
        self.settings: Settings = replace(base, sandbox=replace(base.sandbox, review_delay=0.0))
        console_primaries(self.settings)  # the ISV's primary, made in the Twilio Console
        self.target = open_target(self.settings)
        self.checker = CheckingHttpClient(self.target.retrying.inner, Conformance(), strict=False)
        self.target.retrying.inner = self.checker
        self.sandbox = self.checker.sandbox
        self.clock = Clock()
        self.sandbox.clock = self.clock

    def plan(self, *, resubmit: tuple[str, ...] = ()) -> Planned:
        workspace = load_valid(self.settings)
        with open_store(self.settings.state, self.settings.name) as store:
            refresh_state(store, self.target, actor="test")
            now = str(iso(self.clock.now))
            return make_plan(self.settings, store, workspace, now=now, resubmit=resubmit)

    def cycle(self, *, resubmit: tuple[str, ...] = ()) -> Planned:
        planned = self.plan(resubmit=resubmit)
        with open_store(self.settings.state, self.settings.name) as store:
            outcome = apply_plan(
                planned, store, self.target, workspace=self.settings.name, actor="test",
                parallelism=2, progress=lambda a, m: None, on_done=lambda a, e: None,
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

    def drifts(self) -> list[str]:
        return [d for d in self.checker.drifts if "/a2p/" in d or "/v1/Services" in d]


def _verbs(planned: Planned, name: str) -> set[Verb]:
    return {a.id.verb for a in planned.plan.actions if a.resource == name}


def _find(planned: Planned, name: str, verb: Verb) -> Action:
    found = [a for a in planned.plan.actions if a.id == ActionId(name, verb)]
    assert found, (name, verb, [str(a.id) for a in planned.plan.actions])
    return found[0]


def _action(planned: Planned, name: str, verb: Verb) -> str:
    return _find(planned, name, verb).reason


def _until_brand_approved(tmp_path: Path) -> World:
    world = World(tmp_path)  # the ISV's primary is approved: made in the Console
    # One apply: the starter profile is submitted, its trust product follows the
    # submission, and the brand follows both: no approval is waited for (SP guide).
    planned = world.cycle()
    assert Verb.SUBMIT in _verbs(planned, P)
    assert {Verb.CREATE, Verb.SUBMIT} <= _verbs(planned, PRODUCT)
    assert ActionId(P, Verb.SUBMIT) in _find(planned, PRODUCT, Verb.CREATE).depends_on
    assert ActionId(PRODUCT, Verb.SUBMIT) in _find(planned, BRAND, Verb.CREATE).depends_on
    return world


def test_the_starter_profile_sole_proprietor_product_brand_otp_campaign_and_one_number(
    tmp_path: Path,
) -> None:
    world = _until_brand_approved(tmp_path)
    with open_store(world.settings.state, world.settings.name) as store:
        records = store.snapshot().by_name()
    profile_bundle = world.sids(PROFILE, P)["bundle"]
    product_bundle = world.sids(TRUST_PRODUCT, PRODUCT)["bundle"]
    client = client_for(world.sandbox)
    # The starter policy and the sole-proprietor policy, with their end users.
    assert client.trusthub.v1.customer_profiles(profile_bundle).fetch().policy_sid == (
        sole.POLICY_STARTER
    )
    assert client.trusthub.v1.trust_products(product_bundle).fetch().policy_sid == (
        sole.POLICY_TRUST_PRODUCT
    )
    types = {u.type for u in client.trusthub.v1.end_users.list()}
    assert {sole.STARTER_END_USER, sole.PRODUCT_END_USER} <= types
    brand = client.messaging.v1.brand_registrations(world.sids(A2P_BRAND, BRAND)["brand"]).fetch()
    assert (brand.brand_type, brand.status, brand.identity_status) == (
        "SOLE_PROPRIETOR", "APPROVED", "UNVERIFIED",
    )  # fmt: skip
    assert records[P].status != "twilio-approved"  # approved only after the OTP

    # The plan says what the brand waits for; nothing is sent for the campaign yet.
    planned = world.plan()
    reason = _action(planned, CAMPAIGN, Verb.WAITING)
    assert f"{BRAND} waits for its OTP confirmation (identity UNVERIFIED)" in reason
    assert "within 24 hours" in reason
    assert f"trusthub sandbox otp confirm {BRAND}" in reason
    line = next(e for e in planned.plan.eligibility if e.profile == P)
    assert line.state is Eligibility.PENDING
    assert "OTP confirmation" in line.detail
    assert world.status(P) == "in-review"
    row = next(r for r in profile_statuses(world.settings, refresh=False) if r["profile"] == P)
    shown = row["trust_products"][0]["brand"]
    assert shown["identity_step"] == "OTP"
    assert shown["identity_awaited"] is True
    assert shown["identity_deadline"] is not None

    # The owner replies YES: the identity is verified, the starter profile approved.
    world.sandbox.confirm_identity(world.sids(A2P_BRAND, BRAND)["brand"])
    assert world.status(P) == "twilio-approved"
    planned = world.cycle()
    assert Verb.CREATE in _verbs(planned, CAMPAIGN)
    assert world.status(CAMPAIGN) == "VERIFIED"
    line = next(e for e in world.plan().plan.eligibility if e.profile == P)
    assert line.state is Eligibility.GRANTED
    service = world.sids(MESSAGING_SERVICE, SERVICE)["service"]
    numbers = [n.phone_number for n in client.messaging.v1.services(service).phone_numbers.list()]
    assert numbers == ["+15035550171"]
    assert world.drifts() == []


def test_an_otp_left_unconfirmed_24_hours_fails_the_brand_and_a_resubmission_sends_a_new_one(
    tmp_path: Path,
) -> None:
    world = _until_brand_approved(tmp_path)
    sid = world.sids(A2P_BRAND, BRAND)["brand"]
    client = client_for(world.sandbox)
    otp = client.messaging.v1.brand_registrations(sid).brand_registration_otps.create()
    assert otp.brand_registration_sid == sid  # SmsOtp: a new text, 24 h from now
    world.clock.now += 23 * HOUR
    assert world.status(BRAND) == "APPROVED"
    world.clock.now += 2 * HOUR
    assert world.status(BRAND) == "FAILED"
    brand = client.messaging.v1.brand_registrations(sid).fetch()
    assert [e["error_code"] for e in brand.errors] == [sole.OTP_NOT_CONFIRMED_CODE]
    with pytest.raises(TwilioRestException) as refused:  # no OTP to resend any more
        client.messaging.v1.brand_registrations(sid).brand_registration_otps.create()
    assert refused.value.status == 400
    planned = world.plan()
    assert "30752" in _action(planned, BRAND, Verb.WAITING)
    world.cycle(resubmit=(BRAND,))  # a free resubmission; TCR approves, texts a new OTP
    assert world.status(BRAND) == "APPROVED"
    world.sandbox.confirm_identity(sid)
    world.cycle()
    assert world.status(CAMPAIGN) == "VERIFIED"
    assert world.drifts() == []
