"""trusthub.plan.partial on computed plans: `target` keeps a name's actions and everything
they depend on, and changes the checksum; `held_back` holds back a refused profile whole
and whatever depends on it, and nothing else."""

from __future__ import annotations

import pytest

from tests.plan.scenario import edited, example_profiles, plan_for, recorded_from
from tests.plan.test_golden import ALL_DRAFT
from trusthub.plan.model import ActionId, Verb
from trusthub.plan.partial import UnknownTargetError, held_back, target


def test_target_keeps_what_the_name_depends_on() -> None:
    plan, _ = plan_for(example_profiles(), recorded_from({}, {}))
    part = target(plan, ["brightsmile-dental"])
    assert part.targets == ("brightsmile-dental",)
    assert {a.profile for a in part.actions} == {"acme-isv", "brightsmile-dental"}
    kept = {a.id for a in part.actions}
    for action in part.actions:  # closed under dependencies
        assert all(dep in kept for dep in action.depends_on)
    assert ActionId("acme-isv", Verb.ADOPT) in kept  # the secondary needs its primary
    assert ActionId("jordan-rivera", Verb.ADOPT) not in kept
    assert part.checksum() != plan.checksum()
    assert target(plan, []) is plan


def test_target_of_one_resource() -> None:
    base = example_profiles()
    statuses = {**ALL_DRAFT, "acme-isv": "twilio-approved"}
    plan, _ = plan_for(base, recorded_from(base, statuses))
    part = target(plan, ["acme-isv/cnam"])
    assert {a.resource for a in part.actions} == {"acme-isv/cnam"}


def test_target_of_an_unknown_name_is_a_usage_error() -> None:
    plan, _ = plan_for(example_profiles(), recorded_from({}, {}))
    with pytest.raises(UnknownTargetError, match="--target acme: no profile"):
        target(plan, ["acme"])


def test_held_back_is_the_refused_profile_and_what_depends_on_it() -> None:
    base = example_profiles()
    new = edited(base)
    gg = "greenfield-growers-coop"
    new[gg]["business"]["website"] = "https://greenfield.example.com"  # approved: refused
    new["thames-tea-partners"]["business"]["website"] = "https://thames.example.co.uk"
    statuses = {
        **ALL_DRAFT,
        "acme-isv": "twilio-approved",
        gg: "twilio-approved",
        "thames-tea-partners": "draft",
    }
    plan, _ = plan_for(new, recorded_from(base, statuses))
    held = {str(h.action.id): h.because for h in held_back(plan)}
    assert held[f"{gg}:refused"] == "refused"
    # The secondary's own trust products go with the refusal.
    assert held[f"{gg}/cnam:create"] == f"{gg}:refused"
    assert held[f"{gg}/cnam:submit"] == f"{gg}:refused"
    # Others are not held back: the draft's update runs.
    assert "thames-tea-partners:update" not in held
    assert any(str(a.id) == "thames-tea-partners:update" for a in plan.actions)
    # Waiting actions run in no apply: never listed.
    assert not any(h.action.verb is Verb.WAITING for h in held_back(plan))
