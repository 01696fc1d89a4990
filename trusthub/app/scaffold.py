"""Files rendered from `templates/init/` and `templates/new/`. Pure: every function returns
text; `trusthub init` and `trusthub new` decide what is written where.

Field descriptions in the generated YAML come from the shipped JSON Schemas, so a scaffold
never describes a field differently from `trusthub validate`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import jinja2
import yaml

from trusthub import __version__
from trusthub.config.settings import STATE_DIR, default_settings
from trusthub.errors import TrusthubError
from trusthub.rules.schema import load_schema

PLAN_MARKER: Final = "<!-- trusthub-plan -->"  # the first line of `plan --format markdown`
PLACEHOLDER: Final = "REPLACE-ME"
# trusthub's own git repository: pre-commit fetches the `trusthub-validate` hook from it
# (.pre-commit-hooks.yaml) at the tag `v<version>`.
SOURCE_REPO: Final = "https://github.com/OWNER/trusthub"
EXAMPLE_PROFILE: Final = "example-primary"
DEFAULT_SCHEDULE: Final = "17 * * * *"  # hourly, off the hour GitHub's schedules crowd
DEFAULT_MAX_STATE_AGE_HOURS: Final = 24
# A cron line GitHub accepts: five fields of digits and * , - / (no names, no @hourly).
CRON: Final = re.compile(r"\A[0-9*,/-]+( [0-9*,/-]+){4}\Z")


def release_package(version: str = __version__) -> str:
    """The requirement of a trusthub release, with the PostgreSQL driver the shared state
    needs."""
    return f"trusthub[postgresql]=={version}"


def install_requirement(direct_url: Mapping[str, Any] | None, version: str) -> str | None:
    """What pip installs on a runner to get the trusthub that is running here, from its
    PEP 610 record (direct_url.json; None for a release installed from an index). A VCS
    install is pinned to its commit; an archive by URL to that URL (and hash). None when
    the source cannot be reached from a runner (a local directory or file): the caller
    then pins the release `version` and says so."""
    if direct_url is None:
        return release_package(version)
    url = str(direct_url.get("url", ""))
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, Mapping) and url and not url.startswith("file:"):
        return f"trusthub[postgresql] @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    archive = direct_url.get("archive_info")
    if isinstance(archive, Mapping) and url and not url.startswith("file:"):
        hashes = archive.get("hashes") or {}
        fragment = "#sha256=" + hashes["sha256"] if "sha256" in hashes else ""
        return f"trusthub[postgresql] @ {url}{fragment}"
    return None


def _name_pattern(schema: str) -> re.Pattern[str]:
    # The schema's own pattern; \Z because `$` would also accept a trailing newline.
    pattern: str = load_schema(schema)["properties"]["name"]["pattern"]
    return re.compile(pattern.replace("^", r"\A").replace("$", r"\Z"))


PROFILE_NAME: Final = _name_pattern("profile")
WORKSPACE_NAME: Final = _name_pattern("workspace")
GITIGNORE_LINES: Final = (f"{STATE_DIR}/",)

Role = Literal["primary", "secondary"]
ProfileType = Literal["business", "individual"]
Mode = Literal["placeholder", "example"]


class ScaffoldError(TrusthubError):
    """A scaffold cannot be written (a file exists, a name is invalid)."""


@functools.cache
def _environment() -> jinja2.Environment:
    # Not trusthub.report.templates.environment(): these are YAML, not Markdown/HTML, and
    # need their own helpers. Same loader and strictness.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("trusthub", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["q"] = lambda value: json.dumps(str(value))  # a YAML double-quoted string
    env.filters["optional"] = _optional
    return env


def _optional(text: str, active: bool) -> str:
    """Comment out an optional block (`# ` at the block's own indentation), so that one
    "toggle comment" in an editor turns it on; `active` leaves it as is."""
    if active:
        return text
    lines = text.splitlines(keepends=True)
    indent = min((len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()), default=0)
    return "".join(ln[:indent] + "# " + ln[indent:] if ln.strip() else ln for ln in lines)


def _node(schema: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    """The schema of a field: `business.registration.type`, `authorized_representatives[]`."""
    node: Mapping[str, Any] = schema
    for part in path.split("."):
        is_item = part.endswith("[]")
        node = node["properties"][part.removesuffix("[]")]
        if is_item:
            node = node["items"]
        if "$ref" in node:  # only local "#/$defs/NAME" references are used
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _values_hint(node: Mapping[str, Any]) -> str:
    if "enum" in node:
        return "One of: " + ", ".join(str(v) for v in node["enum"]) + "."
    items = node.get("items", {})
    if "enum" in items:
        return "Any of: " + ", ".join(str(v) for v in items["enum"]) + "."
    return ""


def describe(schema: Mapping[str, Any], path: str, indent: int = 0) -> str:
    """The field's description (and allowed values) as wrapped YAML comment lines."""
    node = _node(schema, path)
    text = " ".join(filter(None, [node.get("description", ""), _values_hint(node)]))
    prefix = " " * indent + "# "
    return "\n".join(textwrap.wrap(text, width=92, initial_indent=prefix, subsequent_indent=prefix))


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=1000, allow_unicode=True)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def placeholder(schema: Mapping[str, Any], path: str) -> str:
    """A value that fails validation until it is replaced: `REPLACE-ME` where that is not a
    valid value (enums, patterns, formats, non-strings), else empty (null), since any
    non-empty text would pass for a free-text field."""
    node = _node(schema, path)
    if node.get("type") == "array":
        return f"[{PLACEHOLDER}]"
    constrained = {"enum", "pattern", "format"} & node.keys()
    if constrained or node.get("type") != "string":
        return PLACEHOLDER
    return f"# {PLACEHOLDER}"


def render_profile(
    name: str,
    *,
    role: Role,
    type_: ProfileType,
    primary: str | None = None,
    mode: Mode = "placeholder",
    all_fields: bool = False,
    schema_ref: str | None = None,
) -> str:
    """A profile with every field, each described from the schema. `placeholder` mode
    leaves every required value to fill in; `example` mode fills in made-up values that
    validate. Optional fields are commented out unless `all_fields`. `schema_ref`: the
    path of the profile schema from the file (see `schema_line`), for editors."""
    schema = load_schema("profile")

    def value(path: str, example: Any) -> str:
        return _scalar(example) if mode == "example" else placeholder(schema, path)

    template = _environment().get_template(f"new/profile-{type_}.yaml")
    text = template.render(
        name=name,
        role=role,
        primary=primary,
        # A made-up SID for the example: a primary is made in the Console and named by it.
        example_sid="BU" + hashlib.sha256(f"trusthub example {name}".encode()).hexdigest()[:32],
        mode=mode,
        all_fields=all_fields,
        doc=lambda path, indent=0: describe(schema, path, indent),
        value=value,
        version=__version__,
    )
    return text if schema_ref is None else schema_line(schema_ref) + text


# Where the JSON Schemas are written in a workspace, for editors: committed with the
# profiles, so every clone (and a pull request's web editor) finds them at the same
# relative path; a path into the installed package would differ per machine and virtual
# environment, and `.trusthub/` is not committed.
SCHEMA_DIR: Final = "schemas"
SCHEMA_NAMES: Final = ("profile", "workspace")


def schema_line(reference: str) -> str:
    """The first line that makes the YAML language server (VS Code's YAML extension, and
    other editors using it) validate and complete a file against the schema."""
    return f"# yaml-language-server: $schema={reference}\n"


def schema_reference(root: Path, file: Path, name: str = "profile") -> str:
    """The workspace's copy of schema `name`, relative to `file`'s directory (POSIX)."""
    target = root / SCHEMA_DIR / f"{name}.schema.json"
    return Path(os.path.relpath(target, file.parent)).as_posix()


def schema_files() -> dict[str, str]:
    """The workspace's copies of the shipped schemas, by path relative to its root."""
    return {
        f"{SCHEMA_DIR}/{name}.schema.json": json.dumps(load_schema(name), indent=2) + "\n"
        for name in SCHEMA_NAMES
    }


def stale_schema_files(current: Mapping[str, str | None]) -> dict[str, str]:
    """Of `schema_files()`, those whose workspace copy (`current`: path -> text, None when
    missing or unreadable) is missing or differs (an upgrade changes them): what to write."""
    stale = {}
    for path, text in schema_files().items():
        try:
            same = current.get(path) is not None and json.loads(current[path] or "") == json.loads(
                text
            )
        except ValueError:
            same = False
        if not same:
            stale[path] = text
    return stale


def check_profile_request(
    name: str, *, role: Role, type_: ProfileType, primary: str | None
) -> None:
    """Refuse a profile `new profile` could only write invalid: the same constraints as
    the schema and the individual-profile rule, said in terms of the command's options."""
    if not PROFILE_NAME.match(name):
        raise ScaffoldError(
            f"invalid profile name {name!r}",
            hint="use 1 to 63 lower-case letters, digits and dashes, starting and ending "
            "with a letter or digit (e.g. acme-brand)",
        )
    if type_ == "individual" and role == "secondary":
        raise ScaffoldError(
            "an individual profile cannot be secondary: only business profiles are "
            "attached to a primary",
            hint="use --role primary, or --type business",
        )
    if role == "secondary" and primary is None:
        raise ScaffoldError(
            "a secondary profile needs --primary NAME: the primary business profile it "
            "is attached to"
        )
    if role == "primary" and primary is not None:
        raise ScaffoldError("--primary is only for --role secondary")
    if primary is not None and not PROFILE_NAME.match(primary):
        raise ScaffoldError(f"invalid primary profile name {primary!r}")


def workspace_name(directory_name: str) -> str:
    """The workspace id for a directory: its name, made to fit the schema's pattern."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", directory_name).strip("-._")[:64]
    return cleaned if WORKSPACE_NAME.match(cleaned) else "default"


def render_init(
    *,
    name: str,
    package: str | None = None,
    branch: str = "main",
    schedule: str = DEFAULT_SCHEDULE,
    max_state_age_hours: int = DEFAULT_MAX_STATE_AGE_HOURS,
) -> dict[str, str]:
    """`trusthub init`'s files by path relative to the workspace, except the example
    profile (see `render_profile`) and .gitignore (see `gitignore_update`)."""
    env = _environment()
    defaults = default_settings(Path("/workspace"))  # only the relative defaults are used
    workspace_schema = load_schema("workspace")
    context = {
        "name": name,
        "package": package if package is not None else release_package(),
        "branch": branch,
        "schedule": schedule,
        "max_state_age": str(max_state_age_hours),
        "version": __version__,
        "source_repo": SOURCE_REPO,
        "marker": PLAN_MARKER,
        "settings": defaults,
        "rel": lambda path: defaults.relative(Path(path)),
        "doc": lambda path, indent=0: describe(workspace_schema, path, indent),
    }
    return {
        "trusthub.yaml": schema_line(f"{SCHEMA_DIR}/workspace.schema.json")
        + env.get_template("init/trusthub.yaml").render(context),
        ".pre-commit-config.yaml": env.get_template("init/pre-commit-config.yaml").render(context),
        ".github/workflows/trusthub.yml": env.get_template("init/github-workflow.yml").render(
            context
        ),
    }


def gitignore_update(existing: str | None) -> str | None:
    """The .gitignore with trusthub's lines added, or None when it has them all. An
    existing .gitignore is extended, never replaced."""
    present = set((existing or "").splitlines())
    missing = [line for line in GITIGNORE_LINES if line not in present]
    if not missing:
        return None
    header = "# trusthub: local state, the sandbox and caches (never commit them)\n"
    text = existing or ""
    if text and not text.endswith("\n"):
        text += "\n"
    separator = "\n" if text else ""
    return text + separator + header + "".join(f"{line}\n" for line in missing)
