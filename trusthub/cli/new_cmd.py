"""`trusthub new profile NAME`: a profile file with every field described and each required
value left to fill in (it fails validation, line by line, until then)."""

from __future__ import annotations

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
