"""Workspace defaults: what profiles inherit, what they override, which default wins, where
a problem in an inherited value is reported, and that the validation cache follows them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.defaults.conftest import GOLDEN, client, write_profile
from tests.support.cli import run_cli
from trusthub.app.loading import load_workspace
from trusthub.app.validation_cache import fingerprint, load_cache, load_facts
from trusthub.config.defaults import NEVER_INHERITED
from trusthub.config.settings_file import load_settings
from trusthub.load.documents import MAX_FILE_BYTES
from trusthub.rules.file_checks import check_profile_file
from trusthub.rules.schema import load_schema


def shown(workspace: Path, name: str) -> dict[str, Any]:
    result = run_cli("show", name, "--format", "json", workspace=workspace, code=0)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_profiles_inherit_and_the_most_specific_default_wins(workspace: Path) -> None:
    run_cli("validate", workspace=workspace, code=0)
    top = shown(workspace, "top-client")
    assert top["document"]["primary"] == "acme-isv"
    assert top["document"]["notifications"]["status_callback"].endswith("/twilio/trusthub")
    assert top["inherited"]["$.primary"] == "trusthub.yaml defaults.roles.secondary"
    # role < directory: clients/ overrides the role's status callback, key by key.
    us = shown(workspace, "us-client")
    assert us["document"]["notifications"]["status_callback"].endswith("/twilio/clients")
    assert us["inherited"]["$.notifications.status_callback"] == (
        "trusthub.yaml defaults.directories.clients"
    )
    assert us["inherited"]["$.notifications"] == "trusthub.yaml defaults.roles.secondary"
    # deeper directory < shallower: a list is replaced whole, not appended to.
    eu = shown(workspace, "eu-client")
    assert eu["document"]["business"]["regions_of_operation"] == ["Europe"]
    assert eu["document"]["business"]["identity"] == "Direct Customer"
    assert eu["inherited"]["$.business.regions_of_operation"] == (
        "trusthub.yaml defaults.directories.clients/eu"
    )
    # What the plan is made of is the merged profile.
    [profile] = [r for r in eu["resources"] if r["kind"] == "profile"]
    assert "Europe" in json.dumps(profile["attributes"])


def test_the_file_itself_wins_and_null_removes_an_inherited_value(workspace: Path) -> None:
    own = client(
        "own-client",
        notifications={"email": "own@acme-messaging.example.com", "status_callback": None},
        business={**client("own-client")["business"], "regions_of_operation": ["Europe"]},
    )
    write_profile(workspace / "profiles" / "clients" / "own-client.yaml", own)
    run_cli("validate", workspace=workspace, code=0)
    data = shown(workspace, "own-client")
    assert "status_callback" not in data["document"]["notifications"]
    assert data["document"]["business"]["regions_of_operation"] == ["Europe"]
    assert "$.notifications.email" not in data["inherited"]
    assert "$.notifications" not in data["inherited"]
    assert data["inherited"]["$.business.identity"] == "trusthub.yaml defaults.roles.secondary"


def test_show_marks_inherited_values(workspace: Path, golden: Callable[[str, Path], None]) -> None:
    result = run_cli("show", "us-client", workspace=workspace, code=0)
    resolved = result.stdout.split("\n\n")[1]
    # Masks are keyed by the state's lineage, new in each workspace: compared without it.
    golden(
        re.sub(r"<sensitive:[0-9a-f]+>", "<sensitive>", resolved) + "\n",
        GOLDEN / "show-resolved.txt",
    )
    assert "priya@" not in result.stdout  # masked as show masks


def test_problems_in_inherited_values_point_at_trusthub_yaml(
    workspace: Path, golden: Callable[[str, Path], None]
) -> None:
    settings = workspace / "trusthub.yaml"
    text = settings.read_text().replace(
        "https://hooks.acme-messaging.example.com/twilio/clients",
        "http://hooks.acme-messaging.example.com/twilio/clients",
    )
    settings.write_text(text.replace("trust@acme-messaging", "trust@@acme-messaging"))
    # The file's own bad value keeps naming the file.
    bad = client("us-client", business={**client("us-client")["business"], "industry": "Tech"})
    write_profile(workspace / "profiles" / "clients" / "us-client.yaml", bad)
    result = run_cli("validate", workspace=workspace, code=1)
    golden(result.stdout, GOLDEN / "validate-inherited.txt")
    assert "trusthub.yaml:15:26: error [status-callback-https]" in result.stdout
    # Asked about one file, only its problems (inherited ones included) are listed.
    one = run_cli("validate", "profiles/top-client.yaml", workspace=workspace, code=1)
    assert "inherited by profiles/top-client.yaml" in one.stdout
    assert "us-client" not in one.stdout


def test_bad_keys_in_defaults_are_reported_once_where_they_are_written(
    workspace: Path, golden: Callable[[str, Path], None]
) -> None:
    settings = workspace / "trusthub.yaml"
    settings.write_text(
        settings.read_text()
        + "    clients/us:\n      notifcations: {email: x@example.com}\n"
        + "      friendly_name: Everyone\n      business: {legal_name: Acme, industri: Tech}\n"
        + "    ../elsewhere: {submit: false}\n"
    )
    result = run_cli("validate", workspace=workspace, code=1)
    golden(result.stdout, GOLDEN / "validate-bad-defaults.txt")
    assert len([line for line in result.stdout.splitlines() if "notifcations" in line]) == 1
    # Every other command stops at the first, with the way to list them all.
    plan = run_cli("plan", "--no-refresh", workspace=workspace, code=1)
    assert "trusthub.yaml:" in plan.stderr
    assert "run `trusthub validate` to list every problem" in plan.stderr


def test_a_changed_default_rechecks_exactly_the_files_it_reaches(workspace: Path) -> None:
    cache = workspace / ".trusthub" / "cache"

    def keys() -> dict[str, str]:
        stamp = fingerprint(MAX_FILE_BYTES)
        facts = {d: r.digest for d, r in load_facts(cache, stamp).results.items()}
        # validate reads the facts; the whole results it keeps for plan carry the same keys.
        assert {d: r.digest for d, r in load_cache(cache, stamp).items()} == facts
        return facts

    run_cli("validate", workspace=workspace, code=0)
    before = keys()
    settings = workspace / "trusthub.yaml"
    settings.write_text(settings.read_text().replace("[Europe]", "[Europe, Europe]"))
    result = run_cli("validate", workspace=workspace, code=1)  # the new default is checked
    assert "inherited by profiles/clients/eu/eu-client.yaml" in result.stdout
    settings.write_text(settings.read_text().replace("[Europe, Europe]", "[Latin America]"))
    result = run_cli("validate", workspace=workspace, code=0)
    assert "no problems" in result.stdout
    after = keys()
    changed = {d for d in before if before[d] != after.get(d)}
    assert changed == {"profiles/clients/eu/eu-client.yaml"}
    # A role's default reaches every secondary, and not the primary.
    settings.write_text(settings.read_text().replace("trust@", "trust+clients@"))
    run_cli("validate", workspace=workspace, code=0)
    again = keys()
    assert again["profiles/acme-isv.yaml"] == before["profiles/acme-isv.yaml"]
    assert {d for d in after if after[d] != again[d]} == {
        "profiles/top-client.yaml",
        "profiles/clients/us-client.yaml",
        "profiles/clients/eu/eu-client.yaml",
    }


def test_validating_one_file_parses_it_alone_and_applies_its_defaults(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit path: the other files' facts come from the cache (with what they
    inherit), the changed file is the only one parsed, and its defaults are merged in."""
    run_cli("validate", workspace=workspace, code=0)  # fills the cache
    changed = workspace / "profiles" / "clients" / "eu" / "eu-client.yaml"
    write_profile(changed, client("eu-client", friendly_name="EU Client"))
    parsed: list[str] = []

    def counting(path: Path, display: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(display)
        return check_profile_file(path, display, *args, **kwargs)

    monkeypatch.setattr("trusthub.app.loading.check_profile_file", counting)
    settings = load_settings(workspace, environ={})
    loaded = load_workspace(settings, [changed], whole=False)
    assert parsed == ["profiles/clients/eu/eu-client.yaml"]
    assert loaded.problems == load_workspace(settings, [changed], use_cache=False).problems
    # It inherits its primary and the rest: without them it would not be a valid client.
    assert loaded.problems == []
    # An inherited `account:` is checked against `accounts:`, located in trusthub.yaml and
    # reported on the file that inherits it (the one file that changed its defaults).
    parsed.clear()
    yaml_file = workspace / "trusthub.yaml"
    yaml_file.write_text(
        yaml_file.read_text().replace("    clients/eu:\n", "    clients/eu:\n      account: eu\n")
    )
    settings = load_settings(workspace, environ={})
    loaded = load_workspace(settings, [changed], whole=False)
    assert parsed == ["profiles/clients/eu/eu-client.yaml"]  # only the file it reaches
    declared = [p for p in loaded.problems if p.rule == "account-declared"]
    assert [p.location.path for p in declared] == ["trusthub.yaml"]
    assert "inherited by profiles/clients/eu/eu-client.yaml" in declared[0].message
    yaml_file.write_text("accounts:\n  eu: {friendly_name: EU clients}\n" + yaml_file.read_text())
    settings = load_settings(workspace, environ={})
    assert not [
        p for p in load_workspace(settings, whole=False).problems if p.rule == "account-declared"
    ]
    assert load_workspace(settings).profiles["eu-client"].data["account"] == "eu"


def test_the_never_inherited_fields_are_one_list_the_schema_names() -> None:
    described = load_schema("workspace")["properties"]["defaults"]["description"]
    listed = described.split("Never inherited: ", 1)[1].rstrip(".").split(", ")
    assert listed == [".".join(str(p) for p in path) for path in NEVER_INHERITED]
