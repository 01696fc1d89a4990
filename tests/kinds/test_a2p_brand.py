"""The a2p_brand kind end to end against the sandbox, through the stock twilio SDK: planned
(fee-bearing, after its profile's and trust product's submission), applied, refreshed; an
ambiguous create is matched by listing, never re-POSTed; the fourth resubmission is
refused in the plan."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.plan.scenario import example_profiles
from tests.support.console import console_primaries
from tests.support.example import copy_example, write_settings
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan, plan_against_state
from trusthub.app.policy import refusal
from trusthub.app.refreshing import refresh_state
from trusthub.app.status import profile_statuses
from trusthub.app.target import Target, open_target
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_BRAND, PROFILE, TRUST_PRODUCT, desired_resources
from trusthub.model.kinds import a2p_brand as brand
from trusthub.model.privacy import fingerprint_key
from trusthub.plan.engine import PlanOptions
from trusthub.plan.model import ActionId, Plan, Verb
from trusthub.sandbox import FaultSettings, Sandbox
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
BRAND = "brightsmile-dental/a2p-brand"


def _workspace(tmp_path: Path) -> tuple[Settings, Target, Sandbox]:
    copy_example(tmp_path)
    base = load_settings(tmp_path, environ={})
    settings = replace(base, sandbox=replace(base.sandbox, review_delay=0.0))
    console_primaries(settings)
    target = open_target(settings)
    return settings, target, target.retrying.inner.sandbox


def _cycle(settings: Settings, target: Target) -> Plan:
    workspace = load_valid(settings)
    with open_store(settings.state, settings.name) as store:
        refresh_state(store, target, actor="test")
        planned = make_plan(settings, store, workspace)
        outcome = apply_plan(
            planned, store, target, workspace=settings.name, actor="test", parallelism=2,
            progress=lambda a, m: None, on_done=lambda a, e: None,
        )  # fmt: skip
        assert outcome.ok, outcome.failed
    return planned.plan


def _sid(settings: Settings, kind: str, name: str, role: str = "bundle") -> str:
    with open_store(settings.state, settings.name) as store:
        return store.sids(kind, name)[role]


def _to_brand(settings: Settings, target: Target, sandbox: Sandbox) -> Plan:
    """Run the example workspace until brightsmile-dental's brand is planned and created: the
    primary is adopted approved from the Console and the secondary submitted in the first
    apply; the sandbox approves it at once (review_delay 0); the second makes the brand."""
    _cycle(settings, target)
    return _cycle(settings, target)


def test_a_brand_is_planned_applied_and_refreshed_through_the_sdk(tmp_path: Path) -> None:
    settings, target, sandbox = _workspace(tmp_path)
    plan = _to_brand(settings, target, sandbox)
    create = next(a for a in plan.actions if a.id == ActionId(BRAND, Verb.CREATE))
    # Twilio's order: after the trust product's submission, not its approval.
    assert ActionId("brightsmile-dental/a2p_messaging", Verb.SUBMIT) in create.depends_on
    assert create.fees == ("brand registration", "secondary vetting")
    assert create.transitions == (("(none)", "PENDING"),)
    assert create.to_data()["fees"] == ["brand registration", "secondary vetting"]

    with open_store(settings.state, settings.name) as store:
        result = refresh_state(store, target, actor="test")
        recorded = store.resource(A2P_BRAND, BRAND)
        assert recorded is not None
        assert recorded.status == brand.APPROVED, result
        assert (recorded.evaluation or {})["tcr_id"]
        assert (recorded.evaluation or {})["identity_status"] == "VETTED_VERIFIED"
    rows = {r["profile"]: r for r in profile_statuses(settings, refresh=False)}
    a2p = next(
        p for p in rows["brightsmile-dental"]["trust_products"] if p["product"] == "a2p_messaging"
    )
    assert a2p["brand"]["status"] == brand.APPROVED
    # Nothing left to do for the brand; the next plan does not touch it.
    again = _cycle(settings, target)
    assert [a for a in again.actions if a.kind == A2P_BRAND] == []


def test_a_tcr_failure_is_recorded_with_twilios_code(tmp_path: Path) -> None:
    settings, target, sandbox = _workspace(tmp_path)
    _to_brand(settings, target, sandbox)
    sid = _sid(settings, A2P_BRAND, BRAND, "brand")
    sandbox.reject(sid, "Tax ID mismatch.")
    with open_store(settings.state, settings.name) as store:
        refresh_state(store, target, actor="test")
        recorded = store.resource(A2P_BRAND, BRAND)
        assert recorded is not None
        assert recorded.status == brand.FAILED
        assert recorded.rejection_reasons == ("30701: Tax ID mismatch.",)


def test_an_ambiguous_brand_create_is_matched_by_listing_not_posted_again(
    tmp_path: Path,
) -> None:
    settings, target, sandbox = _workspace(tmp_path)
    _cycle(settings, target)  # the secondary is submitted, and approved at once
    # Every brand create takes effect and then answers 500: the ambiguous failure.
    sandbox.set_faults(
        FaultSettings(error_after_commit_rate=1.0, only=r"^POST /v1/a2p/BrandRegistrations$")
    )
    _cycle(settings, target)
    # One POST per brand this apply registers (brightsmile-dental's, harbor-yoga-studio's
    # and northwind-outfitters'; brightframe-photo's sole-proprietor brand was registered by
    # the first apply, before the faults), then a listing found each.
    assert sandbox.faults.count == 3
    with sandbox.store.read() as tx:
        brands = {b.sid for b in tx.find("brand_registration")}
    branded = (
        "brightframe-photo",
        "brightsmile-dental",
        "harbor-yoga-studio",
        "northwind-outfitters",
    )
    recorded = {_sid(settings, A2P_BRAND, f"{p}/a2p-brand", "brand") for p in branded}
    assert brands == recorded  # one each, none registered twice


OPTIONS = PlanOptions(now="2026-12-01T12:00:00Z")


def _failed_brand_plan(tmp_path: Path, resubmissions: int) -> Plan:
    """A FAILED brand (with a TCR id, resubmitted `resubmissions` times) whose rejected
    profile was fixed: the plan resubmits the profile and then the brand."""
    profiles = example_profiles()
    desired = desired_resources((n, d, f"profiles/{n}.yaml") for n, d in sorted(profiles.items()))
    # The brand and what it hangs on (the example's toll-free verification is another story).
    desired = {
        n: d
        for n, d in desired.items()
        if d.profile == "brightsmile-dental" and d.kind in (PROFILE, TRUST_PRODUCT, A2P_BRAND)
    }
    desired.update(desired_resources([("acme-isv", profiles["acme-isv"], "")]))
    with open_store(str(tmp_path / "state.db"), "ws") as store:
        key = fingerprint_key(store.snapshot().lineage)
        with store.transaction() as tx:
            for name, d in desired.items():
                body = d
                if name == "brightsmile-dental":  # recorded before its fix
                    business = {**d.attributes["business"], "website": "https://old.example.com"}
                    body = DesiredResource(
                        d.kind, d.name, d.profile, {**d.attributes, "business": business},
                        d.numbers, d.submit,
                    )  # fmt: skip
                tx.put_resource(
                    d.kind, name, spec=body.sealed(key).to_data(), spec_hash=body.spec_hash(key)
                )
                status = {
                    PROFILE: "twilio-approved",
                    TRUST_PRODUCT: "twilio-approved",
                    A2P_BRAND: brand.FAILED,
                }[d.kind]
                if name == "brightsmile-dental":
                    status = "twilio-rejected"
                tx.set_status(
                    d.kind, name, status,
                    evaluation={"tcr_id": "BABC123", "resubmissions": resubmissions}
                    if d.kind == A2P_BRAND else None,
                )  # fmt: skip
        return plan_against_state(store, desired, options=OPTIONS)[0]


def test_a_fixed_failed_brand_is_resubmitted_after_its_profile(tmp_path: Path) -> None:
    plan = _failed_brand_plan(tmp_path, resubmissions=2)
    resubmit = next(a for a in plan.actions if a.id == ActionId(BRAND, Verb.RESUBMIT))
    assert resubmit.transitions == ((brand.FAILED, brand.PENDING),)
    assert ActionId("brightsmile-dental", Verb.RESUBMIT) in resubmit.depends_on
    assert resubmit.fees == ()  # within the three free resubmissions


@pytest.mark.parametrize("done", [3, 4])
def test_the_fourth_resubmission_is_refused_in_the_plan(tmp_path: Path, done: int) -> None:
    plan = _failed_brand_plan(tmp_path, resubmissions=done)
    refused = {a.resource: a.reason for a in plan.refused}
    assert "21724" in refused[BRAND]
    assert ActionId(BRAND, Verb.RESUBMIT) not in {a.id for a in plan.actions}


def test_a_brand_over_the_fee_budget_is_refused_unless_forced(tmp_path: Path) -> None:
    settings, target, _sandbox = _workspace(tmp_path)
    _cycle(settings, target)  # the secondary is submitted, and approved at once
    write_settings(tmp_path, "fees:\n  max_per_apply:\n    secondary_vetting: 0\n")
    budgeted = load_settings(tmp_path)
    workspace = load_valid(budgeted)
    with open_store(budgeted.state, budgeted.name) as store:
        refresh_state(store, target, actor="test")
        plan = make_plan(budgeted, store, workspace).plan
        default = make_plan(settings, store, workspace).plan
    # The brands of brightsmile-dental and northwind-outfitters (standard: registration and
    # secondary vetting) and harbor-yoga-studio's (low-volume standard: registration only).
    assert plan.fee_totals() == {"brand registration": 3, "secondary vetting": 2}
    assert plan.unsafe == (
        (
            "the plan would pay the secondary vetting fee 2 times, over the limit of 0 in "
            "trusthub.yaml fees.max_per_apply.secondary_vetting; rerun with --force if that "
            "is intended"
        ),
    )
    assert refusal(plan, force=False) is not None
    assert refusal(plan, force=True) is None
    assert default.unsafe == ()  # the default budget fits the example workspace
