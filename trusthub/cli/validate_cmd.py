"""`trusthub validate [PATH...]`: check profiles (and trusthub.yaml) and list every problem.

Exit 0 when there is no error (warnings allowed), 1 when there is one, 2 for bad usage.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from trusthub.app.loading import load_workspace
from trusthub.cli.context import AppContext
from trusthub.config.settings import SETTINGS_FILE, Settings, default_settings
from trusthub.config.settings_file import apply_settings, settings_problems
from trusthub.errors import ExitCode, Problem
from trusthub.report.problems import FORMATS, render


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format. Default: github when GITHUB_ACTIONS=true, else text.",
)
@click.option("--no-cache", is_flag=True, help="Check every file again, ignoring the cache.")
@click.pass_obj
def validate(app: AppContext, paths: tuple[Path, ...], fmt: str | None, no_cache: bool) -> None:
    """Check profile files against the schema and the business rules.

    PATHs are files or directories, relative to the workspace (-C); the default is the
    workspace's profiles directory. trusthub.yaml is always checked too; naming it checks
    every profile. Cross-profile rules read the other profiles from the validation cache.
    """
    root = app.workspace_dir
    if not root.is_dir():
        raise click.BadParameter(f"{root} is not a directory", param_hint="-C/--workspace")
    targets = [root / p for p in paths]  # absolute paths stay absolute
    for given, target in zip(paths, targets, strict=True):
        if not target.exists() and not target.is_symlink():
            raise click.BadParameter(f"{given} does not exist", param_hint="PATH")
    settings_file = (root / SETTINGS_FILE).resolve()
    if any(target.resolve() == settings_file for target in targets):
        targets = []  # its settings apply to every profile (the pre-commit hook passes it)
    settings, problems, files = _settings(root)
    loaded = load_workspace(settings, targets or None, use_cache=not no_cache, whole=False)
    problems = sorted([*problems, *loaded.problems])
    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    color = fmt == "text" and "NO_COLOR" not in os.environ and _stdout_is_terminal()
    output = render(
        fmt,
        problems,
        profiles_checked=loaded.files_checked,
        files_checked=loaded.files_checked + files,
        color=color,
    )
    click.echo(output, nl=False, color=color)
    if any(p.severity == "error" for p in problems):
        raise click.exceptions.Exit(ExitCode.PROBLEMS)


def _settings(root: Path) -> tuple[Settings, list[Problem], int]:
    """Settings of the workspace, the settings file's problems, and how many settings files
    were checked. A broken trusthub.yaml is reported, and the defaults are used."""
    defaults = default_settings(root)
    path = defaults.root / SETTINGS_FILE
    if not path.is_file():
        return defaults, [], 0
    problems, data = settings_problems(path, SETTINGS_FILE)
    if data is None:
        return defaults, problems, 1
    # Data with problems: only keys of `defaults:` were refused; the rest still applies.
    return apply_settings(data, replace(defaults, settings_file=path)), problems, 1


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
