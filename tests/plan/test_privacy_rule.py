"""The one rule of what counts as personal data (trusthub.model.privacy, the README's
Privacy section), and how plans show each kind: business data as written, phone numbers
and emails recognisably masked, everything else personal masked in full."""

from __future__ import annotations

from typing import Any

import pytest

from tests.plan.scenario import KEY, example_profiles, plan_for, recorded_from
from trusthub.model.privacy import is_sensitive, recognisable
from trusthub.report.plan_markdown import render_markdown
from trusthub.report.plan_text import render_text
from trusthub.report.plan_view import build_view


@pytest.mark.parametrize(
    ("path", "personal"),
    [
        (("authorized_representatives", 0, "first_name"), True),
        (("authorized_representatives", 0, "last_name"), True),
        (("authorized_representatives", 0, "email"), True),
        (("authorized_representatives", 0, "phone"), True),
        (("individual", "date_of_birth"), True),
        (("business", "registration", "number"), True),
        (("address", "street"), True),
        (("address", "postal_code"), True),
        (("business_registration_number",), True),
        (("notification_email",), True),
        (("toll_free_verifications", 0, "number"), True),
        (("business", "legal_name"), False),
        (("business", "industry"), False),
        (("business", "type"), False),
        (("business", "website"), False),
        (("friendly_name",), False),
        (("use_case_summary",), False),
        (("message_sample",), False),
        (("address", "city"), False),
        (("business", "registration", "type"), False),
    ],
)
def test_what_counts_as_personal_data(path: tuple[str | int, ...], personal: bool) -> None:
    assert is_sensitive(path) is personal


@pytest.mark.parametrize(
    ("path", "value", "shown"),
    [
        (("phone",), "+15125550123", "+1 ••• ••• 0123"),
        (("numbers", 0), "+442071838750", "+44 ••• ••• 8750"),
        (("toll_free_verifications", 0, "number"), "+18885550123", "+1 ••• ••• 0123"),
        (("email",), "priya.raman@brightsmile.example.com", "•••@brightsmile.example.com"),
        (("notification_email",), "ops@acme.example.com", "•••@acme.example.com"),
        # Fully masked: names, registration numbers, dates of birth, streets...
        (("first_name",), "Priya", None),
        (("business", "registration", "number"), "83-2716540", None),
        (("date_of_birth",), "1990-04-12", None),
        (("street",), "2100 Guadalupe Street", None),
        # ... and a value that is not what its key promises.
        (("phone",), "call me", None),
        (("email",), "no-at-sign", None),
        (("phone",), "fp:0123456789abcdef01234567", None),
    ],
)  # fmt: skip
def test_recognisable_masks(path: tuple[str | int, ...], value: Any, shown: str | None) -> None:
    assert recognisable(path, value) == shown


def test_a_create_shows_business_data_and_masks_personal_data() -> None:
    profiles = example_profiles()
    plan, desired = plan_for(profiles, recorded_from({}, {}))
    view = build_view(plan, KEY, desired=desired)
    for out in (render_text(view), render_markdown(view, limit=10**7)):
        business = (
            "BrightSmile Dental Group LLC",
            "Healthcare",
            "Limited Liability",
            "https://brightsmile-dental.example.com",
            "Practice Operations Manager",
        )
        for value in business:
            assert value in out
        for personal in ("Priya", "Raman", "83-2716540", "2100 Guadalupe", "78705",
                         "priya.raman@", "+15125550111", "5125550111"):  # fmt: skip
            assert personal not in out
        assert "+1 ••• ••• 0111" in out
