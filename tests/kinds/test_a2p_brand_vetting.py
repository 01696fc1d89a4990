"""The a2p_brand_vetting kind against the sandbox, through the stock twilio SDK: planned once
its brand is APPROVED (fee-bearing), applied and refreshed; Twilio has no edit or DELETE of
a vetting, so a token changed on a successful vetting is refused, a new token after a
FAILED one is a new import (the failed one forgotten), and a token removed is forgotten;
the brand's resubmission is not held up by its vetting (only campaigns hold it)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.vetting_workspace import POLITICAL, TOKEN, make_workspace
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.target import Target, open_target
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.plan.model import ActionId, Plan, Verb
from trusthub.sandbox import Sandbox
from trusthub.state import open_store

P = "parks-for-all"
VETTING = f"{P}/a2p-brand-vetting"
BRAND = f"{P}/a2p-brand"
NEW_TOKEN = TOKEN.replace("0123456789ab", "abcdef012345")


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.ws = make_workspace(tmp_path, (P, POLITICAL))
        self.settings: Settings = load_settings(self.ws, environ={})
        self.target: Target = open_target(self.settings)
        self.sandbox: Sandbox = self.target.retrying.inner.sandbox

    def plan(self) -> Plan:
        workspace = load_valid(self.settings)
        with open_store(self.settings.state, self.settings.name) as store:
            refresh_state(store, self.target, actor="test")
            return make_plan(self.settings, store, workspace).plan

    def cycle(self) -> Plan:
        workspace = load_valid(self.settings)
        with open_store(self.settings.state, self.settings.name) as store:
            refresh_state(store, self.target, actor="test")
            planned = make_plan(self.settings, store, workspace)
            outcome = apply_plan(
                planned, store, self.target, workspace=self.settings.name, actor="test",
                parallelism=2, progress=lambda a, m: None, on_done=lambda a, e: None,
            )  # fmt: skip
            assert outcome.ok, outcome.failed
        return planned.plan

    def sids(self, name: str) -> dict[str, str]:
        with open_store(self.settings.state, self.settings.name) as store:
            kind = "a2p_brand_vetting" if name == VETTING else "a2p_brand"
            return store.sids(kind, name)

    def edit(self, old: str, new: str) -> None:
        path = self.ws / "profiles" / f"{P}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    def vettings(self) -> list[tuple[str, str]]:
        brand = self.sids(BRAND)["brand"]
        listed = self.sandbox.client().messaging.v1.brand_registrations(brand).brand_vettings
        return [(v.vetting_id, v.vetting_status) for v in listed.list()]


def _action(plan: Plan, verb: Verb) -> str | None:
    found = [a for a in plan.actions if a.id == ActionId(VETTING, verb)]
    return found[0].reason if found else None


def _imported(tmp_path: Path) -> World:
    world = World(tmp_path)
    first = world.cycle()
    waits = _action(first, Verb.WAITING)
    assert waits is not None
    assert f"create waits for {BRAND} to be APPROVED" in waits
    for _ in range(4):
        plan = world.cycle()
        create = [a for a in plan.actions if a.id == ActionId(VETTING, Verb.CREATE)]
        if create:
            assert create[0].fees == ("vetting import",)
            assert ActionId(BRAND, Verb.CREATE) not in create[0].depends_on
            break
    else:
        raise AssertionError("the vetting was never imported")
    world.cycle()  # refresh reads it decided
    return world


def test_a_changed_token_of_a_successful_vetting_is_refused(tmp_path: Path) -> None:
    world = _imported(tmp_path)
    assert world.vettings() == [(TOKEN, "SUCCESS")]
    world.edit(TOKEN, NEW_TOKEN)
    refused = _action(world.plan(), Verb.REFUSED)
    assert refused is not None
    assert "is SUCCESS: Twilio does not allow edits" in refused


def test_a_new_token_after_a_failed_vetting_is_a_new_import(tmp_path: Path) -> None:
    world = _imported(tmp_path)
    old = world.sids(VETTING)["vetting"]
    world.sandbox.reject(old, "Campaign Verify could not confirm the committee")
    waiting = _action(world.cycle(), Verb.WAITING)  # the same token is not imported again
    assert waiting is not None
    assert f"{VETTING} is FAILED" in waiting
    world.edit(TOKEN, NEW_TOKEN)
    plan = world.cycle()
    deleted, created = _action(plan, Verb.DELETE), _action(plan, Verb.CREATE)
    assert deleted is not None
    assert created == deleted
    assert "the vetting FAILED" in deleted
    assert "new import (a new fee)" in deleted
    assert world.sids(VETTING)["vetting"] != old
    assert world.vettings() == [(TOKEN, "FAILED"), (NEW_TOKEN, "SUCCESS")]


def test_a_removed_token_is_forgotten_and_the_vetting_stays(tmp_path: Path) -> None:
    world = _imported(tmp_path)
    world.edit(f'      campaign_verify_token: "{TOKEN}"\n', "")
    plan = world.cycle()
    forgotten = _action(plan, Verb.DELETE)
    assert forgotten is not None
    assert "cannot delete a vetting" in forgotten
    assert world.sids(VETTING) == {}
    assert world.vettings() == [(TOKEN, "SUCCESS")]


def test_a_failed_brand_with_a_vetting_may_be_resubmitted(tmp_path: Path) -> None:
    world = _imported(tmp_path)
    world.sandbox.reject(world.sids(BRAND)["brand"], "TCR finding")
    workspace = load_valid(world.settings)
    with open_store(world.settings.state, world.settings.name) as store:
        refresh_state(store, world.target, actor="test")
        plan = make_plan(world.settings, store, workspace, resubmit=(BRAND,)).plan
    assert ActionId(BRAND, Verb.RESUBMIT) in {a.id for a in plan.actions}
