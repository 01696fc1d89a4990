"""The field changes an update records in the audit log, and how `history` renders events
with and without them."""

from __future__ import annotations

from typing import Any

from trusthub.common.json_path import JsonPath
from trusthub.model.privacy import fingerprint_key, seal
from trusthub.report.history import field_changes, history_data, render_table
from trusthub.state.model import AuditEvent

KEY = fingerprint_key("lineage-of-the-test")


def _event(event_id: int, action: str, detail: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        id=event_id,
        time="2026-12-02T03:00:00Z",
        actor="ci",
        kind="profile",
        name="acme",
        action=action,
        from_status="draft",
        to_status="draft",
        plan_checksum=None,
        detail=detail,
    )


def test_changes_keep_business_data_and_mask_personal_data_as_plans_do() -> None:
    before = {
        "business": {"website": "https://a.example.com", "industry": "Healthcare"},
        "authorized_representatives": [{"email": "old@a.example.com", "phone": "+15125550111"}],
    }
    after = {
        "business": {"website": "https://b.example.com", "industry": "Healthcare"},
        "authorized_representatives": [
            {"email": "new@b.example.com", "phone": "+15125550122", "first_name": "Priya"}
        ],
    }
    raw: dict[JsonPath, Any] = {("authorized_representatives", 0, "email"): "new@b.example.com"}
    changes = field_changes(seal(before, KEY), seal(after, KEY), KEY, lambda path: raw.get(path))
    by_path = {c["path"]: c for c in changes}
    assert list(by_path) == [
        "authorized_representatives[0].email",
        "authorized_representatives[0].first_name",
        "authorized_representatives[0].phone",
        "business.website",
    ]
    assert by_path["business.website"] == {
        "path": "business.website",
        "old": "https://a.example.com",
        "new": "https://b.example.com",
        "sensitive": False,
    }
    email = by_path["authorized_representatives[0].email"]
    assert email["old"].startswith("<sensitive:")
    assert email["new"] == "•••@b.example.com"  # its raw value was at hand
    # No raw value given: masked in full; an added field has no old value.
    assert by_path["authorized_representatives[0].phone"]["new"].startswith("<sensitive:")
    assert by_path["authorized_representatives[0].first_name"]["old"] is None
    for value in ("old@a.example.com", "new@b.example.com", "+15125550111", "Priya"):
        assert value not in repr(changes)


def test_a_raw_value_that_is_not_the_recorded_one_is_not_shown() -> None:
    before = seal({"notifications": {"email": "a@x.example.com"}}, KEY)
    after = seal({"notifications": {"email": "b@y.example.com"}}, KEY)
    [change] = field_changes(before, after, KEY, lambda path: "c@z.example.com")
    assert change["new"].startswith("<sensitive:")


def test_a_list_of_numbers_is_masked_number_by_number() -> None:
    before = seal({"phone_numbers": ["+15125550140"]}, KEY)
    numbers = ["+15125550140", "+15125550141"]
    after = seal({"phone_numbers": numbers}, KEY)
    [change] = field_changes(before, after, KEY, lambda path: numbers)
    assert change["new"] == ["+1 ••• ••• 0140", "+1 ••• ••• 0141"]
    assert change["old"][0].startswith("<sensitive:")


def test_events_render_with_their_changes_and_older_events_as_before() -> None:
    changes = [
        {"path": "business.website", "old": "https://a", "new": "https://b", "sensitive": False},
        {"path": "notifications.email", "old": None, "new": "•••@b", "sensitive": True},
    ]
    events = [
        _event(1, "create", {"action": "create"}),  # recorded before changes were
        _event(2, "update", {"action": "update", "changes": changes}),
        _event(3, "update", {"action": "update", "changes": "not a list"}),
    ]
    lines = render_table(events).splitlines()
    assert lines[2:5] == [
        lines[2],
        '    business.website: "https://a" -> "https://b"',
        "    notifications.email: (absent) -> •••@b",
    ]
    assert lines[2].split()[3] == "update"
    assert len(lines) == 6  # header, three events, two change lines
    data = history_data(events)
    assert data["format_version"] == 1
    assert [e["changes"] for e in data["events"]] == [[], changes, []]
    assert data["events"][1]["detail"] == {"action": "update"}


def test_a_drift_event_names_the_fields_changed_outside_trusthub() -> None:
    drift = _event(4, "drift", {"fields": ["notifications.email"], "numbers": True})
    assert render_table([drift]).splitlines()[2] == (
        "    changed outside trusthub: notifications.email, phone numbers"
    )
    assert (
        len(render_table([_event(5, "drift", {"fields": [], "numbers": False})]).splitlines()) == 2
    )
