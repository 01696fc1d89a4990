"""A plan in the format a command asked for: json, markdown or text (what `plan` prints,
and what `apply` shows before it asks)."""

from __future__ import annotations

from collections.abc import Mapping

from trusthub.model.desired import DesiredResource
from trusthub.plan.model import Plan
from trusthub.report.plan_json import render_json
from trusthub.report.plan_text import render_text
from trusthub.report.plan_view import build_view, reveal_from

__all__ = ["render_plan", "reveal_from"]


def render_plan(
    plan: Plan,
    key: bytes,
    desired: Mapping[str, DesiredResource],
    fmt: str,
    *,
    show_sensitive: bool = False,
    colour: bool = False,
    not_read: str = "",
    full_plan: str = "",
) -> str:
    """`show_sensitive` reveals new personal-data values in the text format only; json and
    markdown are shared and always masked. `not_read`: why Trust Hub was not read before
    planning ("" when it was). `full_plan`: where a cut Markdown plan's full version is (a
    URL; "" says how to make it)."""
    if fmt == "json":
        return render_json(plan, key)
    view = build_view(
        plan,
        key,
        show_sensitive=show_sensitive and fmt == "text",
        desired=desired,
        not_read=not_read,
        checksum=fmt == "markdown",  # the only format of a view that shows it
    )
    if fmt == "markdown":
        # Imported here: its templates (jinja2) cost a text plan tens of milliseconds.
        from trusthub.report.plan_markdown import render_markdown

        return render_markdown(view, full_plan=full_plan)
    return render_text(view, colour=colour)
