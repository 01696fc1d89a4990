"""The plan as Markdown for a pull-request comment, from `templates/plan.md`, kept under
GitHub's comment limit by leaving out whole profile sections (refused and changed ones
are kept first) with a note saying so."""

from __future__ import annotations

from trusthub.report.plan_view import PlanView, ProfileView
from trusthub.report.templates import environment

GITHUB_COMMENT_LIMIT = 65536


def _priority(p: ProfileView) -> int:
    return 0 if p.refused else (1 if p.changed else 2)


def render_markdown(view: PlanView, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    template = environment().get_template("plan.md")
    ordered = sorted(view.profiles, key=_priority)

    def render(count: int) -> str:
        keep = {p.name for p in ordered[:count]}
        shown = [p for p in view.profiles if p.name in keep]
        return template.render(view=view, shown=shown, hidden=len(view.profiles) - count)

    text = render(len(ordered))
    if len(text) <= limit:
        return text
    low, high = 0, len(ordered)  # the largest count that fits
    while low < high:
        mid = (low + high + 1) // 2
        if len(render(mid)) <= limit:
            low = mid
        else:
            high = mid - 1
    text = render(low)
    if len(text) > limit:  # even the summary table alone is too long
        cut = text[: limit - 200]
        text = cut[: cut.rfind("\n")] + "\n\n_Plan cut to fit GitHub's comment size limit._\n"
    return text
