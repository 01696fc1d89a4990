"""A plan in the format a command asked for: json, markdown or text (what `plan` prints,
and what `apply` shows before it asks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trusthub.model.desired import DesiredResource
from trusthub.plan.model import Plan
from trusthub.report.plan_json import render_json
from trusthub.report.plan_markdown import render_markdown
from trusthub.report.plan_text import render_text
from trusthub.report.plan_view import Revealer, build_view


def reveal_from(desired: Mapping[str, DesiredResource]) -> Revealer:
    """Reveals the desired value at a path of a resource's attributes (None if absent)."""

    def reveal(resource: str, path: tuple[str | int, ...]) -> Any:
        value: Any = desired[resource].attributes
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    return reveal


def render_plan(
    plan: Plan,
    key: bytes,
    desired: Mapping[str, DesiredResource],
    fmt: str,
    *,
    show_sensitive: bool = False,
    colour: bool = False,
) -> str:
    """`show_sensitive` reveals new personal-data values in the text format only; json and
    markdown are shared and always masked."""
    if fmt == "json":
        return render_json(plan, key)
    view = build_view(
        plan,
        key,
        show_sensitive=show_sensitive and fmt == "text",
        reveal=reveal_from(desired),
    )
    if fmt == "markdown":
        return render_markdown(view)
    return render_text(view, colour=colour)
