"""Spec hashes of the desired resources, cached by the profile file's content digest.

A resource's hash is a function of its file's bytes, the state's fingerprint key and
trusthub's code, so a second plan over unchanged files reuses them instead of serialising
every profile again (about half of a warm plan's time at 10,000 profiles). The cache is
stamped with the key and the fingerprint of trusthub's own source and data files
(`trusthub.common.fingerprint`): an edit to `desired.py` or `mapping.py` changes how a
profile maps to a spec, and must not leave a stale hash that hides an update. One JSON file
in `.trusthub/cache/` (0600 in a 0700 directory), written atomically; anything unexpected
in it means an empty cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from trusthub.common.files import write_private
from trusthub.common.fingerprint import code_fingerprint

CACHE_NAME = "spec-hashes.json"
FORMAT = 1


def _stamp(key: bytes) -> str:
    # The key binds entries to one state lineage; the fingerprint to the code that made them.
    return hashlib.sha256(key + f"|{FORMAT}|{code_fingerprint()}".encode()).hexdigest()[:32]


class HashCache:
    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self.stamp = _stamp(key)
        self.entries: dict[str, dict[str, str]] = {}
        self.dirty = False
        try:
            blob = json.loads((directory / CACHE_NAME).read_bytes())
            if blob.get("stamp") == self.stamp and isinstance(blob.get("files"), dict):
                self.entries = blob["files"]
        except (OSError, ValueError, TypeError, AttributeError):
            self.entries = {}

    def hashes(
        self, digest: str, names: Iterable[str], compute: Callable[[str], str]
    ) -> dict[str, str]:
        """The hashes of `names` (the resources of one file), cached under `digest`."""
        names = list(names)
        cached = self.entries.get(digest) if digest else None
        if cached is not None and all(n in cached for n in names):
            return {n: cached[n] for n in names}
        fresh = {n: compute(n) for n in names}
        if digest:
            self.entries[digest] = fresh
            self.dirty = True
        return fresh

    def save(self, keep: Mapping[str, object]) -> None:
        """Write the entries of the digests in `keep` (the files seen this run). Best
        effort: a read-only workspace just has no cache."""
        entries = {d: h for d, h in self.entries.items() if d in keep}
        if not self.dirty and len(entries) == len(self.entries):
            return
        data = json.dumps({"stamp": self.stamp, "files": entries}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            write_private(self.directory / CACHE_NAME, data.encode(), durable=False)
