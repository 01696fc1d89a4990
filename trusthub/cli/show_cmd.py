"""`trusthub show NAME`: one profile, what its file asks for and what the state recorded."""

from __future__ import annotations

import json
from typing import Any

import click
import yaml

from trusthub.cli.completion_names import complete_profile_name
from trusthub.cli.context import AppContext
from trusthub.cli.options import text_or_json
from trusthub.common.json_path import JsonPath, format_json_path


def render_text(shown: dict[str, Any]) -> str:
    lines = [f"{shown['profile']}  ({shown['path'] or 'no file in the workspace'})"]
    for p in shown["problems"]:
        where = ":".join(str(x) for x in (p["path"], p["line"], p["column"]) if x is not None)
        lines.append(f"  {where}: {p['severity']} [{p['rule']}] {p['message']}")
    if shown.get("inherited"):
        lines.append("")
        lines.append("profile, resolved (values marked `# from` are inherited):")
        lines.extend(f"  {line}" for line in resolved_lines(shown["document"], shown["inherited"]))
    for r in shown["resources"]:
        lines.append("")
        gone = "its file has errors" if shown["problems"] else "its file no longer asks for it"
        declared = "" if r["declared"] else f"  (recorded only: {gone})"
        lines.append(f"{r['resource']}  [{r['kind']}]{declared}")
        since = f" since {r['since']}" if r["since"] else ""
        lines.append(f"  status: {r['status'] or 'not created'}{since}")
        for reason in r["explained"]:
            lines.append(f"  rejected: {reason}")
        for role, sid in r["sids"].items():
            lines.append(f"  {role}: {sid}")
        if r["attributes"] is not None:
            lines.append("  attributes:")
            dumped = yaml.safe_dump(r["attributes"], sort_keys=False, allow_unicode=True)
            lines.extend(f"    {line}" for line in dumped.splitlines())
    return "\n".join(lines)


def resolved_lines(document: Any, inherited: dict[str, str], path: JsonPath = ()) -> list[str]:
    """The resolved profile as YAML lines, each inherited value's key line ending with a
    comment that says where it is written (`# from trusthub.yaml defaults.roles.secondary`)."""
    lines: list[str] = []
    for key, value in document.items():
        here = (*path, key)
        origin = inherited.get(format_json_path(here))
        comment = f"  # from {origin}" if origin else ""
        if isinstance(value, dict) and value:
            lines.append(f"{_key(key)}:{comment}")
            lines.extend(f"  {line}" for line in resolved_lines(value, inherited, here))
        elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            lines.append(f"{_key(key)}:{comment}")
            dumped = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=10_000)
            lines.extend(f"  {line}" for line in dumped.splitlines())
        else:
            flow = (
                yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
                .removesuffix("\n...\n")
                .rstrip("\n")
            )
            lines.append(f"{_key(key)}: {flow}{comment}")
    return lines


def _key(key: str) -> str:
    return yaml.safe_dump(key, allow_unicode=True).removesuffix("\n...\n").rstrip("\n")


@click.command("show")
@click.argument("name", shell_complete=complete_profile_name)
@text_or_json
@click.option(
    "--show-sensitive",
    is_flag=True,
    help="Show personal data instead of masking it (for your terminal, not for sharing).",
)
@click.pass_obj
def show(app: AppContext, name: str, fmt: str, show_sensitive: bool) -> None:
    """NAME (a profile, or one of its resources as `profile/part`): every resource its file
    asks for, with its attributes (personal data masked), and what the state recorded of
    each: status and since when, rejections explained, the SIDs of its Trust Hub objects.
    Works while files of the workspace are broken."""
    # Here, not at the top: shell completion of NAME loads this module on every Tab.
    from trusthub.app.showing import show_profile

    shown = show_profile(app.settings, name, show_sensitive=show_sensitive)
    if fmt == "json":
        click.echo(json.dumps(shown, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(render_text(shown))
