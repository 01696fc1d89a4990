"""`trusthub init [DIR]`: scaffold a workspace ready for git, pre-commit and GitHub Actions."""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import click

from trusthub import __version__
from trusthub.app.scaffold import (
    CRON,
    DEFAULT_MAX_STATE_AGE_HOURS,
    DEFAULT_SCHEDULE,
    EXAMPLE_PROFILE,
    WORKSPACE_NAME,
    ScaffoldError,
    gitignore_update,
    install_requirement,
    release_package,
    render_init,
    render_profile,
    schema_reference,
    workspace_name,
)
from trusthub.cli.context import AppContext
from trusthub.cli.schema_files import write_schema_files

# A git branch name that is safe to paste into YAML and messages (git allows more).
_BRANCH = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._/-]{0,199}\Z")


@click.command("init")
@click.argument(
    "directory", required=False, type=click.Path(file_okay=False, path_type=Path), metavar="[DIR]"
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--name", help="Workspace id in trusthub.yaml. Default: the directory's name.")
@click.option(
    "--package",
    help="What the GitHub workflow pip-installs: one pip requirement, pinned (a release, "
    "a git URL with a commit or tag). Default: what this trusthub was installed from.",
)
@click.option(
    "--trusthub-version",
    metavar="VERSION",
    help="Pin the workflow to this trusthub release (trusthub[postgresql]==VERSION).",
)
@click.option(
    "--branch",
    default="main",
    show_default=True,
    help="The branch whose pushes the GitHub workflow applies.",
)
@click.option(
    "--schedule",
    default=DEFAULT_SCHEDULE,
    show_default=True,
    metavar="CRON",
    help="When the workflow refreshes and applies on its own (cron, UTC), so that "
    "approvals move onboarding on without a commit.",
)
@click.option(
    "--max-state-age",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_STATE_AGE_HOURS,
    show_default=True,
    metavar="HOURS",
    help="Pull requests planned without read-only Twilio credentials warn when the "
    "state read Trust Hub longer ago than this.",
)
@click.pass_obj
def init(
    app: AppContext,
    directory: Path | None,
    force: bool,
    name: str | None,
    package: str | None,
    trusthub_version: str | None,
    branch: str,
    schedule: str,
    max_state_age: int,
) -> None:
    """Create a workspace in DIR (default: the -C directory; a relative DIR is taken from
    there): trusthub.yaml, an example
    primary profile, .gitignore, .pre-commit-config.yaml, a GitHub Actions workflow
    that validates and plans pull requests and applies merges, and the JSON Schemas in
    schemas/ (for editors; refreshed when trusthub changes them).

    Files that exist are not overwritten without --force; an existing .gitignore gets
    trusthub's lines appended instead.
    """
    # Like `git -C`: DIR is relative to the -C directory (an absolute DIR stays absolute).
    root = (app.workspace_dir / (directory or ".")).resolve()
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} exists and is not a directory")
    name = name if name is not None else workspace_name(root.name)
    if not WORKSPACE_NAME.match(name):
        raise ScaffoldError(
            f"invalid workspace name {name!r}",
            hint="use up to 64 letters, digits, dots, dashes and underscores",
        )
    if not _BRANCH.match(branch):
        raise ScaffoldError(f"invalid branch name {branch!r}")
    if not CRON.match(schedule):
        raise ScaffoldError(
            f"invalid --schedule {schedule!r}",
            hint="five cron fields in UTC, e.g. '17 * * * *' (hourly) or '0 6 * * 1-5'",
        )
    package = _package(package, trusthub_version)

    files = render_init(
        name=name,
        package=package,
        branch=branch,
        schedule=schedule,
        max_state_age_hours=max_state_age,
    )
    profiles_dir = root / "profiles"
    example = f"profiles/{EXAMPLE_PROFILE}.yaml"
    if not _has_profiles(profiles_dir):
        files[example] = render_profile(
            EXAMPLE_PROFILE,
            role="primary",
            type_="business",
            mode="example",
            schema_ref=schema_reference(root, root / example),
        )
    existing = sorted(path for path in files if (root / path).exists())
    if existing and not force:
        raise ScaffoldError(
            "these files already exist, so nothing was written: " + ", ".join(existing),
            hint="rerun with --force to overwrite them",
        )

    gitignore_path = root / ".gitignore"
    gitignore = gitignore_update(_read(gitignore_path))
    written = _write_all(root, files)
    written += write_schema_files(root)
    if gitignore is not None:
        gitignore_path.write_text(gitignore, encoding="utf-8")
        written.append(".gitignore")
    _report(root, sorted(written), example_written=example in files)


_VERSION = re.compile(r"\A[0-9][0-9A-Za-z.+!-]*\Z")


def _package(package: str | None, version: str | None) -> str:
    """The workflow's install line: --package, --trusthub-version, else where this trusthub
    came from (a local checkout cannot be reached from a runner: then its release)."""
    if package is not None and version is not None:
        raise ScaffoldError("give --package or --trusthub-version, not both")
    if version is not None:
        if not _VERSION.match(version):
            raise ScaffoldError(
                f"invalid --trusthub-version {version!r}", hint="a release number, e.g. 1.2.0"
            )
        return release_package(version)
    if package is not None:
        if not package.strip() or "\n" in package:
            raise ScaffoldError("--package must be one pip requirement, e.g. 'trusthub==1.2.0'")
        return package
    found = install_requirement(_direct_url(), __version__)
    if found is None:
        click.echo(
            "note: this trusthub runs from a local directory, which a GitHub runner cannot "
            f"install from; the workflow installs the release {release_package()} (choose "
            "with --trusthub-version or --package)",
            err=True,
        )
        return release_package()
    return found


def _direct_url() -> dict[str, Any] | None:
    """The PEP 610 record of how trusthub was installed; None for an index release."""
    # Every trusthub metadata on the path: a checkout's own trusthub.egg-info (found
    # first from inside it) has no record; the installed one has.
    texts = [d.read_text("direct_url.json") for d in metadata.distributions(name="trusthub")]
    text = next((t for t in texts if t), None)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _has_profiles(directory: Path) -> bool:
    return directory.is_dir() and any(
        p.suffix in (".yaml", ".yml") for p in directory.iterdir() if p.is_file()
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise ScaffoldError(f"cannot read {path}: {e}") from None


def _write_all(root: Path, files: dict[str, str]) -> list[str]:
    try:
        for path, text in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    except OSError as e:
        raise ScaffoldError(f"cannot write in {root}: {e}") from None
    return list(files)


def _report(root: Path, written: list[str], *, example_written: bool) -> None:
    click.echo(f"Wrote in {root}:")
    for path in written:
        click.echo(f"  {path}")
    if not example_written:
        click.echo("profiles/ already holds profiles, so no example profile was written.")
    steps = [
        (
            "Make profiles/ yours: replace the example's made-up values (or run `trusthub "
            "new profile NAME --role primary`), then `trusthub validate` and `trusthub plan`."
        ),
        (
            "Rehearse with `trusthub apply`: it goes to the embedded sandbox until "
            "trusthub.yaml says `target: twilio`."
        ),
        (
            "Check TRUSTHUB_PACKAGE in .github/workflows/trusthub.yml, add the repository "
            "secrets it lists (TRUSTHUB_STATE, TRUSTHUB_STATE_READONLY from `trusthub state "
            "grant-readonly ROLE`, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and optionally "
            "TWILIO_READONLY_API_KEY/SECRET), then push: each pull request gets a validated "
            "plan as a comment."
        ),
        "Run `pre-commit install` to validate before each commit.",
    ]
    click.echo("\nNext steps:")
    for number, step in enumerate(steps, start=1):
        click.echo(f"  {number}. {step}")
    if not (root / ".git").exists() and _inside_git(root.parent):
        click.echo(
            "\nnote: GitHub reads workflows only from .github/ at the repository root; "
            "move it there and set `working-directory` if this workspace is a subdirectory.",
            err=True,
        )


def _inside_git(directory: Path) -> bool:
    return any((d / ".git").exists() for d in (directory, *directory.parents))
