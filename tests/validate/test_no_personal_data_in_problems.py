"""Problems never quote personal data (issue 17): every problem of the whole bad-input and
rule corpus is searched for the personal values of the file it is about (names, emails,
phone numbers, registration numbers, street addresses, postal codes, dates of birth), as
parsed and as written (an unquoted `15125550111`). Problems reach GitHub annotations and
the pull-request comment."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.validate.conftest import CASES, HERE, copy_tree, make_workspace, run_cli
from trusthub.load.documents import Document, DocumentError, decode, parse
from trusthub.model.privacy import is_sensitive

BAD_FILES = sorted((HERE / "bad_input" / "files").iterdir())


def _personal(document: Document, data: Any, path: tuple[str | int, ...] = ()) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _personal(document, value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _personal(document, value, (*path, index))
    elif is_sensitive(path) and data is not None and not isinstance(data, bool):
        written = document.source_text(path) or ""
        for text in {str(data), written.strip("\"'"), "".join(c for c in str(data) if c.isdigit())}:
            if len(text) >= 4:
                yield text


def personal_values(source: Path) -> set[str]:
    try:
        document = parse(decode(source.read_bytes(), source.name), source.name)
    except DocumentError:
        return set()
    return set(_personal(document, document.data))


def quotes(message: str, secret: str) -> bool:
    """Whether `message` holds `secret` as a whole (not a prefix of an example's digits)."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9])", message) is not None


def _problems(workspace: Path) -> list[dict[str, Any]]:
    result = run_cli(workspace, "--format", "json", "--no-cache")
    problems: list[dict[str, Any]] = json.loads(result.stdout)["problems"]
    return problems


def test_the_corpus_has_personal_values_to_look_for() -> None:
    assert "15125550167" in personal_values(HERE / "bad_input/files/67-phone-unquoted.yaml")
    assert "832716568" in personal_values(HERE / "bad_input/files/68-ein-unquoted.yaml")
    assert "01234" in personal_values(HERE / "bad_input/files/64-zip-leading-zero-unquoted.yaml")


def test_no_problem_of_the_bad_input_corpus_quotes_personal_data(tmp_path: Path) -> None:
    files = {f"profiles/{f.name}": f.read_bytes() for f in BAD_FILES}
    workspace = make_workspace(tmp_path, files, primary=True)
    secrets = {f"profiles/{f.name}": personal_values(f) for f in BAD_FILES}
    problems = _problems(workspace)
    assert len(problems) >= len(BAD_FILES)
    for problem in problems:
        for secret in secrets.get(problem["path"], set()):
            assert not quotes(problem["message"], secret), (problem["path"], problem["message"])


@pytest.mark.parametrize(
    "case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_no_problem_of_the_rule_corpus_quotes_personal_data(case: Path, tmp_path: Path) -> None:
    workspace = copy_tree(case, tmp_path / case.name)
    for problem in _problems(workspace):
        source = workspace / problem["path"]
        if not source.is_file():
            continue
        for secret in personal_values(source):
            assert not quotes(problem["message"], secret), (problem["path"], problem["message"])
