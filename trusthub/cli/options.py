"""Options shared by several commands."""

from __future__ import annotations

import sys

import click

from trusthub.cli.completion_names import complete_profile_name

output_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, markdown for pull-request comments.",
)
text_or_json = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
no_refresh = click.option(
    "--no-refresh",
    is_flag=True,
    help="Plan from the recorded state alone, without reading Trust Hub first "
    "(what a pull request without credentials does).",
)
lock_timeout = click.option(
    "--lock-timeout",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconds to wait for the state lock held by another run.",
)

resubmit = click.option(
    "--resubmit",
    "resubmit",
    metavar="NAME",
    multiple=True,
    help="Resubmit the rejected profile, trust product or toll-free verification NAME "
    "unchanged, when the rejection's cause lay outside the YAML (repeatable).",
)

close_accounts = click.option(
    "--close-account",
    "close_accounts",
    metavar="NAME",
    multiple=True,
    help="Close the subaccount NAME, which left `accounts:` in trusthub.yaml and holds "
    "nothing trusthub manages (never done without this; repeatable).",
)

targets = click.option(
    "--target",
    "targets",
    metavar="NAME",
    multiple=True,
    shell_complete=complete_profile_name,
    help="Plan only NAME (a profile with its trust products and verifications, or one "
    "resource such as NAME/cnam) and what it depends on. Repeatable.",
)


def is_terminal() -> bool:
    return sys.stdout.isatty()
