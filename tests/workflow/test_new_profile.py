"""`trusthub new profile`: every field of the schema, described; placeholders that fail
validation at their own lines; a valid profile once they are filled in."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema_rs import validator_for

from tests.workflow.helpers import run
from trusthub.app.scaffold import EXAMPLE_PROFILE, PLACEHOLDER, render_profile
from trusthub.rules.schema import load_schema

BUSINESS_ONLY_PRODUCTS = ("a2p_messaging", "shaken_stir", "cnam", "voice_integrity")
# What each placeholder is replaced with, by indentation and key (keys repeat: type, email).
FILLED = {
    (2, "legal_name"): '"Brand Co, LLC"',
    (2, "identity"): "Direct Customer",
    (2, "type"): "Limited Liability Corporation",
    (2, "industry"): "Retail",
    (4, "type"): "EIN",
    (4, "number"): '"98-7654321"',
    (2, "regions_of_operation"): "[USA and Canada]",
    (2, "website"): "https://brand.example.org",
    (2, "street"): "1 Harbor Way",
    (2, "city"): "Boston",
    (2, "region"): "MA",
    (2, "postal_code"): '"02110"',
    (2, "country"): "US",
    (4, "first_name"): "Robin",
    (4, "last_name"): "Brand",
    (4, "email"): "robin@brand.example.org",
    (4, "phone"): '"+16175550100"',
    (4, "business_title"): "Owner",
    (4, "job_position"): "GM",
    (2, "email"): "compliance@brand.example.org",
    (0, "terms_of_service_accepted"): "true",
    (2, "first_name"): "Jo",
    (2, "last_name"): "Tutor",
    (2, "phone"): '"+12065550177"',
    (0, "sid"): "BU0123456789abcdef0123456789abcdef",
}
_PLACEHOLDER_LINE = re.compile(rf"^(?P<lead> *(?:- )?)(?P<key>\w+): (?:# )?\[?{PLACEHOLDER}\]?$")


def applicable_paths(type_: str, role: str) -> set[str]:
    """Every field path of the profile schema that a profile of this type and role has."""

    def walk(node: Mapping[str, Any], prefix: str) -> Iterator[str]:
        for key, sub in node.get("properties", {}).items():
            path = prefix + key
            yield path
            if sub.get("type") == "object":
                yield from walk(sub, path + ".")
            items = sub.get("items", {})
            if sub.get("type") == "array" and items.get("type") == "object":
                yield from walk(items, path + "[].")

    excluded = ["individual"] if type_ == "business" else ["business", "authorized_representatives"]
    excluded += ["sid"] if role == "secondary" else ["primary"]
    # A sole proprietor's (a starter profile's) A2P keys: not a business's.
    excluded += [
        "trust_products.a2p_messaging.mobile_phone",
        "trust_products.a2p_messaging.vertical",
    ]
    if type_ == "individual":
        # Every trust product needs a business profile (toll-free verification, which an
        # individual may have, is not one: toll_free_verifications).
        assert set(BUSINESS_ONLY_PRODUCTS) >= set(
            load_schema("profile")["properties"]["trust_products"]["properties"]
        )
        excluded += ["trust_products"]
    return {
        p
        for p in walk(load_schema("profile"), "")
        if not any(p == x or p.startswith((x + ".", x + "[")) for x in excluded)
    }


def data_paths(data: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for key, value in data.items():
        path = prefix + key
        paths.add(path)
        if isinstance(value, dict):
            paths |= data_paths(value, path + ".")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                paths |= data_paths(item, path + "[].")
    return paths


def fill(text: str) -> str:
    def replace(line: str) -> str:
        m = _PLACEHOLDER_LINE.match(line)
        if m is None:
            return line
        return f"{m['lead']}{m['key']}: {FILLED[(len(m['lead']), m['key'])]}"

    return "\n".join(replace(line) for line in text.splitlines()) + "\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    assert run(tmp_path, "init").exit_code == 0
    return tmp_path


CASES = [
    ("brand", "business", "secondary", ["--primary", EXAMPLE_PROFILE]),
    ("jo-tutor", "individual", "primary", []),
]


@pytest.mark.parametrize(("name", "type_", "role", "extra"), CASES)
def test_new_profile_has_every_field(
    workspace: Path, name: str, type_: str, role: str, extra: list[str]
) -> None:
    result = run(workspace, "new", "profile", name, "--role", role, "--type", type_, *extra)
    assert result.exit_code == 0, result.output
    assert f"Wrote profiles/{name}.yaml" in result.stdout
    written = (workspace / "profiles" / f"{name}.yaml").read_text(encoding="utf-8")

    # The written file is the full profile with the optional fields commented out...
    primary = EXAMPLE_PROFILE if role == "secondary" else None
    full = render_profile(
        name,
        role=role,  # type: ignore[arg-type]
        type_=type_,  # type: ignore[arg-type]
        primary=primary,
        all_fields=True,
        schema_ref="../schemas/profile.schema.json",
    )
    assert len(written.splitlines()) == len(full.splitlines())
    for mine, theirs in zip(written.splitlines(), full.splitlines(), strict=True):
        # Commenting out inserts "# " once, at or before the line's own indentation.
        indent = len(theirs) - len(theirs.lstrip(" "))
        commented = (
            "# " in mine and mine.replace("# ", "", 1) == theirs and mine.index("# ") <= indent
        )
        assert mine == theirs or commented, (mine, theirs)
    # ...and the full profile has every field the schema gives this kind of profile,
    assert data_paths(yaml.safe_load(full)) == applicable_paths(type_, role)
    # each one under a comment that describes it.
    lines = written.splitlines()
    for number, line in enumerate(lines):
        stripped = line.lstrip(" #-")
        if re.match(r"\w+:", stripped) and not line.lstrip().startswith("#"):
            assert lines[number - 1].lstrip().startswith("#"), line


@pytest.mark.parametrize(("name", "type_", "role", "extra"), CASES)
def test_placeholders_fail_at_their_lines_then_filled_passes(
    workspace: Path, name: str, type_: str, role: str, extra: list[str]
) -> None:
    assert (
        run(workspace, "new", "profile", name, "--role", role, "--type", type_, *extra).exit_code
        == 0
    )
    path = workspace / "profiles" / f"{name}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    placeholders = {n for n, line in enumerate(lines, start=1) if _PLACEHOLDER_LINE.match(line)}
    assert placeholders

    checked = run(workspace, "validate", "--format", "json")
    assert checked.exit_code == 1
    problems = json.loads(checked.stdout)["problems"]
    assert {p["path"] for p in problems} == {f"profiles/{name}.yaml"}
    assert {p["line"] for p in problems} == placeholders  # one located problem per placeholder
    assert all(p["severity"] == "error" for p in problems)

    path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert PLACEHOLDER not in re.sub(r"(?m)^\s*#.*$", "", path.read_text(encoding="utf-8"))
    validated = run(workspace, "validate")
    assert validated.exit_code == 0, validated.output
    planned = run(workspace, "plan", "--no-refresh")
    assert planned.exit_code == 0, planned.output
    # A primary is made in the Twilio Console and adopted; trusthub creates a secondary.
    verb = "⇐ adopt  " if role == "primary" else "+ create "
    assert f"{verb}   {name}" in planned.stdout


@pytest.mark.parametrize("type_", ["business", "individual"])
def test_every_optional_field_example_is_valid(tmp_path: Path, type_: str) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = render_profile("sample", role="primary", type_=type_, mode="example", all_fields=True)  # type: ignore[arg-type]
    (profiles / "sample.yaml").write_text(text, encoding="utf-8")
    assert data_paths(yaml.safe_load(text)) == applicable_paths(type_, "primary")
    result = run(tmp_path, "validate", "--format", "json")
    assert result.exit_code == 0, result.output
    warnings = {p["rule"] for p in json.loads(result.stdout)["problems"]}
    # other_type is shown for completeness, and only counts with type Other.
    assert warnings <= {"registration-other-type"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Acme_Brand", "--role", "primary"], "invalid profile name 'Acme_Brand'"),
        (["--role", "primary", "--", "-acme"], "invalid profile name '-acme'"),
        (["brand", "--role", "secondary"], "a secondary profile needs --primary NAME"),
        (
            ["jo", "--role", "secondary", "--primary", "acme", "--type", "individual"],
            "an individual profile cannot be secondary",
        ),
        (["acme", "--role", "primary", "--primary", "other"], "--primary is only for"),
        (["brand", "--role", "secondary", "--primary", "Acme!"], "invalid primary profile name"),
        ([EXAMPLE_PROFILE, "--role", "primary"], f"profiles/{EXAMPLE_PROFILE}.yaml already exists"),
    ],
)
def test_new_profile_refuses(workspace: Path, args: list[str], message: str) -> None:
    before = sorted((workspace / "profiles").iterdir())
    result = run(workspace, "new", "profile", *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert sorted((workspace / "profiles").iterdir()) == before


def test_new_profile_uses_the_profiles_setting(tmp_path: Path) -> None:
    (tmp_path / "trusthub.yaml").write_text("profiles: customers\n", encoding="utf-8")
    result = run(tmp_path, "new", "profile", "acme", "--role", "primary")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "customers" / "acme.yaml").is_file()


def test_new_profile_names_the_workspace_schema_for_editors(tmp_path: Path) -> None:
    """The first line points the YAML language server at the workspace's copy of the
    schema, which is written (or refreshed after an upgrade) next to the profiles, and
    which really is trusthub's profile schema: a file it finds invalid the editor does too."""
    workspace = tmp_path / "ws"
    (workspace / "custom" / "deep").mkdir(parents=True)
    (workspace / "trusthub.yaml").write_text(
        "apiVersion: trusthub/v1\nkind: Workspace\nname: w\nprofiles: custom/deep\n",
        encoding="utf-8",
    )
    (workspace / "schemas").mkdir()
    (workspace / "schemas" / "profile.schema.json").write_text("{}", encoding="utf-8")  # stale
    result = run(workspace, "new", "profile", "solo", "--role", "primary", "--type", "individual")
    assert result.exit_code == 0, result.output
    written = (workspace / "custom" / "deep" / "solo.yaml").read_text(encoding="utf-8")
    first = written.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/profile.schema.json"
    schema_path = (workspace / "custom" / "deep" / first.split("=", 1)[1]).resolve()
    assert json.loads(schema_path.read_text(encoding="utf-8")) == load_schema("profile")
    assert "Wrote schemas/profile.schema.json" in result.stdout
    # Up to date now: a second profile leaves the copies alone.
    again = run(workspace, "new", "profile", "duo", "--role", "primary", "--type", "individual")
    assert "schemas/" not in again.stdout
    # The editor's schema and validate agree: the placeholders fail both.
    errors = list(
        validator_for(json.loads(schema_path.read_text())).iter_errors(yaml.safe_load(written))
    )
    assert errors
