"""`trusthub init [DIR]`: scaffold a workspace ready for git, pre-commit and GitHub Actions."""

from __future__ import annotations

import re
from pathlib import Path

import click

from trusthub.app.scaffold import (
    DEFAULT_PACKAGE,
    EXAMPLE_PROFILE,
    WORKSPACE_NAME,
    ScaffoldError,
    gitignore_update,
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
    default=DEFAULT_PACKAGE,
    show_default=True,
    help="What the GitHub workflow pip-installs: a pinned release or a git URL with a tag.",
)
@click.option(
    "--branch",
    default="main",
    show_default=True,
    help="The branch whose pushes the GitHub workflow applies.",
)
@click.pass_obj
def init(
    app: AppContext,
    directory: Path | None,
    force: bool,
    name: str | None,
    package: str,
    branch: str,
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
    if not package.strip() or "\n" in package:
        raise ScaffoldError("--package must be one pip requirement, e.g. 'trusthub==1.2.0'")

    files = render_init(name=name, package=package, branch=branch)
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
            "secrets it lists (TRUSTHUB_STATE, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN), then "
            "push: each pull request gets a validated plan as a comment."
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
