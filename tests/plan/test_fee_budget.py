"""The fee budget (`fees.max_per_apply` in trusthub.yaml): the plan counts its fee-bearing
actions per kind of fee; a plan over the budget is refused by the one refusal policy unless
--force, with the counts, the limit and where it is set. The fee kinds live in one place
(`trusthub.model.fees`), which the schema, the settings and the plans share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trusthub.app.policy import refusal
from trusthub.config.settings import FeeSettings, default_settings
from trusthub.config.settings_file import apply_settings, settings_problems
from trusthub.model import fees
from trusthub.model.kinds import A2P_BRAND, PROFILE
from trusthub.plan.model import Action, Plan, Verb
from trusthub.plan.safety import over_budget
from trusthub.report.plan_json import plan_data
from trusthub.report.plan_text import render_text
from trusthub.report.plan_view import build_view

REPO = Path(__file__).resolve().parents[2]
KEY = b"k" * 32


def _brands(count: int, *, vetted: bool = True) -> Plan:
    charged = (
        (fees.BRAND_REGISTRATION, fees.SECONDARY_VETTING) if vetted else (fees.BRAND_REGISTRATION,)
    )
    actions = [
        Action(Verb.CREATE, A2P_BRAND, f"p{i}/a2p-brand", f"p{i}", fees=charged)
        for i in range(count)
    ]
    actions.append(Action(Verb.CREATE, PROFILE, "free", "free"))
    return Plan(tuple(actions), (), (), "lineage", 1)


def _limits(**limits: int) -> FeeSettings:
    return FeeSettings(tuple({**FeeSettings().limits, **limits}.items()))


def test_the_schema_lists_exactly_the_fee_kinds() -> None:
    schema = json.loads((REPO / "schemas" / "workspace.schema.json").read_text())
    budget = schema["properties"]["fees"]["properties"]["max_per_apply"]["properties"]
    assert set(budget) == set(fees.FEES)
    assert all(entry["description"] for entry in budget.values())
    assert set(FeeSettings().limits) == set(fees.FEES)


def test_the_plan_totals_its_fee_bearing_actions() -> None:
    plan = _brands(3)
    assert plan.fee_totals() == {fees.BRAND_REGISTRATION: 3, fees.SECONDARY_VETTING: 3}
    assert plan_data(plan, KEY)["fees"] == {"brand registration": 3, "secondary vetting": 3}
    text = render_text(build_view(plan, KEY))
    assert "$ Fees: 3 brand registration, 3 secondary vetting" in text
    free = Plan((Action(Verb.CREATE, PROFILE, "free", "free"),), (), (), "lineage", 1)
    assert "fees" not in plan_data(free, KEY)
    assert "Fees" not in render_text(build_view(free, KEY))


def test_within_the_budget_the_plan_goes_ahead() -> None:
    plan = _brands(2)
    assert over_budget(plan, _limits(brand_registration=2, secondary_vetting=2)) == []
    assert over_budget(_brands(fees.DEFAULT_MAX_PER_APPLY), FeeSettings()) == []


def test_over_the_budget_the_plan_is_refused_unless_forced() -> None:
    plan = _brands(3, vetted=False)
    (reason,) = over_budget(plan, _limits(brand_registration=2))
    assert reason == (
        "the plan would pay the brand registration fee 3 times, over the limit of 2 in "
        "trusthub.yaml fees.max_per_apply.brand_registration; rerun with --force if that "
        "is intended"
    )
    unsafe = plan.with_unsafe([reason])
    refused = refusal(unsafe, force=False)
    assert refused is not None
    assert "3 times" in refused.message
    assert "fees.max_per_apply.brand_registration" in refused.message
    assert refusal(unsafe, force=True) is None


def test_the_budget_is_read_from_trusthub_yaml(tmp_path: Path) -> None:
    path = tmp_path / "trusthub.yaml"
    path.write_text("fees:\n  max_per_apply:\n    brand_registration: 1\n")
    problems, data = settings_problems(path, "trusthub.yaml")
    assert problems == []
    assert data is not None
    settings = apply_settings(data, default_settings(tmp_path))
    assert settings.fees.limits["brand_registration"] == 1
    assert settings.fees.limits["secondary_vetting"] == fees.DEFAULT_MAX_PER_APPLY
    path.write_text("fees:\n  max_per_apply:\n    brand_registrations: 1\n")
    problems, _ = settings_problems(path, "trusthub.yaml")
    assert problems


def test_each_fee_kind_has_its_settings_key_and_an_unknown_one_none() -> None:
    assert fees.settings_key(fees.SECONDARY_VETTING) == "secondary_vetting"
    with pytest.raises(KeyError):
        fees.settings_key("monthly campaign")
