"""`trusthub show NAME`: a profile's resources as its file asks for them (masked) and as
the state recorded them (status, SIDs), also while the workspace is broken."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from tests.e2e.conftest import Run

NAME = "brightsmile-dental"


def _personal_values(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    reps = data["authorized_representatives"]
    return [
        data["business"]["registration"]["number"],
        data["address"]["street"],
        *(r[k] for r in reps for k in ("first_name", "last_name", "email", "phone")),
        *data.get("phone_numbers", []),
    ]


def test_show_a_profile_after_apply_masked_with_its_sids(workspace: Path, run: Run) -> None:
    run("apply", "--auto-approve")
    shown = json.loads(run("show", NAME, "--format", "json").stdout)
    assert shown["version"] == 1
    assert shown["path"] == f"profiles/{NAME}.yaml"
    assert shown["problems"] == []
    resources = {r["resource"]: r for r in shown["resources"]}
    profile = resources[NAME]
    assert profile["status"] == "pending-review"  # its primary is approved: submitted
    assert re.fullmatch(r"BU[0-9a-f]{32}", profile["sids"]["bundle"])
    assert profile["attributes"]["business"]["legal_name"] == "BrightSmile Dental Group LLC"
    assert f"{NAME}/a2p_messaging" in resources  # what it owns, of every kind
    assert all(r["declared"] for r in resources.values())

    text = run("show", NAME).stdout
    for value in _personal_values(workspace / "profiles" / f"{NAME}.yaml"):
        assert value not in text
        assert value not in json.dumps(shown)
    assert "<sensitive:" in text
    assert profile["sids"]["bundle"] in text

    one = json.loads(run("show", f"{NAME}/a2p_messaging", "--format", "json").stdout)
    assert [r["resource"] for r in one["resources"]] == [f"{NAME}/a2p_messaging"]

    revealed = run("show", NAME, "--show-sensitive").stdout
    assert _personal_values(workspace / "profiles" / f"{NAME}.yaml")[0] in revealed


def test_show_works_while_the_profiles_file_is_broken(workspace: Path, run: Run) -> None:
    run("apply", "--auto-approve")
    path = workspace / "profiles" / f"{NAME}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  : broken: [\n", encoding="utf-8")
    shown = json.loads(run("show", NAME, "--format", "json").stdout)
    assert shown["path"] is None
    assert [p["rule"] for p in shown["problems"]] == ["yaml-syntax"]
    (profile,) = (r for r in shown["resources"] if r["resource"] == NAME)
    assert profile["status"] == "pending-review"  # its primary is approved: submitted
    assert profile["declared"] is False
    assert profile["sids"]["bundle"].startswith("BU")


def test_show_of_an_unknown_name_is_an_error(run: Run) -> None:
    missing = run("show", "initech", code=1)
    assert "no profile 'initech' in the workspace or the state" in missing.stderr
