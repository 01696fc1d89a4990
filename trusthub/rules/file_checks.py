"""Everything that can be known about one profile file from its bytes alone: it loads, it
matches the schema, and the per-profile rules pass. The result depends only on the file's
content (and trusthub's code), which is what makes it cacheable and parallelisable."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trusthub.errors import Problem
from trusthub.load.documents import MAX_FILE_BYTES, DocumentError, decode, parse, read_limited
from trusthub.load.profile_document import ProfileDoc, SourceLocator
from trusthub.rules import document_problems
from trusthub.rules.schema import PROFILE_SCHEMA, schema_problems


@dataclass(frozen=True, slots=True)
class FileResult:
    display: str  # the file, relative to the workspace (POSIX)
    digest: str  # BLAKE2b of the bytes; "" when they could not be read
    data: dict[str, Any] | None  # the profile when it is schema-valid, else None
    problems: tuple[Problem, ...]


def digest_of(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def check_profile_file(
    path: Path, display: str, raw: bytes | None = None, *, max_bytes: int = MAX_FILE_BYTES
) -> FileResult:
    """Load, schema-check and rule-check one profile file (`raw`: its bytes, if already
    read). Never raises for bad input: every finding is a problem in the result."""
    digest = ""
    try:
        if raw is None:
            raw = read_limited(path, display, max_bytes=max_bytes)
        digest = digest_of(raw)
        document = parse(decode(raw, display), display)
    except DocumentError as e:
        return FileResult(display, digest, None, (e.to_problem(),))
    problems = schema_problems(document, PROFILE_SCHEMA)
    if problems:  # rules assume schema-valid input
        return FileResult(display, digest, None, tuple(problems))
    data: dict[str, Any] = document.data
    doc = ProfileDoc(data["name"], display, data, SourceLocator(display, path, document))
    return FileResult(display, digest, data, tuple(document_problems(doc)))


def check_profile_files(
    files: Sequence[tuple[Path, str, bytes | None]], max_bytes: int = MAX_FILE_BYTES
) -> list[FileResult]:
    """`check_profile_file` over a chunk of files (the unit of work of a worker process)."""
    return [check_profile_file(p, d, raw, max_bytes=max_bytes) for p, d, raw in files]
