"""The fingerprint of trusthub's own code: a digest of every `*.py` file and every file
under `schemas/` and `templates/` in the installed package directory, by relative path.

Caches whose entries depend on what the code does (the per-file check results, the spec
hashes) are stamped with it, so any change to the package, a rule, the mapping, a schema,
invalidates them: no list of "the modules that matter" to keep up to date.

Trade-off: the digest covers the files' bytes, not just their size and mtime. Measured on
this tree (about 140 files, 610 KB, warm page cache): about 1.9 ms of CPU a process, of
which reading the files is most and SHA-256 about 0.5 ms; hashing (path, size, mtime_ns)
alone would cost about 0.9 ms. The stat-only digest would save a millisecond but trust
what `cp -p`, `rsync -t`, tar and an edit within the file system's clock resolution can
all keep while the content changes, and would throw the caches away after a `git
checkout` that rewrote identical files. For a millisecond, the fingerprint changes exactly
when the code does. It is computed once per process (a cold page cache costs more once).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
from pathlib import Path
from typing import Final

# The installed `trusthub` package (this file is trusthub/common/fingerprint.py). Not Final:
# tests point it at a copied tree.
PACKAGE_ROOT = Path(__file__).parent.parent
# Package data read at run time; everything in them counts, whatever its suffix.
DATA_DIRS: Final = ("schemas", "templates")


@functools.cache
def code_fingerprint() -> str:
    """The fingerprint of the package at `PACKAGE_ROOT`, computed on the first call (a
    test pointing `PACKAGE_ROOT` elsewhere calls `code_fingerprint.cache_clear()`)."""
    return tree_fingerprint(PACKAGE_ROOT)


def tree_fingerprint(root: Path) -> str:
    """A hex SHA-256 over the relative path, size and bytes of each code and data file
    under `root`, in sorted order (uncached)."""
    digest = hashlib.sha256()
    for relative, path in sorted(_code_files(root, "", set(), data=False)):
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                # One read of the whole file: os.read with the size, not a large constant
                # (which allocates that much every time).
                data = os.read(fd, os.fstat(fd).st_size + 1)
            finally:
                os.close(fd)
        except OSError as e:  # gone or unreadable meanwhile: still a different fingerprint
            data = f"<unreadable: {e.errno}>".encode()
        digest.update(b"%s\0%d\0" % (relative.encode("utf-8", "surrogateescape"), len(data)))
        digest.update(data)
    return digest.hexdigest()


def _code_files(
    directory: Path | str, prefix: str, seen: set[tuple[int, int]], *, data: bool
) -> list[tuple[str, str]]:
    """(relative POSIX path, path) of the files that count under `directory`. Follows the
    symlinks a source checkout uses for schemas/ and templates/, once each."""
    found: list[tuple[str, str]] = []
    try:
        info = os.stat(directory)
        if (info.st_dev, info.st_ino) in seen:
            return found
        seen.add((info.st_dev, info.st_ino))
        entries = list(os.scandir(directory))
    except OSError:
        return found
    for entry in entries:
        relative = prefix + entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            if entry.name != "__pycache__":
                inner = data or (not prefix and entry.name in DATA_DIRS)
                found += _code_files(entry.path, relative + "/", seen, data=inner)
        elif data or entry.name.endswith(".py"):
            found.append((relative, entry.path))
    return found


def installed_version(distribution: str, module: str) -> str:
    """The version of the installed `distribution` that provides the top-level `module`,
    from the name of its `*.dist-info` directory beside the module (what pip writes), and
    without importing the module: `importlib.metadata` alone costs a one-file `trusthub
    validate` about 13 ms, phonenumbers about 25 ms. Falls back to `importlib.metadata`
    where there is no such directory (an egg, an editable install of another layout)."""
    spec = importlib.util.find_spec(module)
    locations = spec.submodule_search_locations if spec is not None else None
    origin = spec.origin if spec is not None else None
    where = Path(next(iter(locations))) if locations else Path(origin) if origin else None
    if where is not None:
        # Normalised as wheel file names are (PEP 427, PEP 503: runs of -_. become _).
        stem = re.sub(r"[-_.]+", "_", distribution).lower()
        try:
            names = os.listdir(where.parent)
        except OSError:
            names = []
        found = [
            version
            for name in names
            if name.endswith(".dist-info")
            and (parts := name[: -len(".dist-info")].split("-", 1))[0].lower() == stem
            and len(parts) == 2
            and (version := parts[1])
        ]
        if len(found) == 1:  # two: a stale directory beside the real one; ask the metadata
            return found[0]
    from importlib import metadata

    return metadata.version(distribution)
