"""Everything that can be known about one profile file from its bytes alone: it loads, it
matches the schema, and the per-profile rules pass. The result depends only on the file's
content (and trusthub's code), which is what makes it cacheable and parallelisable.

A file that fails the schema is still rule-checked, on the parts the schema accepted
(`trusthub.rules.trusted`), so one run reports every problem of every file. A file that is
not a valid profile still says which profile it meant to be (`name`), when it can be told,
so that other files that name it are not reported as naming nothing: the cause is this
file's own problem."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from trusthub.errors import Problem
from trusthub.load.discovery import declared_name
from trusthub.load.documents import (
    MAX_FILE_BYTES,
    Document,
    DocumentError,
    decode,
    parse,
    read_limited,
)
from trusthub.load.inheritance import FileDefaults, InheritedDocument, annotate
from trusthub.load.profile_document import ProfileDoc, SourceLocator
from trusthub.model.phone_facts import NumberFacts, facts_of
from trusthub.rules import DOCUMENT_RULES, document_problems
from trusthub.rules.fields import phone_numbers
from trusthub.rules.schema import PROFILE_SCHEMA, schema_check
from trusthub.rules.trusted import cut_paths, inside, run_on_trusted, trusted_view
from trusthub.rules.workspace_facts import workspace_facts

_NAME: Final = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


@dataclass(frozen=True, slots=True)
class FileResult:
    display: str  # the file, relative to the workspace (POSIX)
    digest: str  # BLAKE2b of the bytes; "" when they could not be read
    # The profile when it is schema-valid, else None; None too in a result read for its
    # facts alone (`facts` then tells whether the profile is valid).
    data: dict[str, Any] | None
    problems: tuple[Problem, ...]
    # The profile name a file that is not a valid profile declares, when it can be read.
    broken_name: str | None = None
    # What the workspace rules read of a schema-valid profile (None: not a valid profile,
    # or a whole result read from the cache, which has its data instead).
    facts: dict[str, Any] | None = None
    # The facts of the profile's phone numbers, as its checks found them.
    numbers: Mapping[str, NumberFacts] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """Whether the file is a schema-valid profile (a whole result read from the cache
        has its data and no facts; one read for its facts, the reverse)."""
        return self.facts is not None or self.data is not None


def digest_of(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def check_profile_file(
    path: Path,
    display: str,
    raw: bytes | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    defaults: FileDefaults | None = None,
) -> FileResult:
    """Load, schema-check and rule-check one profile file (`raw`: its bytes, if already
    read), with the workspace `defaults` that apply to it merged in first. Never raises for
    bad input: every finding is a problem in the result. `digest` is the result's cache key:
    the bytes' digest, with the key of the defaults the file inherits."""
    digest = ""
    try:
        if raw is None:
            raw = read_limited(path, display, max_bytes=max_bytes)
        digest = digest_of(raw)
        document = parse(decode(raw, display), display)
    except DocumentError as e:
        return FileResult(display, digest, None, (e.to_problem(),), declared_name(raw))
    inheritance = defaults.for_role(document.data.get("role")) if defaults is not None else None
    if inheritance is None:
        return _check_document(document, display, path, digest)
    merged = InheritedDocument(document, inheritance)
    result = _check_document(merged, display, path, result_key(digest, inheritance.key))
    problems = tuple(annotate(result.problems, display, inheritance, merged.origins))
    return replace(result, problems=problems)  # its facts too: those of the merged profile


def result_key(digest: str, defaults_key: str) -> str:
    """The cache key of a file's result: its bytes' digest, combined with the key of the
    defaults it inherits (none: the digest itself)."""
    if not defaults_key:
        return digest
    return hashlib.blake2b(f"{digest}|{defaults_key}".encode(), digest_size=16).hexdigest()


def _check_document(document: Document, display: str, path: Path, digest: str) -> FileResult:
    problems, invalid = schema_check(document, PROFILE_SCHEMA)
    if problems:
        partial = _partial_problems(document.data, invalid, display, path, document)
        name = document.data.get("name") if isinstance(document.data, dict) else None
        name = name if isinstance(name, str) and _NAME.fullmatch(name) else None
        return FileResult(display, digest, None, (*problems, *partial), name)
    data: dict[str, Any] = document.data
    doc = ProfileDoc(data["name"], display, data, SourceLocator(display, path, document))
    found = tuple(document_problems(doc))
    numbers = facts_of(n for _path, n in phone_numbers(data))  # the rules looked them up
    return FileResult(display, digest, data, found, None, workspace_facts(data), numbers)


def _partial_problems(
    data: Any, invalid: Sequence[tuple[str | int, ...]], display: str, path: Path, document: Any
) -> list[Problem]:
    """The per-profile rules on the parts of a profile the schema accepted, without what
    only repeats a schema error (a problem at or under a rejected path)."""
    view = trusted_view(data, invalid)
    if view is None:
        return []
    name = None if "name" in view.untrusted else view.get("name")
    doc = ProfileDoc(
        name if isinstance(name, str) else "", display, view, SourceLocator(display, path, document)
    )
    cuts = cut_paths(invalid)
    found = [p for rule in DOCUMENT_RULES for p in run_on_trusted(rule.check, doc)]
    return [p for p in found if not inside(p.json_path, cuts)]


def check_profile_files(
    files: Sequence[tuple[Path, str, bytes | None, FileDefaults | None]],
    max_bytes: int = MAX_FILE_BYTES,
) -> list[FileResult]:
    """`check_profile_file` over a chunk of files (the unit of work of a worker process)."""
    return [
        check_profile_file(p, d, raw, max_bytes=max_bytes, defaults=defaults)
        for p, d, raw, defaults in files
    ]
