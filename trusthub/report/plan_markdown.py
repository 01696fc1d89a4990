"""The plan as Markdown for a pull-request comment, from `templates/plan.md`, kept under
GitHub's comment limit by leaving out whole profiles (refused and changed ones are kept
first) with a note that says how many profiles and actions were left out, which ones (as
many names as fit) and where the full plan is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from trusthub.report.plan_view import PlanView, ProfileView
from trusthub.report.templates import environment

GITHUB_COMMENT_LIMIT: Final = 65536
# Room kept for what the generated workflow appends to the comment (the state note, the
# commit and run link: under 400 characters), so the comment stays under GitHub's limit
# with its footer.
FOOTER_RESERVE: Final = 1000
DEFAULT_LIMIT: Final = GITHUB_COMMENT_LIMIT - FOOTER_RESERVE


def github_length(text: str) -> int:
    """The length GitHub's limit applies to. UNCONFIRMED whether GitHub counts code points
    or UTF-16 code units; this counts UTF-16 code units, the larger of the two (a character
    outside the Basic Multilingual Plane, such as an emoji, counts twice), so a comment
    under this limit is under GitHub's either way. Never bytes: `•` is one character."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class LeftOut:
    """What a cut plan leaves out, for the note that says so."""

    profiles: int
    actions: int
    names: tuple[str, ...]  # the first few, as many as fit
    more: int  # left-out profiles not named
    full_plan: str  # a URL, or "" (the note then says how to make the full plan)


def _priority(p: ProfileView) -> int:
    return 0 if p.refused else (1 if p.changed else 2)


def render_markdown(view: PlanView, *, limit: int = DEFAULT_LIMIT, full_plan: str = "") -> str:
    template = environment().get_template("plan.md")
    ordered = sorted(view.profiles, key=_priority)

    def render(count: int, names: int) -> str:
        keep = {p.name for p in ordered[:count]}
        shown = [p for p in view.profiles if p.name in keep]
        left = ordered[count:]
        left_out = LeftOut(
            profiles=len(left),
            actions=sum(len(p.actions) for p in left),
            names=tuple(p.name for p in left[:names]),
            more=len(left) - min(names, len(left)),
            full_plan=full_plan,
        )
        return template.render(view=view, shown=shown, left_out=left_out)

    text = render(len(ordered), 0)
    if github_length(text) <= limit:
        return text
    low, high = 0, len(ordered)  # the largest count that fits
    while low < high:
        mid = (low + high + 1) // 2
        if github_length(render(mid, 0)) <= limit:
            low = mid
        else:
            high = mid - 1
    text = render(low, 0)
    # Name as many of the left-out profiles as the room left allows (each costs its name,
    # two backticks and ", "); a margin covers the "and N more" words.
    room = limit - github_length(text) - 40
    names = 0
    for p in ordered[low:]:
        cost = github_length(p.name) + 4
        if cost > room:
            break
        room -= cost
        names += 1
    while names:
        named = render(low, names)
        if github_length(named) <= limit:
            return named
        names -= 1
    if github_length(text) > limit:  # even the summary alone is too long
        cut = text[: limit - 200]
        while github_length(cut) > limit - 200:
            cut = cut[:-100]
        text = cut[: cut.rfind("\n")] + "\n\n_Plan cut to fit GitHub's comment size limit._\n"
    return text
