from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from tests.support.example import example_documents
from tests.validate.conftest import PRIMARY, REPO
from trusthub.load.documents import parse
from trusthub.rules.schema import PROFILE_SCHEMA as PROFILE
from trusthub.rules.schema import WORKSPACE_SCHEMA as WORKSPACE
from trusthub.rules.schema import load_schema, schema_problems, validator


@pytest.mark.parametrize("name", ["profile", "workspace"])
def test_shipped_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))
    shipped = json.loads((REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert shipped == load_schema(name)  # the package reaches the top-level files


@pytest.mark.parametrize("name", sorted(example_documents()))
def test_examples_match_the_profile_schema(name: str) -> None:
    # As trusthub reads them: each client file with the defaults it inherits merged in.
    assert Draft202012Validator(load_schema(PROFILE)).is_valid(example_documents()[name])


def test_validators_are_built_once() -> None:
    assert validator(PROFILE) is validator(PROFILE)


def problems_of(edit: tuple[str, str]) -> list[tuple[str, str, str]]:
    text = PRIMARY.read_text(encoding="utf-8").replace(*edit)
    document = parse(text, "p.yaml")
    return [(str(p.location), p.json_path, p.message) for p in schema_problems(document, PROFILE)]


QUOTE_SENSITIVE = (
    "expected a string, found an integer; quote it, keeping every character as you wrote "
    "it (unquoted, YAML reads it as a number, which loses leading zeros and a leading +)"
)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("  website:", "  webside: x\n  website:"),
            ("p.yaml:16:3", "$.business.webside", "unknown key 'webside'; did you mean 'website'?"),
        ),
        (
            ("kind: CustomerProfile", "kind: CustomerProfile\nzzz: 1"),
            (
                "p.yaml:3:1",
                "$.zzz",
                (
                    "unknown key 'zzz'; allowed keys: account, address, apiVersion, "
                    "authorized_representatives, business, friendly_name, individual, kind, "
                    "moved, name, notifications, phone_numbers, primary, role, sid, submit, "
                    "terms_of_service_accepted, toll_free_verifications, trust_products, type"
                ),
            ),
        ),
        (
            ("industry: Technology", "industry: technology"),
            (
                "p.yaml:11:13",
                "$.business.industry",
                (
                    '"technology" is not one of the allowed values: "Automotive", '
                    '"Agriculture", "Banking", "Consumer", "Construction", "Education", '
                    '"Engineering", "Energy", "Oil and Gas", "Fast Moving Consumer Goods", '
                    '"Financial", "Fintech", "Food and Beverage", "Government", "Healthcare", '
                    '"Hospitality", "Insurance", "Legal", "Manufacturing", "Media", "Online", '
                    '"Professional Services", "Raw Materials", "Real Estate", "Religion", '
                    '"Retail", "Jewelry", "Technology", "Telecommunications", "Transportation", '
                    '"Travel", "Electronics", "Not For Profit"; did you mean "Technology"?'
                ),
            ),
        ),
        (
            ('postal_code: "94105"', "postal_code: 94105"),
            (
                "p.yaml:21:16",
                "$.address.postal_code",
                QUOTE_SENSITIVE,
            ),
        ),
        (
            ('phone: "+14155550123"', 'phone: "4155550123"'),
            (
                "p.yaml:27:12",
                "$.authorized_representatives[0].phone",
                (
                    "the value does not have "
                    "the expected form (phone number of the representative in E.164 format, e.g. "
                    "+14155550123)"
                ),
            ),
        ),
        (
            ('phone_numbers: ["+14155550100"]', 'phone_numbers: ["+14155550100", "+14155550100"]'),
            (
                "p.yaml:33:33",
                "$.phone_numbers[1]",
                "duplicate item: the same as item 0 of this list",
            ),
        ),
        (
            ("  city: San Francisco\n", ""),
            ("p.yaml:17:1", "$.address", "missing required key 'city' (city)"),
        ),
        (
            ("apiVersion: trusthub/v1", "apiVersion: v1"),
            ("p.yaml:1:13", "$.apiVersion", "must be 'trusthub/v1', found \"v1\""),
        ),
    ],
)
def test_schema_messages_say_where_and_how_to_fix(
    edit: tuple[str, str], expected: tuple[str, str, str]
) -> None:
    assert problems_of(edit) == [expected]


def test_a_forbidden_section_is_one_problem_not_one_per_key_inside() -> None:
    found = problems_of(("type: business\n", "type: business\nindividual:\n  first_name: A\n"))
    assert found == [
        (
            "p.yaml:7:1",
            "$.individual",
            (
                "key 'individual' is not allowed here (only an individual profile has an "
                "individual section; a business profile describes the business under business)"
            ),
        )
    ]


def test_sensitive_values_are_never_echoed() -> None:
    found = problems_of(('number: "47-1234567"', "number: 471234567"))
    assert found == [
        (
            "p.yaml:14:13",
            "$.business.registration.number",
            QUOTE_SENSITIVE,
        )
    ]
    found = problems_of(("dana.whitfield@acme", "dana whitfield@acme"))
    assert "dana" not in found[0][2]


def test_workspace_schema_validates_settings() -> None:
    document = parse("parallelism: 0\ntarget: aws\n", "trusthub.yaml")
    assert [p.message for p in schema_problems(document, WORKSPACE)] == [
        "must be at least 1, found 0",
        '"aws" is not one of the allowed values: "sandbox", "twilio"',
    ]
