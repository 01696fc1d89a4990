"""The plan for people at a terminal. Colour only when the caller says the output is one."""

from __future__ import annotations

import click

from trusthub.common.characters import escape_invisible
from trusthub.report.plan_view import PlanView

_COLOURS = {
    "create": "green",
    "update": "yellow",
    "assign": "yellow",
    "submit": "cyan",
    "resubmit": "cyan",
    "delete": "red",
    "refused": "red",
    "waiting": "bright_black",
    "adopt": "blue",
    "move": "blue",
    "drift": "magenta",
}


def render_text(view: PlanView, *, colour: bool = False) -> str:
    """Every line is escaped (`escape_invisible`) before colour is added: a bidi override
    in a name, a path or a reason is shown as `\\u202e`, never acted on."""

    def style(text: str, verb: str) -> str:
        return click.style(text, fg=_COLOURS[verb]) if colour else text

    out: list[str] = []
    if view.partial:
        out.extend([escape_invisible(view.partial), ""])
    for profile in view.profiles:
        where = f"  ({profile.path})" if profile.path else ""
        out.append(escape_invisible(f"{profile.name}: {profile.heading}{where}"))
        for action in profile.actions:
            who = "" if action.label == "profile" else f"{action.label} "
            line = f"  {action.symbol} {action.verb:<9} {who}{action.resource}"
            if action.transitions:
                line += f"  [{action.transitions}]"
            out.append(style(escape_invisible(line), action.verb))
            for change in action.changes:
                if change.old:
                    out.append(
                        escape_invisible(f"      {change.path}: {change.old} -> {change.new}")
                    )
                else:
                    out.append(escape_invisible(f"      {change.path}: {change.new}"))
            if action.reason:
                out.append(escape_invisible(f"      {action.reason}"))
            if action.expected:
                out.append(escape_invisible(f"      then Trust Hub: {action.expected}"))
            if action.fees:
                out.append(escape_invisible(f"      $ fee-bearing: {action.fees}"))
        for e in profile.eligibility:
            out.append(escape_invisible(f"  {e.symbol} {e.label}: {e.state}, {e.detail}"))
        out.append("")
    for reason in view.unsafe:
        out.append(style(escape_invisible(f"✗ unsafe: {reason}"), "refused"))
    if view.unsafe:
        out.append("")
    if view.unchanged:
        out.append(view.unchanged)
    out.append(view.summary)
    if view.fees:
        out.append(f"$ Fees: {view.fees} (fee-bearing actions; amounts: Twilio's pricing).")
    if view.not_read and (view.has_changes or view.refused):
        out.append(f"Planned from the recorded state: Trust Hub was not read ({view.not_read}).")
    if view.conclusion:
        out.append(view.conclusion)
    return "\n".join(out) + "\n"
