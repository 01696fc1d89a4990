"""Problem listings in four formats. Pure: each returns a `str`; the CLI writes it.

* `text`: one `path:line:col: severity [rule] message ($.json.path)` line per problem, then a
  summary line (`6 profiles checked, 2 errors, 1 warning in 1 file`).
* `json`: a stable, versioned document:
  `{"version": 1, "status": "ok"|"fail", "files": N, "problems": [{"path", "line",
  "column", "json_path", "rule", "severity", "message"}]}`. `status` is `fail` when any
  problem is an error; warnings alone leave it `ok`.
* `github`: workflow commands (`::error file=...,line=...,col=...,title=...::message`) that
  GitHub Actions shows as annotations on the pull request, escaped as the Actions toolkit
  does (`%`, CR and LF everywhere; also `:` and `,` in properties), then the summary line.
* `sarif`: a SARIF 2.1.0 log (one run; the rules that fired, described from their
  modules) for GitHub code scanning (`github/codeql-action/upload-sarif`) and other tools
  that read static-analysis results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Final

from trusthub import __version__
from trusthub.common.characters import escape_invisible
from trusthub.errors import Problem
from trusthub.rules import RULES

JSON_VERSION: Final = 1

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_COLORS: Final = {"error": "\x1b[31m", "warning": "\x1b[33m"}
_BOLD: Final = "\x1b[1m"
_RESET: Final = "\x1b[0m"


def summary(problems: Sequence[Problem], *, profiles_checked: int) -> str:
    checked = _count(profiles_checked, "profile") + " checked"
    if not problems:
        return f"{checked}, no problems"
    errors = sum(p.severity == "error" for p in problems)
    files = len({p.location.path for p in problems})
    counts = f"{_count(errors, 'error')}, {_count(len(problems) - errors, 'warning')}"
    return f"{checked}, {counts} in {_count(files, 'file')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _printable(text: str) -> str:
    # A file name or value with a newline must not break the one-line-per-problem output.
    return escape_invisible(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def _with_path(p: Problem) -> str:
    return p.message if p.json_path == "$" else f"{p.message} ({p.json_path})"


def format_text(problems: Sequence[Problem], *, profiles_checked: int, color: bool = False) -> str:
    lines = []
    for p in problems:
        where, severity = _printable(str(p.location)), str(p.severity)
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[p.severity]}{severity}{_RESET}"
        lines.append(f"{where}: {severity} [{p.rule}] {_printable(_with_path(p))}")
    lines.append(summary(problems, profiles_checked=profiles_checked))
    return "\n".join(lines) + "\n"


def format_json(problems: Sequence[Problem], *, files_checked: int) -> str:
    document = {
        "version": JSON_VERSION,
        "status": "fail" if any(p.severity == "error" for p in problems) else "ok",
        "files": files_checked,
        "problems": [
            {
                "path": p.location.path,
                "line": p.location.line,
                "column": p.location.column,
                "json_path": p.json_path,
                "rule": p.rule,
                "severity": p.severity,
                "message": p.message,
            }
            for p in problems
        ],
    }
    return escape_invisible(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def _gh_data(text: str) -> str:
    return escape_invisible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Sequence[Problem], *, profiles_checked: int) -> str:
    lines = []
    for p in problems:
        props = [f"file={_gh_property(p.location.path)}"]
        if p.location.line is not None:
            props.append(f"line={p.location.line}")
        if p.location.column is not None:
            props.append(f"col={p.location.column}")
        props.append(f"title={_gh_property(f'trusthub [{p.rule}]')}")
        lines.append(f"::{p.severity} {','.join(props)}::{_gh_data(_with_path(p))}")
    lines.append(summary(problems, profiles_checked=profiles_checked))
    return "\n".join(lines) + "\n"


SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"


# The checks that are not business rules (reading, parsing and the schema), described for
# SARIF readers; the business rules describe themselves (their module's docstring).
_CHECKS: Final = {
    "schema": "The profile matches trusthub's JSON Schema (schemas/, with Twilio's limits).",
    "yaml-syntax": "The file is valid YAML.",
    "not-a-mapping": "The file holds one YAML mapping: a profile.",
    "empty-file": "The file is not empty.",
    "encoding": "The file is UTF-8 text.",
    "control-character": "The file holds no control characters.",
    "file-unreadable": "The file can be read.",
    "file-too-large": "The file is not larger than trusthub reads.",
    "symlink": "Profile files are not symbolic links out of the workspace.",
    "profile-file-skipped": (
        "A file named like a profile in another case (acme.YAML) is reported, not skipped."
    ),
}


def _rule_description(rule_id: str) -> str:
    """The first paragraph of the rule module's docstring, on one line."""
    if rule_id in _CHECKS:
        return _CHECKS[rule_id]
    rule = RULES.get(rule_id)
    doc = (getattr(rule, "__doc__", None) or "").strip()
    first = doc.split("\n\n", 1)[0]
    return " ".join(first.split()) or rule_id


def format_sarif(problems: Sequence[Problem]) -> str:
    rule_ids = sorted({p.rule for p in problems})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = []
    for p in problems:
        region: dict[str, int] = {}
        if p.location.line is not None:
            region["startLine"] = p.location.line
            if p.location.column is not None:
                region["startColumn"] = p.location.column
        physical: dict[str, object] = {
            "artifactLocation": {"uri": p.location.path, "uriBaseId": "%SRCROOT%"}
        }
        if region:
            physical["region"] = region
        results.append(
            {
                "ruleId": p.rule,
                "ruleIndex": index[p.rule],
                "level": p.severity,
                "message": {"text": _with_path(p)},
                "locations": [
                    {
                        "physicalLocation": physical,
                        "logicalLocations": [{"fullyQualifiedName": p.json_path, "kind": "member"}],
                    }
                ],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "trusthub",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule_id,
                                "shortDescription": {"text": _rule_description(rule_id)},
                            }
                            for rule_id in rule_ids
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return escape_invisible(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def render(
    fmt: str,
    problems: Sequence[Problem],
    *,
    profiles_checked: int,
    files_checked: int,
    color: bool = False,
) -> str:
    """The listing in format `fmt` (`text`, `json`, `github` or `sarif`)."""
    if fmt == "sarif":
        return format_sarif(problems)
    if fmt == "json":
        return format_json(problems, files_checked=files_checked)
    if fmt == "github":
        return format_github(problems, profiles_checked=profiles_checked)
    return format_text(problems, profiles_checked=profiles_checked, color=color)


FORMATS: Final = ("text", "json", "github", "sarif")
