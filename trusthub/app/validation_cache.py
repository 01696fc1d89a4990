"""The per-file check results of the last run, in `.trusthub/cache/`, keyed by content.

A file's result (its data and its problems) depends only on its bytes, on the workspace
defaults it inherits (`defaults:` in trusthub.yaml) and on trusthub's code, so an entry is
reused when its key equals the BLAKE2b digest of the file's current bytes, combined with
the digest of the defaults that reach the file (`result_keys`): a change to a default
re-checks exactly the files it reaches. Size and mtime are not trusted on their own:
editors, `git checkout`, `cp -p` and coarse file-system clocks can all leave them unchanged
while the content changes, and reading and hashing a profile costs about 10 us, a twentieth
of parsing it.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from trusthub.common.files import write_private
from trusthub.common.fingerprint import code_fingerprint
from trusthub.errors import Location, Problem
from trusthub.load.inheritance import FileDefaults
from trusthub.rules.file_checks import FileResult, result_key

CACHE_FORMAT: Final = 2  # 2: the name a broken file declares
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


def result_keys(digest: str, defaults: FileDefaults | None) -> set[str]:
    """The keys a cached result of a file whose bytes have `digest` may have, with the
    `defaults` that may reach it: one per role the file could declare (which role's
    defaults apply is known only once it is parsed; the bytes fix the role, so a match
    under any of them is the result of these bytes with these defaults)."""
    if defaults is None:
        return {digest}
    return {result_key(digest, key) for key in defaults.cache_keys()}


def load_cache(directory: Path, stamp: str) -> dict[str, FileResult]:
    """Cached results by display path; empty when absent, stale or unreadable."""
    try:
        blob = json.loads((directory / CACHE_NAME).read_bytes())
        if blob.get("fingerprint") != stamp:
            return {}
        return {display: _decode(display, entry) for display, entry in blob["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def save_cache(directory: Path, stamp: str, results: Mapping[str, FileResult]) -> None:
    """Replace the cache atomically. Best effort: a read-only workspace just has no cache."""
    blob = {
        "fingerprint": stamp,
        "files": {display: _encode(result) for display, result in sorted(results.items())},
    }
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (4x slower).
    data = json.dumps(blob, ensure_ascii=False, separators=(",", ":")).encode()
    with contextlib.suppress(OSError):
        write_private(directory / CACHE_NAME, data, durable=False)


def _encode(result: FileResult) -> list[Any]:
    problems = [
        [p.location.line, p.location.column, p.rule, p.severity, p.message, p.json_path]
        for p in result.problems
    ]
    return [result.digest, result.data, problems, result.broken_name]


def _decode(display: str, entry: list[Any]) -> FileResult:
    digest, data, problems, broken_name = entry
    if not isinstance(digest, str) or not (data is None or isinstance(data, dict)):
        raise TypeError("bad cache entry")
    if not (broken_name is None or isinstance(broken_name, str)):
        raise TypeError("bad cache entry")
    decoded = tuple(
        Problem(Location(display, line, column), rule, message, severity, json_path)
        for line, column, rule, severity, message, json_path in problems
    )
    return FileResult(display, digest, data, decoded, broken_name)
