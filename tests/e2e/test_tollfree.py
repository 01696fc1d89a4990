"""Toll-free verifications end to end on the sandbox, through the stock SDK and the
conformance checker: one per toll-free number of the example, no toll-free trust product;
a rejected one edited inside its 7-day window, another past it deleted and submitted anew,
the plan saying which is which; `status` showing each with its edit window; and state
holding the old toll-free trust product migrated by a plan step."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.support.cli import run_cli
from tests.support.conformance import CheckingHttpClient, Conformance
from tests.support.console import console_primaries
from tests.support.example import copy_example
from trusthub.app.applying import apply_plan
from trusthub.app.planning import Planned, load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.target import open_target
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.tollfree_verification import LEGACY_TRUST_PRODUCT_POLICY
from trusthub.model.privacy import fingerprint_key
from trusthub.plan.model import Verb
from trusthub.sandbox.sids import iso
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
DAY = 86400.0
T0 = 1796115600.0  # 2026-12-01T09:00:00Z
FIRST = "brightsmile-dental/tollfree-0142"
SECOND = "brightsmile-dental/tollfree-0143"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def _workspace(tmp_path: Path) -> Settings:
    copy_example(tmp_path)
    path = tmp_path / "profiles" / "brightsmile-dental.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('"+18885550142"]', '"+18885550142", "+18775550143"]')
    first = text[text.index("  - number:") :]
    text += first.replace("+18885550142", "+18775550143")
    path.write_text(text, encoding="utf-8")
    base = load_settings(tmp_path, environ={})
    settings = replace(base, sandbox=replace(base.sandbox, review_delay=DAY))
    console_primaries(settings)
    return settings


class World:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.target = open_target(settings)
        self.checker = CheckingHttpClient(self.target.retrying.inner, Conformance(), strict=False)
        self.target.retrying.inner = self.checker
        self.sandbox = self.checker.sandbox
        self.clock = Clock()
        self.sandbox.clock = self.clock

    def now(self) -> str:
        """The plan's clock: the sandbox's."""
        return str(iso(self.clock.now))

    def plan(self, *, refresh: bool = True, resubmit: tuple[str, ...] = ()) -> Planned:
        workspace = load_valid(self.settings)
        with open_store(self.settings.state, self.settings.name) as store:
            if refresh:
                refresh_state(store, self.target, actor="test")
            return make_plan(self.settings, store, workspace, now=self.now(), resubmit=resubmit)

    def cycle(self, *, resubmit: tuple[str, ...] = ()) -> Planned:
        planned = self.plan(resubmit=resubmit)
        with open_store(self.settings.state, self.settings.name) as store:
            outcome = apply_plan(
                planned, store, self.target, workspace=self.settings.name, actor="test",
                parallelism=2, progress=lambda a, m: None, on_done=lambda a, e: None,
            )  # fmt: skip
        assert outcome.ok, outcome.failed
        return planned

    def sid(self, kind: str, name: str, role: str) -> str:
        with open_store(self.settings.state, self.settings.name) as store:
            return store.sids(kind, name)[role]

    def drifts(self) -> list[str]:
        return [d for d in self.checker.drifts if "Tollfree" in d]


def _onboarded(tmp_path: Path) -> World:
    world = World(_workspace(tmp_path))
    world.cycle()
    world.sandbox.approve(world.sid("profile", "acme-isv", "bundle"))
    world.cycle()
    world.sandbox.approve(world.sid("profile", "brightsmile-dental", "bundle"))
    world.cycle()  # the verifications, now that the profile is approved
    return world


def test_one_verification_per_toll_free_number_and_no_toll_free_trust_product(
    tmp_path: Path,
) -> None:
    world = _onboarded(tmp_path)
    client = world.sandbox.client()
    listed = client.messaging.v1.tollfree_verifications.list()
    assert sorted(v.tollfree_phone_number for v in listed) == ["+18775550143", "+18885550142"]
    assert {v.status for v in listed} == {"PENDING_REVIEW"}
    assert all(v.customer_profile_sid == world.sid("profile", "brightsmile-dental", "bundle")
               for v in listed)  # fmt: skip
    assert all(str(v.external_reference_id).startswith("trusthub-") for v in listed)
    # The business registration Twilio requires since January 2026 (section E), from the
    # profile: brightsmile-dental is a private company with an EIN.
    assert {(v.business_type, v.business_registration_authority) for v in listed} == {
        ("PRIVATE_PROFIT", "EIN")
    }
    assert {v.business_registration_country for v in listed} == {"US"}
    assert all(v.business_registration_number for v in listed)
    products = client.trusthub.v1.trust_products.list()
    assert products
    assert LEGACY_TRUST_PRODUCT_POLICY not in {p.policy_sid for p in products}
    assert world.drifts() == []


def _reject_first_past_its_window_second_inside(world: World) -> tuple[str, str]:
    """Both verifications rejected: the first 8 days ago (its 7-day window has closed), the
    second now. Their SIDs."""
    first = world.sid("tollfree_verification", FIRST, "verification")
    second = world.sid("tollfree_verification", SECOND, "verification")
    world.sandbox.reject(first, "30513: The sample has no opt-out language.")
    world.clock.now += 8 * DAY  # the first one's window closed a day ago
    world.sandbox.reject(second, "30513: The sample has no opt-out language.")
    return first, second


def test_rejected_inside_the_window_is_edited_and_past_it_deleted_and_resubmitted(
    tmp_path: Path,
) -> None:
    world = _onboarded(tmp_path)
    first, second = _reject_first_past_its_window_second_inside(world)

    path = world.settings.root / "profiles" / "brightsmile-dental.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("STOP to opt out.", "STOP to opt out, HELP for help."), "utf-8")

    planned = world.plan()
    actions = {str(a.id): a for a in planned.plan.actions if a.resource in (FIRST, SECOND)}
    assert sorted(actions) == [
        f"{FIRST}:create",
        f"{FIRST}:delete",
        f"{SECOND}:resubmit",
        f"{SECOND}:update",
    ]
    assert "back of Twilio's review queue" in actions[f"{FIRST}:delete"].reason
    assert "edit window after the rejection has closed" in actions[f"{FIRST}:create"].reason
    assert actions[f"{FIRST}:delete"].transitions == (("TWILIO_REJECTED", "(deleted)"),)
    assert "edit window closes 2026-12-16" in actions[f"{SECOND}:update"].reason
    assert actions[f"{SECOND}:resubmit"].transitions == (("TWILIO_REJECTED", "PENDING_REVIEW"),)

    world.cycle()
    listed = {v.sid: v for v in world.sandbox.client().messaging.v1.tollfree_verifications.list()}
    assert first not in listed  # deleted, and a new one made
    renewed = world.sid("tollfree_verification", FIRST, "verification")
    assert renewed != first
    assert listed[renewed].status == "PENDING_REVIEW"
    assert listed[second].status == "PENDING_REVIEW"  # the same verification, edited
    assert "HELP for help" in str(listed[second].production_message_sample)

    again = world.plan()
    assert [a for a in again.plan.actions if a.resource in (FIRST, SECOND)] == []
    assert world.drifts() == []


def test_status_shows_each_verification_and_the_edit_window_of_a_rejected_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = _onboarded(tmp_path)
    _reject_first_past_its_window_second_inside(world)
    world.plan()  # refreshes the state
    monkeypatch.setattr("trusthub.app.policy.utc_now", world.now)

    def run(*args: str) -> str:
        return run_cli(*args, workspace=world.settings.root, code=0).stdout

    rows = {r["profile"]: r for r in json.loads(run("status", "--format", "json"))["profiles"]}
    got = [
        {k: v for k, v in t.items() if k != "since"}
        for t in rows["brightsmile-dental"]["tollfree_verifications"]
    ]
    reasons = ["30513: The sample has no opt-out language."]
    assert got == [
        {"resource": FIRST, "declared": True, "status": "TWILIO_REJECTED",
         "rejection_reasons": reasons, "edit_window_closes": None,
         "edit_window_closed": None},  # Twilio reported the window closed: no date kept
        {"resource": SECOND, "declared": True, "status": "TWILIO_REJECTED",
         "rejection_reasons": reasons, "edit_window_closes": "2026-12-16",
         "edit_window_closed": None},
    ]  # fmt: skip
    assert rows["acme-isv"]["tollfree_verifications"] == []

    header, *lines = run("status").splitlines()
    column = header.index("TOLL-FREE")
    cells = {line.split()[0]: line[column:] for line in lines}
    reason = (
        "error 30513, the opt-in or consent language is unclear (The sample has no opt-out "
        "language.); fix: make the consent explicit, and give message_sample opt-out "
        'language ("Reply STOP to opt out")'
    )
    assert cells["brightsmile-dental"] == (
        "tollfree-0142: TWILIO_REJECTED, edit window closed: plan deletes and resubmits it "
        f"(back of the queue) ({reason}); "
        f"tollfree-0143: TWILIO_REJECTED, edit window closes 2026-12-16 ({reason})"
    )
    assert cells["acme-isv"].strip() == "-"

    # Eight days on, no refresh: the clock alone closes the second one's window.
    world.clock.now += 8 * DAY
    rows = {r["profile"]: r for r in json.loads(run("status", "--format", "json"))["profiles"]}
    second = rows["brightsmile-dental"]["tollfree_verifications"][1]
    assert (second["edit_window_closes"], second["edit_window_closed"]) == (None, "2026-12-16")
    header, *lines = run("status").splitlines()
    cells = {line.split()[0]: line[header.index("TOLL-FREE") :] for line in lines}
    assert (
        "tollfree-0143: TWILIO_REJECTED, edit window closed 2026-12-16: plan deletes and "
        "resubmits it (back of the queue)" in cells["brightsmile-dental"]
    )


def test_the_edit_window_is_judged_against_the_clock_not_only_the_last_refresh(
    tmp_path: Path,
) -> None:
    world = _onboarded(tmp_path)
    _, second = _reject_first_past_its_window_second_inside(world)
    world.plan()  # the refresh records the second one's window: it closes 2026-12-16
    path = world.settings.root / "profiles" / "brightsmile-dental.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("STOP to opt out.", "STOP to opt out, HELP for help."), "utf-8")

    inside = {a.id.verb: a for a in world.plan(refresh=False).plan.actions if a.resource == SECOND}
    assert sorted(v.value for v in inside) == ["resubmit", "update"]
    assert "edit window closes 2026-12-16" in inside[Verb.UPDATE].reason

    world.clock.now += 8 * DAY  # past the window; the state still says edits are allowed
    past = {a.id.verb: a for a in world.plan(refresh=False).plan.actions if a.resource == SECOND}
    assert sorted(v.value for v in past) == ["create", "delete"]
    assert past[Verb.DELETE].reason == (
        f"{SECOND}: the 7-day edit window after the rejection has closed (2026-12-16) "
        "(Twilio refuses edits, error 30824), so it is deleted and submitted anew: the new "
        "verification goes to the back of Twilio's review queue (no priority review)"
    )
    world.cycle()  # and Twilio agrees: the edit would have been refused with 30824
    assert world.sid("tollfree_verification", SECOND, "verification") != second
    assert world.drifts() == []


def test_resubmit_sends_a_rejected_verification_unchanged_inside_the_window_and_anew_past_it(
    tmp_path: Path,
) -> None:
    world = _onboarded(tmp_path)
    first, second = _reject_first_past_its_window_second_inside(world)
    planned = world.plan(resubmit=(FIRST, SECOND))
    actions = {str(a.id): a for a in planned.plan.actions if a.resource in (FIRST, SECOND)}
    assert sorted(actions) == [f"{FIRST}:create", f"{FIRST}:delete", f"{SECOND}:resubmit"]
    assert actions[f"{SECOND}:resubmit"].reason == (
        f"resubmitted unchanged on request (--resubmit {SECOND}): the cause of the "
        "rejection lay outside the YAML"
    )
    assert "back of Twilio's review queue" in actions[f"{FIRST}:delete"].reason
    assert "resubmitted unchanged on request (--resubmit)" in actions[f"{FIRST}:create"].reason

    world.cycle(resubmit=(FIRST, SECOND))
    listed = {v.sid: v for v in world.sandbox.client().messaging.v1.tollfree_verifications.list()}
    assert first not in listed
    assert listed[second].status == "PENDING_REVIEW"  # the same one, sent again as it was
    with world.sandbox.store.read() as tx:  # the edit said why (the SDK does not show it)
        row = tx.get(second)
        assert row is not None
        assert str(row.data["edit_reason"]).startswith("Resubmitted unchanged")
    assert "STOP to opt out." in str(listed[second].production_message_sample)
    assert [a for a in world.plan().plan.actions if a.resource in (FIRST, SECOND)] == []
    assert world.drifts() == []


def test_resubmit_is_refused_when_twilio_forbids_it_or_nothing_was_rejected(
    tmp_path: Path,
) -> None:
    world = _onboarded(tmp_path)
    first = world.sid("tollfree_verification", FIRST, "verification")
    world.sandbox.reject(first, "30879: The number is not provisioned to Twilio.")
    refused = {
        a.resource: a
        for a in world.plan(resubmit=(FIRST, SECOND, "brightsmile-dental", "acme-isv")).plan.actions
        if a.verb is Verb.REFUSED
    }
    assert refused[FIRST].reason == (
        f"{FIRST} cannot be resubmitted: Twilio does not accept a resubmission of a "
        "verification rejected with error 30879 (the toll-free number is not provisioned to "
        "Twilio (a port not yet finished)); finish the port, then delete the verification "
        "and submit it anew"
    )
    assert refused[SECOND].reason == (
        f"{SECOND} is PENDING_REVIEW: only a TWILIO_REJECTED resource can be resubmitted "
        f"(--resubmit {SECOND}). Drop --resubmit"
    )
    assert refused["brightsmile-dental"].reason.startswith(
        "brightsmile-dental is twilio-approved: only a"
    )
    # A primary is the Console's: asking trusthub to resubmit it is refused, not ignored.
    console = refused["acme-isv"].reason
    assert console.startswith("acme-isv (BU")
    assert "is managed in the Twilio Console: trusthub never submits it" in console

    result = run_cli(
        "plan", "--no-refresh", "--resubmit", "nobody/tollfree-0000",
        workspace=world.settings.root, code=1,
    )  # fmt: skip
    assert "--resubmit names no resource of the workspace: nobody/tollfree-0000" in (result.stderr)
    assert "Traceback" not in result.output


def test_an_edit_after_the_window_is_refused_with_30824(tmp_path: Path) -> None:
    world = _onboarded(tmp_path)
    first = world.sid("tollfree_verification", FIRST, "verification")
    world.sandbox.reject(first, "The sample has no opt-out language.")
    world.clock.now += 8 * DAY
    verification = world.sandbox.client().messaging.v1.tollfree_verifications(first)
    fetched = verification.fetch()
    assert fetched.edit_allowed is False
    assert fetched.status == "TWILIO_REJECTED"
    with pytest.raises(TwilioRestException) as refused:
        verification.update(edit_reason="late", production_message_sample="x STOP")
    assert refused.value.code == 30824


def _legacy_state(world: World, status: str) -> None:
    """State as an older trusthub left it: brightsmile-dental's toll-free trust product."""
    name = "brightsmile-dental/toll_free"
    body: dict[str, Any] = {"policy": LEGACY_TRUST_PRODUCT_POLICY, "use_case_summary": "x"}
    with open_store(world.settings.state, world.settings.name) as store:
        key = fingerprint_key(store.snapshot().lineage)
        legacy = DesiredResource("trust_product", name, "brightsmile-dental", body, (), True)
        with store.transaction() as tx:
            tx.put_resource(
                "trust_product", name, spec=legacy.sealed(key).to_data(),
                spec_hash=legacy.spec_hash(key),
            )  # fmt: skip
            tx.set_status("trust_product", name, status, action="create")


def test_the_old_toll_free_trust_product_is_forgotten_or_deleted(tmp_path: Path) -> None:
    world = World(_workspace(tmp_path))
    world.cycle()
    _legacy_state(world, "twilio-approved")
    planned = world.plan()
    (action,) = [a for a in planned.plan.actions if a.resource == "brightsmile-dental/toll_free"]
    assert action.verb is Verb.DELETE
    assert action.transitions == (("twilio-approved", "(forgotten)"),)
    assert action.reason.startswith("forget the trust product brightsmile-dental/toll_free")
    assert "Twilio builds the toll-free objects itself" in action.reason
    world.cycle()
    with open_store(world.settings.state, world.settings.name) as store:
        assert store.resource("trust_product", "brightsmile-dental/toll_free") is None

    _legacy_state(world, "draft")
    (action,) = [
        a for a in world.plan().plan.actions if a.resource == "brightsmile-dental/toll_free"
    ]
    assert action.transitions == (("draft", "(deleted)"),)
    assert action.reason.startswith("delete the trust product brightsmile-dental/toll_free")


def test_the_sandbox_refuses_a_verification_without_the_business_registration(
    tmp_path: Path,
) -> None:
    # Twilio requires BusinessType, and BusinessRegistrationNumber, -Authority and -Country
    # for every type but SOLE_PROPRIETOR (the messaging spec, reference section E).
    world = _onboarded(tmp_path)
    client = world.sandbox.client()
    existing = client.messaging.v1.tollfree_verifications.list()[0]
    fields: dict[str, Any] = {
        "business_name": "BrightSmile Dental",
        "business_website": "https://brightsmile-dental.example.com",
        "notification_email": "trust@acme-messaging.example.com",
        "use_case_categories": ["ACCOUNT_NOTIFICATIONS"],
        "use_case_summary": "Appointment reminders.",
        "production_message_sample": "BrightSmile: see you Tue 9:30. Reply STOP to opt out.",
        "opt_in_image_urls": ["https://brightsmile-dental.example.com/opt-in.png"],
        "opt_in_type": "WEB_FORM",
        "message_volume": "1,000",
        "tollfree_phone_number_sid": existing.tollfree_phone_number_sid,
    }
    create = client.messaging.v1.tollfree_verifications.create
    with pytest.raises(TwilioRestException) as no_type:
        create(**fields)
    assert "BusinessType" in str(no_type.value.msg)
    with pytest.raises(TwilioRestException) as no_number:
        create(**fields, business_type="PRIVATE_PROFIT")
    assert "BusinessRegistrationNumber" in str(no_number.value.msg)
