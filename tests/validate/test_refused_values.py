"""Values Trust Hub refuses, or that a person never means, are refused by validate with a
fix, never echoing personal data (issue 17). The bad-input corpus (`bad_input/`) holds
several variants of each class; these tests pin the mechanisms behind them."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trusthub.rules
from tests.support.cli import run_cli as run_trusthub
from tests.validate.conftest import CASES, PRIMARY, make_workspace, run_cli
from trusthub.load.documents import parse
from trusthub.rules.address_data import POSTAL_FORMS
from trusthub.rules.date_of_birth import date_issue
from trusthub.rules.region_code import suggestion
from trusthub.rules.schema import PROFILE_SCHEMA, WORKSPACE_SCHEMA, load_schema, schema_problems

_UNICODE_CLASSES = re.compile(r"\\[dDwW]")


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def _compiled(node: Any) -> Iterator[re.Pattern[str]]:
    if isinstance(node, re.Pattern):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _compiled(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _compiled(item)


def test_schema_patterns_use_ascii_digit_classes() -> None:
    """The schema's regexes run in a Unicode-aware engine, where \\d also matches
    full-width and Arabic-Indic digits: digit classes are written [0-9]."""
    for name in (PROFILE_SCHEMA, WORKSPACE_SCHEMA):
        for pattern in _patterns(load_schema(name)):
            assert not _UNICODE_CLASSES.search(pattern), f"{name}: {pattern}"


def test_rule_regexes_use_ascii_digit_classes() -> None:
    """Python's \\d matches every Unicode decimal digit: rules write [0-9] (or use
    re.ASCII), so a registration number in full-width digits is refused."""
    for info in pkgutil.iter_modules(trusthub.rules.__path__):
        module = importlib.import_module(f"trusthub.rules.{info.name}")
        for value in vars(module).values():
            for pattern in _compiled(value):
                if pattern.flags & re.ASCII or not isinstance(pattern.pattern, str):
                    continue
                if info.name == "no_po_box":  # detects a PO box: any digit will do
                    continue
                assert not _UNICODE_CLASSES.search(pattern.pattern), (
                    f"{info.name}: {pattern.pattern}"
                )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1988-02-29", None),  # a leap year
        ("1987-02-29", "not a calendar date"),
        ("1988-02-30", "not a calendar date"),
        ("1988-04-31", "not a calendar date"),
        ("1988-13-01", "not a calendar date"),
        ("1988-00-10", "not a calendar date"),
        ("1988-01-00", "not a calendar date"),
        ("2027-01-01", "in the future"),
        ("1850-06-01", "before 1900"),
        ("1988-02-28", None),
    ],
)
def test_a_date_of_birth_is_a_real_date_in_the_past(text: str, problem: str | None) -> None:
    issue = date_issue(text, datetime.date(2026, 12, 1))
    if problem is None:
        assert issue is None
    else:
        assert issue is not None
        assert problem in issue
        assert text not in issue


def _schema_messages(text: str) -> list[str]:
    return [p.message for p in schema_problems(parse(text, "p.yaml"), PROFILE_SCHEMA)]


@pytest.mark.parametrize(
    ("written", "shown"),
    [("1.8e2", "1.8e2"), ("!!float 180", "!!float 180"), ("180.0", "180.0"), ("18E1", "18E1")],
)
def test_a_float_where_an_integer_is_meant_is_refused(written: str, shown: str) -> None:
    text = PRIMARY.read_text(encoding="utf-8") + (
        "trust_products:\n  voice_integrity:\n    use_case: Support\n"
        f"    employee_count: {written}\n    average_daily_call_volume: 3\n"
    )
    expected = (
        "expected a whole number, not a number with a decimal point or exponent (Trust Hub "
        f"refuses it); found {shown}; write 180"
    )
    assert _schema_messages(text) == [expected]


@pytest.mark.parametrize(
    ("written", "hint"),
    [("01234", '"01234"'), ("0o17", '"0o17"'), ("0x1F", '"0x1F"'), ("+0700", '"+0700"')],
)
def test_quote_hints_show_the_characters_as_written(written: str, hint: str) -> None:
    text = PRIMARY.read_text(encoding="utf-8") + f"friendly_name: {written}\n"
    assert _schema_messages(text) == [f"expected a string, found an integer; quote it: {hint}"]


@pytest.mark.parametrize(
    ("edit", "secret"),
    [
        (('postal_code: "94105"', "postal_code: 01234"), "1234"),
        (('phone: "+14155550123"', "phone: 14155550123"), "4155550123"),
        (('phone: "+14155550123"', "phone: +14155550123"), "4155550123"),
        (('number: "47-1234567"', "number: 471234567"), "1234567"),
        (('phone_numbers: ["+14155550100"]', "phone_numbers: [14155550100]"), "4155550100"),
    ],
)
def test_quote_hints_never_repeat_personal_data(edit: tuple[str, str], secret: str) -> None:
    text = PRIMARY.read_text(encoding="utf-8").replace(*edit)
    (message,) = _schema_messages(text)
    assert message.startswith("expected a string, found an integer; quote it")
    assert secret not in message


@pytest.mark.parametrize(
    ("country", "code", "ok"),
    [
        ("US", "78705", True),
        ("US", "78705-1234", True),
        ("US", "7870", False),
        ("US", "787051", False),
        ("US", "７８７０５", False),
        ("CA", "K1A 0B1", True),
        ("CA", "D1A 0B1", False),  # D is never a first letter
        ("GB", "SW1A 1AA", True),
        ("GB", "M1 1AE", True),
        ("GB", "B33 8TH", True),
        ("GB", "EC1A 1BB", True),
        ("GB", "SW1A1AA", False),
        ("AU", "2000", True),
        ("IN", "110001", True),
        ("IN", "010001", False),
    ],
)
def test_postal_code_forms_per_country(country: str, code: str, ok: bool) -> None:
    pattern, _looks = POSTAL_FORMS[country]
    assert (pattern.fullmatch(code) is not None) is ok


@pytest.mark.parametrize(
    ("country", "region", "fix"),
    [
        ("US", "Oregon", "OR"),
        ("US", "oregon", "OR"),
        ("US", "Oregn", "OR"),
        ("US", "us-or", "OR"),
        ("US", "N.Y.", "NY"),
        ("US", "District of Columbia", "DC"),
        ("CA", "Québec", "QC"),
        ("CA", "british columbia", "BC"),
        ("US", "Narnia", None),
    ],
)
def test_region_suggestions(country: str, region: str, fix: str | None) -> None:
    assert suggestion(country, region) == fix


@pytest.mark.parametrize(
    "name", ["jordan-rivera.YAML", "jordan-rivera.Yml", "jordan-rivera.yaml.txt"]
)
def test_a_profile_file_discovery_skips_is_reported_by_validate_and_plan(
    name: str, tmp_path: Path
) -> None:
    """A renamed profile file is not read, so its profile would be planned for deletion:
    validate warns, naming the file and the fix, and plan says it again."""
    profile = (CASES / "clean" / "profiles" / "jordan-rivera.yaml").read_text(encoding="utf-8")
    workspace = make_workspace(tmp_path, {f"profiles/{name}": profile}, primary=True)
    warning = (
        f"profiles/{name}:1:1: warning [profile-file-skipped] {name!r} looks like a profile but "
        "is not read: only files ending in .yaml or .yml (lower case) are profiles, so a profile "
        "only in this file would be planned for deletion; rename it to 'jordan-rivera.yaml'"
    )
    result = run_cli(workspace, "--no-cache")
    assert result.stdout.splitlines()[0] == warning
    assert result.exit_code == 0
    planned = run_trusthub("plan", "--no-refresh", workspace=workspace)
    assert warning in planned.stderr.splitlines()


def test_backups_and_other_files_are_not_reported(tmp_path: Path) -> None:
    profile = PRIMARY.read_text(encoding="utf-8")
    files = {"profiles/acme.yaml~": profile, "profiles/acme.yaml.bak": profile}
    workspace = make_workspace(tmp_path, {**files, "profiles/notes.YAML": "notes"}, primary=True)
    assert run_cli(workspace, "--no-cache").stdout == "1 profile checked, no problems\n"
