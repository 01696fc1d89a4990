"""`trusthub import` against a sandbox seeded through the stock SDK over `sandbox serve`."""

from __future__ import annotations

import json

from tests.imports.conftest import Account, Workspace
from trusthub.rules.schema import load_schema


def test_import_all_gives_files_that_validate_and_an_empty_plan(
    seeded: Account, workspace: Workspace
) -> None:
    out = workspace.run("import", "--all").output
    assert "Imported 3 profile(s) and 2 trust product(s)." in out, out
    files = workspace.files()
    assert sorted(files) == [
        "acme-messaging-primary-profile.yaml",
        "greenfield-growers-cooperative.yaml",
        "thames-tea-partners-llp.yaml",
    ]
    workspace.run("validate")
    plan = workspace.run("plan", "--no-refresh", "--detailed-exitcode").output
    assert "No changes" in plan or "no changes" in plan, plan
    workspace.run("plan", "--detailed-exitcode")
    # Each file names the workspace's copy of the schema for editors, as `new profile`
    # writes it, and the copy is written beside the profiles.
    for name in files:
        text = (workspace.root / "profiles" / name).read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/profile.schema.json"
    schema = workspace.root / "schemas" / "profile.schema.json"
    assert json.loads(schema.read_text(encoding="utf-8")) == load_schema("profile")
    assert "Wrote schemas/profile.schema.json" in out


def test_dry_run_writes_nothing_and_masks_personal_data(
    seeded: Account, workspace: Workspace
) -> None:
    out = workspace.run("import", "--all", "--dry-run").output
    assert "Would import 3 profile(s) and 2 trust product(s)." in out
    assert "would write profiles/thames-tea-partners-llp.yaml" in out
    assert "legal_name: Thames Tea Partners LLP" in out  # a business's name is not personal
    for personal in ("Harriet", "Okafor", "harriet@", "+442071838750", "OC412345", "+1415555"):
        assert personal not in out, personal
    assert "<sensitive:" in out
    assert not (workspace.root / "profiles").exists() or workspace.files() == {}
    assert (
        "no recorded history" in workspace.run("history", "thames-tea-partners-llp", code=1).output
    )


def test_import_one_never_overwrites_a_file_without_force(
    seeded: Account, workspace: Workspace
) -> None:
    profiles = workspace.root / "profiles"
    profiles.mkdir()
    (profiles / "thames.yaml").write_text("# mine\n", encoding="utf-8")
    sid = seeded.sids["thames-tea-partners"]
    orphan = workspace.run("import", "thames", sid, code=1).output
    assert "which trusthub does not manage yet; nothing was written" in orphan
    assert f"trusthub import NAME {seeded.sids['acme-isv']}" in orphan
    workspace.run("import", "acme", seeded.sids["acme-isv"])
    out = workspace.run("import", "thames", sid, code=1).output
    assert "would overwrite profiles/thames.yaml; nothing was written" in out
    assert "--force" in out
    assert workspace.files()["thames.yaml"] == "# mine\n"
    assert (
        "overwrote profiles/thames.yaml" in workspace.run("import", "thames", sid, "--force").output
    )
    workspace.run("validate")
    workspace.run("plan", "--no-refresh", "--detailed-exitcode")


def test_import_all_picks_free_names_and_overwrites_only_with_force(
    seeded: Account, workspace: Workspace
) -> None:
    profiles = workspace.root / "profiles"
    profiles.mkdir()
    (profiles / "thames-tea-partners-llp.yaml").write_text("# mine\n", encoding="utf-8")
    dry = workspace.run("import", "--all", "--dry-run").output
    assert "would write profiles/thames-tea-partners-llp-2.yaml" in dry
    out = workspace.run("import", "--all", "--force").output
    assert "overwrote profiles/thames-tea-partners-llp.yaml" in out
    workspace.run("validate")
    workspace.run("plan", "--no-refresh", "--detailed-exitcode")
    # Imported once, they are managed: a second import skips them.
    again = workspace.run("import", "--all").output
    assert "already managed as acme-messaging-primary-profile" in again
    assert "Imported 0 profile(s)" in again


def test_import_one_by_name_and_sid(seeded: Account, workspace: Workspace) -> None:
    sid = seeded.sids["acme-isv"]
    out = workspace.run("import", "acme", sid).output
    assert f"wrote profiles/acme.yaml: acme, primary business profile {sid}, twilio-approved" in out
    secondary = seeded.sids["thames-tea-partners"]
    workspace.run("import", "thames", secondary)
    text = workspace.files()["thames.yaml"]
    assert "primary: acme\n" in text
    assert "submit: false" in text
    workspace.run("validate")
    workspace.run("plan", "--no-refresh", "--detailed-exitcode")
    # A SID already managed, or one that is not there, is refused clearly.
    assert "already managed as acme" in workspace.run("import", "other", sid, code=1).output
    missing = workspace.run("import", "other", "BU" + "0" * 32, code=1).output
    assert "there is no customer profile BU" in missing
    assert "give exactly one of" in workspace.run("import", code=2).output


def test_values_trust_hub_holds_that_the_format_cannot_express_are_reported(
    seeded: Account, workspace: Workspace
) -> None:
    v1 = seeded.client.trusthub.v1
    bundle = seeded.sids["thames-tea-partners"]
    users = v1.customer_profiles(bundle).customer_profiles_entity_assignments.list()
    business = next(
        v1.end_users(a.object_sid).fetch()
        for a in users
        if a.object_sid.startswith("IT")
        and v1.end_users(a.object_sid).fetch().type == "customer_profile_business_information"
    )
    attributes = {**business.attributes, "business_industry": "SPACE_MINING", "lei": "LEI-1234"}
    v1.end_users(business.sid).update(attributes=attributes)
    out = workspace.run("import", "--all").output
    assert "! business.industry: not a value the console offers; written as is" in out
    assert (
        "! business.lei: customer_profile_business_information attribute 'lei' has no place" in out
    )
    assert "LEI-1234" not in out  # values stay in the file
    assert "2 value(s) could not be mapped" in out
    text = workspace.files()["thames-tea-partners-llp.yaml"]
    assert (
        "  # trusthub import: Trust Hub holds SPACE_MINING: not a value the console offers" in text
    )
    assert "  industry: SPACE_MINING\n" in text
    assert "# trusthub import: Trust Hub holds LEI-1234" in text
    bad = workspace.run("validate", code=1).output
    assert "thames-tea-partners-llp.yaml" in bad
    assert "$.business.industry" in bad
