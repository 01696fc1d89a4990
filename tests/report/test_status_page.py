"""The status report's content (pure): standings from each kind's lifecycle, ages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import pytest

from trusthub.model.kinds import A2P_BRAND, PROFILE
from trusthub.plan.model import Action, Plan, ProfileSummary, Verb
from trusthub.report.status_page import build_status_page, describe_age

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Rec(NamedTuple):
    kind: str
    status: str | None
    status_since: str | None
    rejection_reasons: tuple[str, ...] = ()


class Ev(NamedTuple):
    time: str
    actor: str
    name: str
    action: str
    from_status: str | None
    to_status: str | None


@pytest.mark.parametrize(
    ("kind", "status", "standing"),
    [
        (PROFILE, "draft", "draft"),
        (PROFILE, "pending-review", "in-review"),
        (PROFILE, "twilio-approved", "done"),
        (PROFILE, "twilio-rejected", "rejected"),
        (A2P_BRAND, "PENDING", "in-review"),  # a brand starts in review: no draft
        (A2P_BRAND, "APPROVED", "done"),
        (A2P_BRAND, "FAILED", "rejected"),
        (A2P_BRAND, "SUSPENDED", "rejected"),  # beyond the review: needs someone
    ],
)
def test_the_standing_of_a_status_comes_from_its_kinds_lifecycle(
    kind: str, status: str, standing: str
) -> None:
    name = "acme" if kind == PROFILE else "acme/a2p-brand"
    page = build_status_page(
        Plan(actions=(), eligibility=(), profiles=(), lineage="l", serial=1),
        {name: Rec(kind, status, "2026-11-30T12:00:00+00:00")},
        [],
        workspace="w",
        now=NOW,
    )
    (row,) = page.rows
    assert row.standing == standing
    assert row.age_seconds == 86400
    assert page.counts[standing] == 1


def test_waits_refusals_next_steps_and_a_timeline_per_profile() -> None:
    plan = Plan(
        actions=(
            Action(Verb.SUBMIT, PROFILE, "acme", "acme"),
            Action(Verb.WAITING, PROFILE, "beta", "beta", reason="submit waits for acme"),
            Action(Verb.REFUSED, PROFILE, "gamma", "gamma", reason="gamma is in review"),
        ),
        eligibility=(),
        profiles=tuple(
            ProfileSummary(n, "secondary", "business", None, None, f"profiles/{n}.yaml")
            for n in ("acme", "beta", "gamma")
        ),
        lineage="l",
        serial=1,
    )
    events = [
        Ev("2026-11-30T10:00:00+00:00", "ci", "acme", "submit", "draft", "pending-review"),
        Ev("2026-11-29T10:00:00+00:00", "ci", "acme", "create", None, "draft"),
    ]
    page = build_status_page(plan, {}, events, workspace="w", now=NOW)
    rows = {r.resource: r for r in page.rows}
    assert rows["acme"].next_steps == ("submit",)
    assert rows["beta"].waits == ("submit waits for acme",)
    assert rows["gamma"].refused
    assert rows["acme"].what == "Customer profile (secondary)"
    assert [e.action for e in page.timelines["acme"]] == ["create", "submit"]
    assert page.timelines["acme"][1].transition == "draft -> pending-review"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (40, "40 s"), (125, "2 min"), (3 * 3600 + 120, "3 h 2 min"), (90061, "1 d 1 h")],
)
def test_ages_read_as_people_say_them(seconds: int | None, text: str) -> None:
    assert describe_age(seconds) == text
