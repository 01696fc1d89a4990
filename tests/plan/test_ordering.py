"""Ordering edges the engine must add (each was missing once)."""

from __future__ import annotations

from tests.plan.scenario import edited, example_profiles, plan_for, recorded_from
from trusthub.plan.model import ActionId, Verb


def test_an_assignment_waits_for_the_update_of_the_same_resource() -> None:
    # Both converge the bundle's objects; run at once they raced (a duplicate entity
    # assignment, a number bought twice: Twilio errors 20001 and 21422).
    profiles = example_profiles()
    statuses = dict.fromkeys(profiles, "draft")
    recorded = recorded_from(profiles, statuses)
    changed = edited(profiles)
    name = "brightsmile-dental"
    changed[name]["notifications"]["email"] = "compliance@brightsmile.example"
    changed[name]["phone_numbers"] = [*changed[name]["phone_numbers"], "+14155550169"]
    plan, _ = plan_for(changed, recorded)
    by_id = {a.id: a for a in plan.actions}
    assign = by_id[ActionId(name, Verb.ASSIGN)]
    assert ActionId(name, Verb.UPDATE) in by_id
    assert ActionId(name, Verb.UPDATE) in assign.depends_on
    ids = [a.id for a in plan.actions]
    assert ids.index(ActionId(name, Verb.UPDATE)) < ids.index(ActionId(name, Verb.ASSIGN))
