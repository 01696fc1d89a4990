from __future__ import annotations

from tests.plan.scenario import plan_for, recorded_from
from trusthub.config.settings import SafetySettings
from trusthub.plan.safety import unsafe_reasons


def _profiles(count: int) -> dict[str, dict[str, object]]:
    base = {
        # Secondaries: trusthub writes them (a primary is the Console's, never updated).
        "apiVersion": "trusthub/v1", "kind": "CustomerProfile", "role": "secondary",
        "primary": "isv", "type": "business", "terms_of_service_accepted": True,
        "business": {"legal_name": "A B LLC"},
        "address": {"street": "1 Main St", "city": "Seattle", "region": "WA",
                    "postal_code": "98101", "country": "US"},
        "notifications": {"email": "a@b.example.com"},
    }  # fmt: skip
    return {f"p{i:02d}": {**base, "name": f"p{i:02d}"} for i in range(count)}


def _edit_city(profiles: dict[str, dict[str, object]], names: list[str]) -> None:
    for name in names:
        address = dict(profiles[name]["address"])  # type: ignore[call-overload]
        address["city"] = "Tacoma"
        profiles[name] = {**profiles[name], "address": address}


def test_updating_over_30_percent_of_10_profiles_is_unsafe() -> None:
    base = _profiles(10)
    recorded = recorded_from(base, dict.fromkeys(base, "draft"))
    edited = dict(base)
    _edit_city(edited, ["p00", "p01", "p02", "p03"])
    plan, _ = plan_for(edited, recorded)
    (reason,) = unsafe_reasons(plan, 10, SafetySettings())
    assert reason.startswith("the plan would update 4 of 10 recorded profiles (40%")
    assert "--force" in reason


def test_three_of_ten_and_small_workspaces_are_safe() -> None:
    base = _profiles(10)
    recorded = recorded_from(base, dict.fromkeys(base, "draft"))
    edited = dict(base)
    _edit_city(edited, ["p00", "p01", "p02"])
    plan, _ = plan_for(edited, recorded)
    assert unsafe_reasons(plan, 10, SafetySettings()) == []
    small = _profiles(9)
    recorded_small = recorded_from(small, dict.fromkeys(small, "draft"))
    plan, _ = plan_for({}, recorded_small)  # deleting all 9: below min_profiles
    assert unsafe_reasons(plan, 9, SafetySettings()) == []


def test_deleting_too_many_is_unsafe_with_configured_thresholds() -> None:
    base = _profiles(12)
    recorded = recorded_from(base, dict.fromkeys(base, "draft"))
    kept = {k: v for k, v in base.items() if k >= "p02"}
    plan, _ = plan_for(kept, recorded)
    assert unsafe_reasons(plan, 12, SafetySettings()) == []
    (reason,) = unsafe_reasons(plan, 12, SafetySettings(max_delete_percent=10))
    assert reason.startswith("the plan would delete 2 of 12 recorded profiles (17%")
