"""The industries of the profile format against Trust Hub's API enum: every label the
schema accepts is either sent as a value of the API's `business_industry` enum (the values
the sandbox accepts) or refused by `industry-not-accepted`, whose suggestions are labels
that are sent."""

from __future__ import annotations

import json
from pathlib import Path

from trusthub.model import mapping
from trusthub.sandbox.entity_types import INDUSTRIES

SCHEMA = Path(__file__).resolve().parents[2] / "trusthub" / "schemas" / "profile.schema.json"


def _schema_industries() -> set[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            industry = node.get("properties", {}).get("industry")
            if isinstance(industry, dict) and "enum" in industry:
                found.update(industry["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def test_every_schema_industry_is_sent_or_refused_with_a_suggestion() -> None:
    labels = _schema_industries()
    assert {"Construction", "Professional Services"} <= labels
    assert labels == set(mapping.BUSINESS_INDUSTRY) | set(mapping.INDUSTRIES_NOT_ACCEPTED)
    assert not set(mapping.BUSINESS_INDUSTRY) & set(mapping.INDUSTRIES_NOT_ACCEPTED)
    assert set(mapping.BUSINESS_INDUSTRY.values()) == set(INDUSTRIES)
    for suggestions in mapping.INDUSTRIES_NOT_ACCEPTED.values():
        assert suggestions
        assert set(suggestions) <= set(mapping.BUSINESS_INDUSTRY)
