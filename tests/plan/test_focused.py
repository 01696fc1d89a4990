"""Focused plans at 500 brands (issue 16): text and Markdown show only what the plan does
something to, then count the rest; a Markdown plan cut to GitHub's comment limit says what
it left out and where the full plan is; the JSON plan stays complete."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.plan.scenario import KEY, example_profiles, plan_for, recorded_from
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS
from trusthub.plan.model import Plan, Verb
from trusthub.report.plan_json import render_json
from trusthub.report.plan_markdown import (
    DEFAULT_LIMIT,
    GITHUB_COMMENT_LIMIT,
    github_length,
    render_markdown,
)
from trusthub.report.plan_text import render_text
from trusthub.report.plan_view import build_view

GOLDEN = Path(__file__).parent / "golden" / "focused"
BRANDS = 500
CHANGED = "brand-0250"
RUN_URL = "https://github.com/acme/trust/actions/runs/123456"


def _workspace() -> dict[str, dict[str, Any]]:
    """acme-isv and 500 secondaries made from one template (BrightSmile's profile, with its
    A2P trust product and brand, SHAKEN/STIR and a toll-free verification), each with its
    own numbers."""
    example = example_profiles()
    template = example["brightsmile-dental"]
    profiles = {"acme-isv": example["acme-isv"]}
    for i in range(1, BRANDS + 1):
        name = f"brand-{i:04d}"
        p = copy.deepcopy(template)
        p["name"] = name
        p["business"]["legal_name"] = f"Brand {i:04d} Dental LLC"
        p["business"]["website"] = f"https://{name}.example.com"
        # Its campaigns send from the example's own numbers; here each brand has its own
        # numbers, and SHAKEN/STIR, which signs them (a number goes to two bundles).
        p["trust_products"]["a2p_messaging"].pop("campaigns", None)
        p["trust_products"]["shaken_stir"] = {}
        local, toll_free = f"+1512556{i:04d}", f"+1888556{i:04d}"
        p["phone_numbers"] = [local, toll_free]
        p["toll_free_verifications"][0]["number"] = toll_free
        p["toll_free_verifications"][0]["opt_in_image_urls"] = [
            f"https://{name}.example.com/opt-in.png"
        ]
        profiles[name] = p
    return profiles


def _applied(profiles: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Every resource of `profiles`, recorded approved."""
    _, desired = plan_for(profiles, recorded_from({}, {}))
    return {name: KINDS[d.kind].lifecycle.approved for name, d in desired.items()}


def _one_number_added() -> tuple[Plan, dict[str, DesiredResource]]:
    base = _workspace()
    new = copy.deepcopy(base)
    new[CHANGED]["phone_numbers"].append("+15125569999")
    return plan_for(new, recorded_from(base, _applied(base)))


def test_one_change_in_500_profiles_shows_one_profile(
    golden: Callable[[str, Path], None],
) -> None:
    plan, desired = _one_number_added()
    # The number goes to the profile and to its SHAKEN/STIR product: two assign actions...
    assert [(a.resource, a.verb) for a in plan.actions] == [
        (CHANGED, Verb.ASSIGN),
        (f"{CHANGED}/shaken_stir", Verb.ASSIGN),
    ]
    view = build_view(plan, KEY, desired=desired)
    text = render_text(view)
    markdown = render_markdown(view, full_plan=RUN_URL)
    # ... one change of one profile's numbers, not "2 to update".
    assert "0 to update, 1 to assign numbers (2 bundles)" in text
    assert "500 profiles and 2,002 other resources" in text
    assert "+1 ••• ••• 9999" in text  # the new number, recognisably masked
    assert "+15125569999" not in text + markdown
    assert len(text.splitlines()) < 15
    assert len(markdown.splitlines()) < 30
    golden(text, GOLDEN / "one-change-of-500.txt")
    golden(markdown, GOLDEN / "one-change-of-500.md")
    # The JSON plan stays complete: every profile, every action.
    data = json.loads(render_json(plan, KEY))
    assert len(data["profiles"]) == BRANDS + 1
    assert data["format_version"] == 2
    assert data["targets"] == []


def _first_plan() -> tuple[Plan, dict[str, DesiredResource]]:
    return plan_for(_workspace(), recorded_from({}, {}))


def test_cut_markdown_says_what_it_left_out_and_where_the_full_plan_is() -> None:
    """A first plan of 501 creates: over GitHub's limit in full, so it is cut, and the note
    counts exactly the profiles and actions without a section, naming as many as fit."""
    plan, desired = _first_plan()
    view = build_view(plan, KEY, desired=desired)
    markdown = render_markdown(view, full_plan=RUN_URL)
    assert github_length(markdown) <= DEFAULT_LIMIT < GITHUB_COMMENT_LIMIT
    shown = {p.name for p in view.profiles if f"<summary><code>{p.name}</code>" in markdown}
    left = [p for p in view.profiles if p.name not in shown]
    assert shown
    assert left
    assert len(shown) + len(left) == BRANDS + 1
    note = next(line for line in markdown.splitlines() if line.startswith("> **Left out**"))
    actions = sum(len(p.actions) for p in left)
    assert f"**{len(left):,} profile(s)** with {actions:,} action(s): " in note
    named = [p.name for p in left if f"`{p.name}`" in note]
    assert named == [p.name for p in left][: len(named)]  # the first ones, in order
    assert note.endswith(f" and {len(left) - len(named):,} more.")
    assert f"[the JSON plan, artefact `trusthub-plan` of this workflow run]({RUN_URL})" in (
        markdown
    )
    assert markdown.rstrip().endswith("personal data masked</sub>")


def test_cut_markdown_golden(golden: Callable[[str, Path], None]) -> None:
    """The cut at a small limit, to keep the golden reviewable; the real limit is above."""
    plan, desired = _first_plan()
    markdown = render_markdown(build_view(plan, KEY, desired=desired), limit=8000)
    assert github_length(markdown) <= 8000
    golden(markdown, GOLDEN / "first-plan-cut.md")


@pytest.mark.parametrize(
    ("text", "length"),
    [("abc", 3), ("•••", 3), ("✗ refused", 9), ("😀", 2)],
)
def test_github_length_counts_characters_not_bytes(text: str, length: int) -> None:
    assert github_length(text) == length
    if text.isascii():
        assert len(text.encode()) == length
    else:
        assert len(text.encode()) > length
