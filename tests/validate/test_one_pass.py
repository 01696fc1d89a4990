"""Validation in one pass: rules run on the parts of a profile the schema accepted, a broken
primary is one problem at its cause, and enum values get a did-you-mean. (The corpus cases
one-pass-* show the same through the CLI, line by line.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.validate.conftest import CASES, PRIMARY, copy_tree, make_workspace, run_cli
from trusthub.rules.schema import load_schema
from trusthub.rules.suggestions import suggest
from trusthub.rules.trusted import UntrustedPart, trusted_view


def _enum(*path: str) -> list[str]:
    node: Any = load_schema("profile")
    for key in path:
        node = node["properties"][key] if key != "[]" else node["items"]
    options: list[str] = node["enum"] if "enum" in node else node["items"]["enum"]
    return options


BUSINESS = ("business",)


@pytest.mark.parametrize(
    ("written", "where", "meant"),
    [
        ("LLC", (*BUSINESS, "type"), "Limited Liability Corporation"),
        ("L.L.C.", (*BUSINESS, "type"), "Limited Liability Corporation"),
        ("Inc", (*BUSINESS, "type"), "Corporation"),
        ("Corp.", (*BUSINESS, "type"), "Corporation"),
        ("Nonprofit", (*BUSINESS, "type"), "Non-profit Corporation"),
        ("Nonprofit", (*BUSINESS, "industry"), "Not For Profit"),
        ("co-op", (*BUSINESS, "type"), "Co-operative"),
        ("LIMITED_LIABILITY_CORPORATION", (*BUSINESS, "type"), "Limited Liability Corporation"),
        ("direct_customer", (*BUSINESS, "identity"), "Direct Customer"),
        ("ISV", (*BUSINESS, "identity"), "ISV Reseller or Partner"),
        ("HEALTHCARE", (*BUSINESS, "industry"), "Healthcare"),
        ("OIL_AND_GAS", (*BUSINESS, "industry"), "Oil and Gas"),
        ("Tech", (*BUSINESS, "industry"), "Technology"),
        ("Telecom", (*BUSINESS, "industry"), "Telecommunications"),
        ("Vice President", ("authorized_representatives", "[]", "job_position"), "VP"),
        ("ceo", ("authorized_representatives", "[]", "job_position"), "CEO"),
        ("USA", (*BUSINESS, "regions_of_operation"), "USA and Canada"),
        ("LATAM", (*BUSINESS, "regions_of_operation"), "Latin America"),
        ("Employer Identification Number", (*BUSINESS, "registration", "type"), "EIN"),
        ("CN", (*BUSINESS, "registration", "type"), "UK Company Number"),
    ],
)
def test_suggest_finds_the_label_meant(written: str, where: tuple[str, ...], meant: str) -> None:
    assert suggest(written, _enum(*where)) == meant


def test_suggest_only_returns_an_allowed_value() -> None:
    # An alias whose label is not allowed here is no suggestion; nothing unlike is offered.
    assert suggest("LLC", _enum(*BUSINESS, "industry")) is None
    assert suggest("Manager", _enum("authorized_representatives", "[]", "job_position")) is None
    assert suggest("", _enum(*BUSINESS, "type")) is None


def test_trusted_view_removes_rejected_parts_and_refuses_to_read_them() -> None:
    data = {
        "address": {"country": "us", "region": "Oregon"},
        "phone_numbers": ["+15125550140", 15125550141],
        "toll_free_verifications": [{"number": 1}, {"number": "+18885550142"}],
    }
    view = trusted_view(
        data,
        [("address", "country"), ("phone_numbers", 1), ("toll_free_verifications", 0, "number")],
    )
    assert view is not None
    tree: dict[str, Any] = view
    assert tree["address"]["region"] == "Oregon"
    for read in (
        lambda: tree["address"]["country"],
        lambda: tree["address"].get("country", "US"),
        lambda: "country" in tree["address"],
        lambda: tree.get("phone_numbers", []),
    ):
        with pytest.raises(UntrustedPart):
            read()
    # List indexes stay as written: the second verification is still item 1.
    assert tree["toll_free_verifications"][1] == {"number": "+18885550142"}
    assert "number" in tree["toll_free_verifications"][1]
    with pytest.raises(UntrustedPart):
        tree["toll_free_verifications"][0]["number"]
    assert trusted_view(data, [()]) is None
    assert trusted_view([1], []) is None


def test_a_rule_on_a_rejected_value_does_not_repeat_the_schema_error(tmp_path: Path) -> None:
    text = PRIMARY.read_text(encoding="utf-8")
    text = text.replace("terms_of_service_accepted: true", 'terms_of_service_accepted: "yes"')
    text = text.replace("country: US", "country: us")
    assert 'accepted: "yes"' in text
    assert "country: us" in text
    workspace = make_workspace(tmp_path / "w", {"profiles/acme-isv.yaml": text})
    report = json.loads(run_cli(workspace, "--format", "json", "--no-cache").stdout)
    found = [(p["json_path"], p["rule"]) for p in report["problems"]]
    # Not terms-accepted on top of the schema error, not country-code or region-code on a
    # country the schema refused.
    assert found == [
        ("$.address.country", "schema"),
        ("$.terms_of_service_accepted", "schema"),
    ]


@pytest.mark.parametrize("cache", [True, False])
def test_a_broken_primary_is_one_problem_with_and_without_the_cache(
    tmp_path: Path, cache: bool
) -> None:
    case = CASES / "one-pass-cascade"
    workspace = copy_tree(case, tmp_path / "w")
    args = () if cache else ("--no-cache",)
    for _ in range(2):  # the second run reads the cache
        result = run_cli(workspace, "--format", "json", *args)
        rules = [p["rule"] for p in json.loads(result.stdout)["problems"]]
        assert rules == ["yaml-syntax"]
    # Once fixed, the secondaries are checked against it again, and a bad name still fails.
    primary = workspace / "profiles" / "acme-isv.yaml"
    primary.write_text(PRIMARY.read_text(encoding="utf-8"), encoding="utf-8")
    alpha = workspace / "profiles" / "alpha.yaml"
    alpha.write_text(
        alpha.read_text(encoding="utf-8").replace("primary: acme-isv", "primary: acme-isx"),
        encoding="utf-8",
    )
    result = run_cli(workspace, "--format", "json", *args)
    found = [(p["path"], p["rule"]) for p in json.loads(result.stdout)["problems"]]
    assert ("profiles/alpha.yaml", "primary-reference") in found
    assert ("profiles/bravo.yaml", "primary-reference") not in found
