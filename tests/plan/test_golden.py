"""Golden plans in text, JSON and Markdown for the lifecycle cases the plan must get right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.plan.scenario import KEY, Recorded, edited, example_profiles, plan_for, recorded_from
from trusthub.model.desired import DesiredResource
from trusthub.plan.model import Plan
from trusthub.report.plan_json import render_json
from trusthub.report.plan_markdown import render_markdown
from trusthub.report.plan_text import render_text
from trusthub.report.plan_view import build_view

GOLDEN = Path(__file__).parent / "golden"
ALL_DRAFT = {
    "acme-isv": "twilio-approved",
    "brightsmile-dental": "draft",
    "greenfield-growers-coop": "draft",
    "jordan-rivera": "in-review",
    "maple-leaf-freight": "in-review",
    "thames-tea-partners": "twilio-approved",
}

Scenario = tuple[dict[str, dict[str, Any]], Recorded]


def new_workspace() -> Scenario:
    return example_profiles(), recorded_from({}, {})


def edited_draft() -> Scenario:
    base = example_profiles()
    new = edited(base)
    new["brightsmile-dental"]["business"]["website"] = "https://www.brightsmile-dental.example.com"
    new["brightsmile-dental"]["business"]["regions_of_operation"] = ["USA and Canada", "Europe"]
    return new, recorded_from(base, ALL_DRAFT)


def edit_in_review() -> Scenario:
    base = example_profiles()
    new = edited(base)
    new["maple-leaf-freight"]["business"]["industry"] = "Technology"
    return new, recorded_from(base, ALL_DRAFT)


def edit_approved() -> Scenario:
    base = example_profiles()
    new = edited(base)
    new["acme-isv"]["business"]["website"] = "https://acme.example.com"
    return new, recorded_from(base, ALL_DRAFT)


def deletes() -> Scenario:
    base = example_profiles()
    new = edited(base)
    del new["thames-tea-partners"]  # approved: refused
    del new["greenfield-growers-coop"]  # draft: deleted
    return new, recorded_from(base, ALL_DRAFT)


def rejected_fixed() -> Scenario:
    base = example_profiles()
    new = edited(base)
    rec = recorded_from(base, {**ALL_DRAFT, "brightsmile-dental": "twilio-rejected"})
    rec.records["brightsmile-dental"].rejection_reasons = (
        "[email] - Email is a suspected disposable address.",
    )
    new["brightsmile-dental"]["notifications"]["email"] = "compliance@brightsmile.example.com"
    return new, rec


def rejected_unfixed() -> Scenario:
    base = example_profiles()
    rec = recorded_from(base, {**ALL_DRAFT, "brightsmile-dental": "twilio-rejected"})
    rec.records["brightsmile-dental"].rejection_reasons = (
        "[address_sids] - PO Box addresses are not accepted for business profiles.",
    )
    return base, rec


def type_change() -> Scenario:
    base = example_profiles()
    new = edited(base)
    new["greenfield-growers-coop"]["type"] = "individual"
    return new, recorded_from(base, ALL_DRAFT)


def secondary_waits() -> Scenario:
    base = example_profiles()
    return base, recorded_from(base, {"acme-isv": "in-review"})


def eligibility() -> Scenario:
    base = example_profiles()
    new = edited(base)
    new["jordan-rivera"]["trust_products"] = {"cnam": {"display_name": "RIVERA TUTORING"}}
    statuses = {
        **ALL_DRAFT,
        "jordan-rivera": "twilio-approved",
        "acme-isv/shaken_stir": "twilio-approved",
    }
    return new, recorded_from(base, statuses)


def masking() -> Scenario:
    base = example_profiles()
    new = edited(base)
    rep = new["greenfield-growers-coop"]["authorized_representatives"][0]
    rep["email"] = "w.brandt@greenfield-growers.example.org"
    rep["phone"] = "+13125550199"
    new["greenfield-growers-coop"]["business"]["registration"]["number"] = "081466850"
    new["greenfield-growers-coop"]["address"]["street"] = "1300 West Washington Boulevard"
    return new, recorded_from(base, ALL_DRAFT)


def numbers_on_approved() -> Scenario:
    base = example_profiles()
    new = edited(base)
    new["acme-isv"]["phone_numbers"] = ["+14155550100", "+14155550101", "+14155550102"]
    return new, recorded_from(base, ALL_DRAFT)


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "new-workspace": new_workspace,
    "edited-draft": edited_draft,
    "edit-in-review-refused": edit_in_review,
    "edit-approved-refused": edit_approved,
    "delete-approved-refused-draft-deleted": deletes,
    "rejected-fixed-resubmit": rejected_fixed,
    "rejected-unfixed-waiting": rejected_unfixed,
    "type-change-refused": type_change,
    "secondary-waits-on-primary": secondary_waits,
    "eligibility-three-states": eligibility,
    "masking": masking,
    "numbers-on-approved-profile": numbers_on_approved,
}


def _reveal(desired: dict[str, DesiredResource]) -> Callable[[str, tuple[str | int, ...]], Any]:
    def reveal(resource: str, path: tuple[str | int, ...]) -> Any:
        value: Any = desired[resource].attributes
        for part in path:
            value = value[part]
        return value

    return reveal


def _plan(case: str) -> tuple[Plan, dict[str, DesiredResource]]:
    profiles, recorded = SCENARIOS[case]()
    return plan_for(profiles, recorded)


@pytest.mark.parametrize("case", sorted(SCENARIOS))
def test_plan_golden(case: str, golden: Callable[[str, Path], None]) -> None:
    plan, desired = _plan(case)
    view = build_view(plan, KEY, desired=desired)
    golden(render_text(view), GOLDEN / case / "plan.txt")
    golden(render_json(plan, KEY), GOLDEN / case / "plan.json")
    golden(render_markdown(view), GOLDEN / case / "plan.md")


def test_masking_hides_personal_data_in_every_format() -> None:
    plan, desired = _plan("masking")
    view = build_view(plan, KEY, desired=desired)
    outputs = [render_text(view), render_json(plan, KEY), render_markdown(view)]
    for secret in ("w.brandt@", "+13125550199", "081466850", "1300 West Washington", "Brandt"):
        for out in outputs:
            assert secret not in out


def test_show_sensitive_reveals_new_values_in_text(golden: Callable[[str, Path], None]) -> None:
    plan, desired = _plan("masking")
    view = build_view(plan, KEY, show_sensitive=True, reveal=_reveal(desired), desired=desired)
    text = render_text(view)
    assert "w.brandt@greenfield-growers.example.org" in text
    golden(text, GOLDEN / "masking" / "plan-show-sensitive.txt")


def test_refusal_names_the_way_out() -> None:
    plan, _ = _plan("edit-approved-refused")
    (refused,) = plan.refused
    assert refused.reason == (
        "acme-isv is twilio-approved: Trust Hub does not allow edits (error 70002). "
        "Revert business.website, or stop managing it: remove its file and run "
        "`trusthub state rm acme-isv` (Trust Hub keeps it). If Trust Hub's values are the "
        "ones to keep (a change made outside trusthub), `trusthub import --update acme-isv` "
        "writes them into the file."
    )


def test_markdown_stays_under_the_comment_limit() -> None:
    plan, desired = _plan("new-workspace")
    view = build_view(plan, KEY, desired=desired)
    text = render_markdown(view, limit=3000)
    assert len(text) <= 3000
    assert "**Left out** to stay under GitHub's 65,536-character comment limit" in text
