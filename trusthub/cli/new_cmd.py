"""`trusthub new profile NAME`: a profile file with every field described and each required
value left to fill in (it fails validation, line by line, until then). `trusthub new
profiles --from clients.csv`: one profile per CSV row, all checked before any is written
(`trusthub.app.bulk_profiles`)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from trusthub.app.scaffold import (
    ProfileType,
    Role,
    ScaffoldError,
    check_profile_request,
    render_profile,
    schema_reference,
)
from trusthub.cli.context import AppContext
from trusthub.cli.schema_files import write_schema_files
from trusthub.errors import ExitCode


@click.group("new")
def new() -> None:
    """Create files from trusthub's templates."""


@new.command("profile")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["primary", "secondary"]),
    required=True,
    help="primary: the account's own profile. secondary: a brand or client attached to it.",
)
@click.option(
    "--primary",
    "primary",
    metavar="NAME",
    help="The primary business profile a secondary is attached to.",
)
@click.option(
    "--type",
    "type_",
    type=click.Choice(["business", "individual"]),
    default="business",
    show_default=True,
    help="Business or individual (individual profiles are always primary).",
)
@click.pass_obj
def profile(app: AppContext, name: str, role: str, primary: str | None, type_: str) -> None:
    """Write PROFILES/NAME.yaml: every field with its description, the required ones set to
    REPLACE-ME (or left empty), the optional ones commented out. `trusthub validate` lists
    each value still to fill in, with its line."""
    role_, kind = cast(Role, role), cast(ProfileType, type_)
    check_profile_request(name, role=role_, type_=kind, primary=primary)
    settings = app.settings
    path = settings.profiles_dir / f"{name}.yaml"
    shown = settings.relative(path)
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{shown} already exists", hint="choose another NAME, or edit it")
    reference = schema_reference(settings.root, path)
    text = render_profile(name, role=role_, type_=kind, primary=primary, schema_ref=reference)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as f:  # "x": never replace a file made meanwhile
            f.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{shown} already exists") from None
    except OSError as e:
        raise ScaffoldError(f"cannot write {shown}: {e.strerror or e}") from None
    click.echo(f"Wrote {shown}.")
    for written in write_schema_files(settings.root):  # what its first line points at
        click.echo(f"Wrote {written} (for editors: the file's first line names it).")
    click.echo(
        "Replace every REPLACE-ME (and each empty value marked so), then run "
        f"`trusthub validate {shown}`: it lists what is still missing, line by line."
    )


@new.command("profiles")
@click.option(
    "--from",
    "csv_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The CSV file: a header row naming the columns, then one row per profile.",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The jinja2 template of one profile (default: the shipped client template, "
    "templates/new/client-profile.yaml); each column is a variable.",
)
@click.option(
    "--into",
    metavar="DIR",
    help="A directory under the profiles directory to write into (e.g. clients), so its "
    "defaults in trusthub.yaml apply.",
)
@click.option("--force", is_flag=True, help="Replace profile files that already exist.")
@click.pass_obj
def profiles(
    app: AppContext, csv_file: Path, template: Path | None, into: str | None, force: bool
) -> None:
    """Write one profile per row of a CSV file, from a template. Every row is rendered and
    checked (schema, rules, the workspace's defaults and profiles) first: when any row has
    an error, each is listed as CSV:ROW:COLUMN with the JSON path and the fix, and nothing
    is written. Existing files are never replaced without --force."""
    from trusthub.app.bulk_profiles import render_profiles  # jinja2 only when used

    settings = app.settings
    if into is not None and (into.startswith("/") or ".." in into.split("/") or "\\" in into):
        raise click.BadParameter("a directory under the profiles directory", param_hint="--into")
    shown = csv_file.name if csv_file.parent == Path() else str(csv_file)
    result = render_profiles(settings, csv_file, shown, template=template, into=into, force=force)
    for problem in result.problems:
        click.echo(str(problem), err=problem.severity == "error")
    if result.has_errors:
        errors = sum(p.severity == "error" for p in result.problems)
        click.echo(
            f"{errors} error{'s' if errors != 1 else ''}: nothing was written; fix the CSV "
            "(or the template, or trusthub.yaml) and run the command again",
            err=True,
        )
        raise click.exceptions.Exit(ExitCode.PROBLEMS)
    for path, text in result.files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w" if force else "x", encoding="utf-8") as f:
                f.write(text)
        except FileExistsError:
            raise ScaffoldError(
                f"{settings.relative(path)} appeared meanwhile; nothing after it was written",
                hint="run the command again (with --force to replace it)",
            ) from None
        except OSError as e:
            raise ScaffoldError(f"cannot write {settings.relative(path)}: {e.strerror}") from None
    where = settings.relative(next(iter(result.files)).parent) if result.files else ""
    click.echo(
        f"Wrote {len(result.files)} profile{'s' if len(result.files) != 1 else ''} in {where}/."
    )
    for written in write_schema_files(settings.root):
        click.echo(f"Wrote {written} (for editors: each file's first line names it).")
