"""Nothing trusthub prints acts on a bidi control or hides an invisible character from the
reader: plans (text, Markdown, JSON) and problem listings (text, JSON, GitHub) show them as
`\\u202e` escapes (issue 17)."""

from __future__ import annotations

import json
import re

from trusthub.common.characters import escape_invisible
from trusthub.errors import Location, Problem
from trusthub.report.plan_markdown import render_markdown
from trusthub.report.plan_text import render_text
from trusthub.report.plan_view import (
    ActionView,
    ChangeLine,
    PlanView,
    ProfileView,
    show_value,
)
from trusthub.report.problems import render

RLO = "\u202e"
HIDDEN = ("\u202e", "\u200b", "\ufeff", "\u2066", "\u200f", "\U000e0041")


def _view(text: str) -> PlanView:
    action = ActionView(
        symbol="~",
        verb="update",
        resource="acme",
        label="profile",
        transitions="",
        expected="",
        reason=f"because {text}",
        changes=(
            ChangeLine("business.legal_name", show_value("Acme LLC"), show_value(f"Acme {text}")),
        ),
        depends_on="",
    )
    profile = ProfileView(
        name="acme",
        heading="primary business profile, draft",
        path=f"profiles/acme{text}.yaml",
        actions=(action,),
        eligibility=(),
        changed=True,
        refused=False,
    )
    return PlanView(
        serial=1,
        lineage="l",
        checksum="0" * 64,
        profiles=(profile,),
        summary="1 to update",
        unsafe=(),
        refused=0,
        has_changes=True,
    )


def test_plans_never_print_a_bidi_control_or_an_invisible_character_raw() -> None:
    text = "".join(HIDDEN) + "CLL"
    for rendered in (render_text(_view(text)), render_text(_view(text), colour=True)):
        assert not any(ch in rendered for ch in HIDDEN)
        assert "\\u202e\\u200b\\ufeff\\u2066\\u200f\\udb40\\udc41CLL" in rendered
    markdown = render_markdown(_view(text))
    assert not any(ch in markdown for ch in HIDDEN)
    assert "\\u202e" in markdown


def test_escaping_keeps_json_the_same_json_and_ordinary_text_as_it_is() -> None:
    value = {"name": "Zoë\u202e\U000e0041 \u00e9t\u00e9\tx\n"}
    dumped = json.dumps(value, ensure_ascii=False)
    assert json.loads(escape_invisible(dumped)) == value
    assert escape_invisible("Zoë Ünal, 東京, مرحبا\tx\n") == "Zoë Ünal, 東京, مرحبا\tx\n"


def test_problem_listings_never_print_a_bidi_control_raw() -> None:
    problem = Problem(Location(f"profiles/a{RLO}b.yaml", 1, 1), "schema", f"found {RLO}x")
    for fmt in ("text", "json", "github"):
        out = render(fmt, [problem], profiles_checked=1, files_checked=1)
        assert RLO not in out, fmt
        assert "\\u202e" in out


def test_markdown_never_mentions_anyone_or_links_an_issue() -> None:
    """`@octocat @org/team #1` in a profile field reaches the PR comment as text: GitHub
    would notify the user and the team, and link issue 1, if the signs stayed bare."""
    markdown = render_markdown(_view("@octocat @org/team #1 and org/repo#12"))
    assert "`profiles/acme@octocat @org/team #1 and org/repo#12.yaml`" in markdown
    markdown = re.sub(r"`[^`]*`", "", markdown)  # GitHub mentions and links nothing in code
    assert re.search(r"@[A-Za-z0-9]", markdown) is None
    assert re.search(r"(?<!&)#[0-9]", markdown) is None
    assert "@&#8203;octocat @&#8203;org/team #&#8203;1 and org/repo#&#8203;12" in markdown


def test_every_invisible_character_is_one_isprintable_refuses() -> None:
    """escape_invisible skips printable texts and characters on this ground alone."""
    import sys

    from trusthub.common.characters import invisible

    assert not [c for c in map(chr, range(sys.maxunicode + 1)) if c.isprintable() and invisible(c)]
