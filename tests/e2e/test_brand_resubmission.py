"""A2P brand resubmissions end to end on the sandbox (reference D.3), through the stock
twilio SDK with every request and response checked against the vendored specs: a brand TCR
fails four times is resubmitted three times for free and the fourth is refused, by the
plan (21724, before anything is sent) and by the sandbox as Twilio would answer it; and a
fix an earlier run applied upstream (the A2P trust product resubmitted by a partial apply)
is picked up by a later apply, which resubmits the brand and says why."""

from __future__ import annotations

import time
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
from trusthub.app.target import open_target
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model.kinds import A2P_BRAND, PROFILE, TRUST_PRODUCT
from trusthub.plan.model import Action, ActionId, Verb
from trusthub.sandbox.transport import client_for
from trusthub.state import open_store

P = "harbor-yoga-studio"
BRAND = f"{P}/a2p-brand"
PRODUCT = f"{P}/a2p_messaging"


class World:
    def __init__(self, tmp_path: Path, *, review_delay: float) -> None:
        copy_profiles(tmp_path, "acme-isv", P)  # with the defaults the client inherits
        base = load_settings(tmp_path, environ={})
        self.settings: Settings = replace(
            base, sandbox=replace(base.sandbox, review_delay=review_delay)
        )
        console_primaries(self.settings)  # the ISV's primary, made in the Twilio Console
        self.target = open_target(self.settings)
        self.checker = CheckingHttpClient(self.target.retrying.inner, Conformance(), strict=False)
        self.target.retrying.inner = self.checker
        self.sandbox = self.checker.sandbox

    def plan(self, *, resubmit: tuple[str, ...] = (), targets: tuple[str, ...] = ()) -> Planned:
        workspace = load_valid(self.settings)
        with open_store(self.settings.state, self.settings.name) as store:
            refresh_state(store, self.target, actor="test")
            return make_plan(self.settings, store, workspace, resubmit=resubmit, targets=targets)

    def cycle(self, *, resubmit: tuple[str, ...] = (), targets: tuple[str, ...] = ()) -> Planned:
        planned = self.plan(resubmit=resubmit, targets=targets)
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
        return [d for d in self.checker.drifts if "/a2p/" in d]


def _find(planned: Planned, name: str, verb: Verb) -> Action | None:
    found = [a for a in planned.plan.actions if a.id == ActionId(name, verb)]
    return found[0] if found else None


def _with_brand(world: World) -> str:
    """Apply until the brand is registered; its SID."""
    for _ in range(5):
        planned = world.cycle()
        if _find(planned, BRAND, Verb.CREATE) is not None:
            return world.sid(A2P_BRAND, BRAND, "brand")
        with open_store(world.settings.state, world.settings.name) as store:
            bundles = [store.sids(PROFILE, n).get("bundle") for n in ("acme-isv", P)]
        for bundle in bundles:
            if bundle and world.sandbox.bundle(bundle).status in ("pending-review", "in-review"):
                world.sandbox.approve(bundle)
    raise AssertionError("the brand was never created")


def test_three_resubmissions_are_free_and_the_fourth_is_refused(tmp_path: Path) -> None:
    world = World(tmp_path, review_delay=0.0)
    sid = _with_brand(world)
    for count in range(1, 4):
        world.sandbox.reject(sid, f"TCR finding number {count}")  # FAILED, with a TCR id
        planned = world.cycle(resubmit=(BRAND,))
        action = _find(planned, BRAND, Verb.RESUBMIT)
        assert action is not None
        assert action.fees == ()
    world.sandbox.reject(sid, "TCR finding number 4")
    planned = world.plan(resubmit=(BRAND,))
    refused = _find(planned, BRAND, Verb.REFUSED)
    assert refused is not None
    assert _find(planned, BRAND, Verb.RESUBMIT) is None
    assert "resubmitted 3 times already" in refused.reason
    assert "21724" in refused.reason
    # Twilio's answer, had it been sent: the sandbox refuses the fourth with 21724.
    with pytest.raises(TwilioRestException) as answer:
        client_for(world.sandbox).messaging.v1.brand_registrations(sid).update()
    assert (answer.value.status, answer.value.code) == (400, 21724)
    brand = client_for(world.sandbox).messaging.v1.brand_registrations(sid).fetch()
    assert brand.status == "FAILED"
    assert world.drifts() == []


def test_a_fix_applied_in_an_earlier_run_is_picked_up_by_resubmitting_the_brand(
    tmp_path: Path,
) -> None:
    # Reviews take an hour here, so a resubmitted trust product stays in review.
    world = World(tmp_path, review_delay=3600.0)
    sid = _with_brand(world)
    product = world.sid(TRUST_PRODUCT, PRODUCT, "bundle")
    world.sandbox.approve(product)
    # TCR fails the brand, and Trust Hub rejects the trust product it was built on.
    world.sandbox.reject(sid, "Connected bundle is not valid")
    world.sandbox.reject(product, "[company_type] - Could not be verified.")
    planned = world.plan()  # recorded: the brand FAILED, the product rejected
    assert _find(planned, BRAND, Verb.RESUBMIT) is None
    time.sleep(1.1)  # the state records times to the second
    # An earlier run fixes the product only (its cause lay outside the YAML).
    earlier = world.cycle(resubmit=(PRODUCT,), targets=(PRODUCT,))
    assert _find(earlier, PRODUCT, Verb.RESUBMIT) is not None
    assert _find(earlier, BRAND, Verb.RESUBMIT) is None
    # A later apply resubmits the brand to pick the fix up, and says why.
    later = world.cycle()
    action = _find(later, BRAND, Verb.RESUBMIT)
    assert action is not None
    assert f"{PRODUCT} was resubmitted" in action.reason
    assert "pick up the fix" in action.reason
    assert client_for(world.sandbox).messaging.v1.brand_registrations(sid).fetch().status == (
        "PENDING"
    )
    assert _find(world.plan(), BRAND, Verb.RESUBMIT) is None  # once, not again
    assert world.drifts() == []
