from __future__ import annotations

import json

from trusthub.errors import Location, Problem
from trusthub.report.problems import format_github, format_json, format_text, summary

ERROR = Problem(
    Location("profiles/a,b:c.yaml", 3, 5), "schema", "100% wrong\r\nsecond line", json_path="$.x"
)
WARNING = Problem(
    Location("profiles/a.yaml", 1, 1),
    "unconfirmed-industry",
    "maybe",
    "warning",
    "$.business.industry",
)
FILE_LEVEL = Problem(Location("profiles/a.yaml"), "symlink", "a loop")


def test_github_annotations_escape_data_and_properties() -> None:
    assert format_github([ERROR], profiles_checked=1).splitlines() == [
        (
            "::error file=profiles/a%2Cb%3Ac.yaml,line=3,col=5,title=trusthub [schema]::"
            "100%25 wrong%0D%0Asecond line ($.x)"
        ),
        "1 profile checked, 1 error, 0 warnings in 1 file",
    ]


def test_github_annotation_without_line() -> None:
    assert format_github([FILE_LEVEL], profiles_checked=1).splitlines()[0] == (
        "::error file=profiles/a.yaml,title=trusthub [symlink]::a loop"
    )


def test_text_keeps_one_line_per_problem_and_colours_only_when_asked() -> None:
    plain = format_text([ERROR, WARNING], profiles_checked=2)
    assert plain.splitlines() == [
        "profiles/a,b:c.yaml:3:5: error [schema] 100% wrong\\x0d\\x0asecond line ($.x)",
        "profiles/a.yaml:1:1: warning [unconfirmed-industry] maybe ($.business.industry)",
        "2 profiles checked, 1 error, 1 warning in 2 files",
    ]
    assert "\x1b[" not in plain
    coloured = format_text([ERROR, WARNING], profiles_checked=2, color=True)
    assert "\x1b[31merror\x1b[0m" in coloured
    assert "\x1b[33mwarning\x1b[0m" in coloured


def test_json_is_versioned_and_ok_with_warnings_only() -> None:
    document = json.loads(format_json([WARNING], files_checked=3))
    assert document == {
        "version": 1,
        "status": "ok",
        "files": 3,
        "problems": [
            {
                "path": "profiles/a.yaml",
                "line": 1,
                "column": 1,
                "json_path": "$.business.industry",
                "rule": "unconfirmed-industry",
                "severity": "warning",
                "message": "maybe",
            }
        ],
    }
    assert json.loads(format_json([ERROR], files_checked=1))["status"] == "fail"


def test_summary_counts() -> None:
    assert summary([], profiles_checked=1) == "1 profile checked, no problems"
    assert summary([ERROR, ERROR, WARNING], profiles_checked=6) == (
        "6 profiles checked, 2 errors, 1 warning in 2 files"
    )


def test_sorting_by_file_then_line_tolerates_missing_lines() -> None:
    later = Problem(Location("profiles/a.yaml", 9, 1), "x", "m")
    assert sorted([later, WARNING, FILE_LEVEL]) == [FILE_LEVEL, WARNING, later]
