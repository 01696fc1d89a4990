"""The workspace's copies of trusthub's JSON Schemas (`schemas/`), for editors: profile
files written by trusthub name them on their first line (see `trusthub.app.scaffold`)."""

from __future__ import annotations

from pathlib import Path

from trusthub.app.scaffold import ScaffoldError, schema_files, stale_schema_files


def write_schema_files(root: Path) -> list[str]:
    """Write the schema copies that are missing or differ from this trusthub's; return
    their paths (relative to `root`)."""
    current: dict[str, str | None] = {}
    for path in schema_files():
        try:
            current[path] = (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current[path] = None
    stale = stale_schema_files(current)
    try:
        for path, text in stale.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    except OSError as e:
        raise ScaffoldError(f"cannot write {path}: {e.strerror or e}") from None
    return sorted(stale)
