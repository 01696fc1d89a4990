"""The per-file check results of the last run, in `.trusthub/cache/`, keyed by content.

A file's result (its data and its problems) depends only on its bytes and on trusthub's
code, so an entry is reused when the BLAKE2b digest of the file's current bytes equals the
stored one. Size and mtime are not trusted on their own: editors, `git checkout`, `cp -p`
and coarse file-system clocks can all leave them unchanged while the content changes, and
reading and hashing a profile costs about 10 us, a twentieth of parsing it.

The whole cache is one JSON file (no pickle: nothing in it can run code), written
atomically (temp file, fsync-free `os.replace`) with mode 0600 in a 0700 directory, and
stamped with a fingerprint of everything that could change a result: the cache format, the
size limit, the versions of PyYAML (and whether libyaml is in use), of phonenumbers'
metadata, of email-validator and of iso3166, and the fingerprint of trusthub's own source,
schemas and templates
(`trusthub.common.fingerprint`: any change to the package, not a list of the modules
thought to matter). Anything unexpected when reading it (another fingerprint, bad JSON, a
wrong shape) means an empty cache, silently rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from trusthub.common.files import write_private
from trusthub.common.fingerprint import code_fingerprint
from trusthub.errors import Location, Problem
from trusthub.model.phone_facts import NumberFacts
from trusthub.rules.file_checks import FileResult
from trusthub.rules.workspace_facts import workspace_facts

# 2: the name a broken file declares; 3: the facts part, the numbers' facts
CACHE_FORMAT: Final = 3
CACHE_NAME: Final = "profile-checks.json"


def fingerprint(max_bytes: int) -> str:
    import phonenumbers
    import yaml

    parts = [
        str(CACHE_FORMAT),
        str(max_bytes),
        code_fingerprint(),
        f"pyyaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)}",
        f"phonenumbers {phonenumbers.__version__}",
        # From the installed metadata: importing email-validator costs tens of ms.
        *(f"{name} {importlib.metadata.version(name)}" for name in ("email-validator", "iso3166")),
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class FactsCache:
    """What a run that reads facts only got from the cache: every file's facts result, and
    the whole results still unread (kept as they are when that run saves)."""

    results: dict[str, FileResult]
    whole: bytes  # the whole part and the later whole lines, verbatim
    lines: int  # how many whole lines `whole` holds


def load_cache(directory: Path, stamp: str) -> dict[str, FileResult]:
    """Whole cached results (with the profiles' data) by display path; empty when absent,
    stale or unreadable."""
    parts = _parts(directory, stamp)
    results: dict[str, FileResult] = {}
    try:
        for line in parts[2:]:  # later lines override earlier ones
            whole = json.loads(line)
            results.update((display, _decode(display, e)) for display, e in whole.items())
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}
    return results


def load_facts(directory: Path, stamp: str) -> FactsCache:
    """Every cached file's problems and facts, without its data (`trusthub validate`)."""
    parts = _parts(directory, stamp)
    if not parts:
        return FactsCache({}, b"", 0)
    try:
        entries = json.loads(parts[1])
        results = {display: _decode_facts(display, e) for display, e in entries.items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return FactsCache({}, b"", 0)
    return FactsCache(results, b"\n".join(parts[2:]), len(parts) - 2)


def save_cache(directory: Path, stamp: str, results: Mapping[str, FileResult]) -> None:
    """Replace the cache with `results` (whole: every one holds its data, or is invalid).
    Best effort: a read-only workspace just has no cache."""
    ordered = sorted(results.items())
    _write(directory, stamp, _facts_part(ordered), _dumps({d: _encode(r) for d, r in ordered}))


def save_facts(
    directory: Path,
    stamp: str,
    results: Mapping[str, FileResult],
    checked: Mapping[str, FileResult],
    previous: FactsCache,
) -> None:
    """Replace the cache after a run that read facts only: the facts of every file in
    `results`, the whole results read before, and those of the files `checked` now, as a
    line of their own (so the whole results are copied, never decoded and encoded again).
    After many such runs the lines are merged into one."""
    ordered = sorted(results.items())
    fresh = {d: _encode(r) for d, r in sorted(checked.items()) if r.digest}
    if not previous.lines:
        _write(directory, stamp, _facts_part(ordered), _dumps(fresh))
        return
    whole = previous.whole
    if previous.lines >= MAX_WHOLE_LINES:
        merged: dict[str, Any] = {}
        for line in whole.split(b"\n"):
            merged.update(json.loads(line))
        merged.update(fresh)
        _write(directory, stamp, _facts_part(ordered), _dumps(merged))
        return
    _write(directory, stamp, _facts_part(ordered), whole + b"\n" + _dumps(fresh))


MAX_WHOLE_LINES: Final = 32


def _parts(directory: Path, stamp: str) -> list[bytes]:
    """header, facts, whole[, whole...]: [] when absent, stale or unreadable."""
    try:
        parts = (directory / CACHE_NAME).read_bytes().split(b"\n")
        header = json.loads(parts[0])
        if not isinstance(header, dict) or header.get("fingerprint") != stamp or len(parts) < 3:
            return []
    except (OSError, ValueError):
        return []
    return parts


def _write(directory: Path, stamp: str, facts: bytes, *whole: bytes) -> None:
    # JSON as written here holds no raw newline (json.dumps escapes them in strings), so
    # the parts are separated by newlines and read apart without parsing each other.
    data = b"\n".join([_dumps({"fingerprint": stamp}), facts, *whole])
    with contextlib.suppress(OSError):
        write_private(directory / CACHE_NAME, data, durable=False)


def _dumps(value: Any) -> bytes:
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (4x slower).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _facts_part(ordered: Sequence[tuple[str, FileResult]]) -> bytes:
    return _dumps({display: _encode_facts(result) for display, result in ordered})


def _problems(result: FileResult) -> list[Any]:
    return [
        [p.location.line, p.location.column, p.rule, p.severity, p.message, p.json_path]
        for p in result.problems
    ]


def _encode(result: FileResult) -> list[Any]:
    numbers = {n: list(f) for n, f in result.numbers.items()}
    return [result.digest, result.data, _problems(result), result.broken_name, numbers]


def _encode_facts(result: FileResult) -> list[Any]:
    facts = result.facts
    if facts is None and result.data is not None:
        facts = workspace_facts(result.data)
    return [result.digest, facts, _problems(result), result.broken_name]


def _decoded_problems(display: str, problems: list[Any]) -> tuple[Problem, ...]:
    return tuple(
        Problem(Location(display, line, column), rule, message, severity, json_path)
        for line, column, rule, severity, message, json_path in problems
    )


def _decode(display: str, entry: list[Any]) -> FileResult:
    digest, data, problems, broken_name, numbers = entry
    _check(digest, data, broken_name)
    if not isinstance(numbers, dict):
        raise TypeError("bad cache entry")
    facts = {n: NumberFacts(*f) for n, f in numbers.items() if _number_facts(f)}
    return FileResult(
        display, digest, data, _decoded_problems(display, problems), broken_name, None, facts
    )


def _decode_facts(display: str, entry: list[Any]) -> FileResult:
    digest, facts, problems, broken_name = entry
    _check(digest, facts, broken_name)
    problems = _decoded_problems(display, problems)
    return FileResult(display, digest, None, problems, broken_name, facts)


def _check(digest: Any, data: Any, broken_name: Any) -> None:
    if not isinstance(digest, str) or not (data is None or isinstance(data, dict)):
        raise TypeError("bad cache entry")
    if not (broken_name is None or isinstance(broken_name, str)):
        raise TypeError("bad cache entry")


def _number_facts(facts: Any) -> bool:
    return (
        isinstance(facts, list)
        and len(facts) == 3
        and isinstance(facts[0], bool)
        and (facts[1] is None or isinstance(facts[1], str))
        and isinstance(facts[2], bool)
    )
