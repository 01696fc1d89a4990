"""The backend-neutral form of a whole state: what `export()` returns, `import_()` takes, a
PostgreSQL backup holds, and `state migrate` copies. Its content hash covers everything
that matters (lineage, serial, resources with specs, remote objects, audit log) and nothing
that may differ between two faithful copies (workspace name, schema version, backend)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from trusthub.common.canonical import canonical_text
from trusthub.common.files import write_private
from trusthub.errors import StateError

FORMAT: Final = "trusthub-state"
# 2: each resource has its `account`. Version 1 exports (every resource in the parent) are
# read and upgraded after their content hash is checked.
FORMAT_VERSION: Final = 2
SQLITE_HEADER: Final = b"SQLite format 3\x00"

RESOURCE_FIELDS: Final = (
    "kind",
    "name",
    "status",
    "status_since",
    "spec_hash",
    "rejection_reasons",
    "evaluation",
    "valid_until",
    "policy_sid",
    "updated_at",
    "spec",
    "account",  # last: version 1 exports have every other field (`verify_export`)
)
REMOTE_FIELDS: Final = ("kind", "name", "role", "sid", "state", "detail", "updated_at")
AUDIT_FIELDS: Final = (
    "id",
    "time",
    "actor",
    "kind",
    "name",
    "action",
    "from_status",
    "to_status",
    "plan_checksum",
    "detail",
)
_HASHED: Final = ("lineage", "serial", "resources", "remote_objects", "audit")


def content_hash(data: Mapping[str, Any]) -> str:
    content = {key: data[key] for key in _HASHED}
    return "sha256:" + hashlib.sha256(canonical_text(content).encode()).hexdigest()


def build_export(
    *,
    workspace: str,
    lineage: str,
    serial: int,
    schema_version: int,
    resources: Sequence[Mapping[str, Any]],
    remote_objects: Sequence[Mapping[str, Any]],
    audit: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    # Sorted here, not in SQL: PostgreSQL orders text by its collation, SQLite by bytes.
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "workspace": workspace,
        "schema_version": schema_version,
        "lineage": lineage,
        "serial": serial,
        "resources": sorted(resources, key=lambda r: r["name"]),
        "remote_objects": sorted(remote_objects, key=lambda o: (o["name"], o["role"])),
        "audit": sorted(audit, key=lambda e: e["id"]),
    }
    data["content_hash"] = content_hash(data)
    return data


def _check_rows(data: Mapping[str, Any], key: str, fields: Sequence[str], source: str) -> None:
    rows = data.get(key)
    if not isinstance(rows, list):
        raise StateError(f"{source}: `{key}` is missing or not a list")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) != set(fields):
            raise StateError(f"{source}: {key}[{i}] does not have the fields {', '.join(fields)}")


def verify_export(data: Any, source: str) -> dict[str, Any]:
    """`data` as an export, after checking its shape and content hash."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StateError(f"{source} is not a trusthub state export")
    version = data.get("format_version")
    if version not in (1, FORMAT_VERSION):
        raise StateError(
            f"{source} has export format version {version}; this trusthub reads version "
            f"{FORMAT_VERSION} (and 1)",
            hint="use the trusthub version that wrote it",
        )
    if not isinstance(data.get("lineage"), str) or not isinstance(data.get("serial"), int):
        raise StateError(f"{source}: lineage or serial is missing")
    # Version 1 rows have no `account` (every resource was in the parent).
    fields = RESOURCE_FIELDS if version == FORMAT_VERSION else RESOURCE_FIELDS[:-1]
    _check_rows(data, "resources", fields, source)
    _check_rows(data, "remote_objects", REMOTE_FIELDS, source)
    _check_rows(data, "audit", AUDIT_FIELDS, source)
    if data.get("content_hash") != content_hash(data):
        raise StateError(
            f"{source} is damaged: its content does not match its content hash",
            hint="use another backup",
        )
    if version == FORMAT_VERSION:
        return data
    upgraded = dict(data, format_version=FORMAT_VERSION)
    upgraded["resources"] = [dict(r, account="parent") for r in data["resources"]]
    upgraded["content_hash"] = content_hash(upgraded)
    return upgraded


def write_export(path: Path, data: Mapping[str, Any]) -> None:
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_private(path, text.encode())


def read_backup(path: Path, read_sqlite: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """A backup file, verified, as an export: a SQLite state file (the SQLite backend's
    backups, read by `read_sqlite`: `trusthub.state.sqlite.read_sqlite_backup`, passed in so
    this module stays below the backends) or a JSON export (the PostgreSQL backend's)."""
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise StateError(f"cannot read backup {path}: {e.strerror}") from None
    if head == SQLITE_HEADER:
        return read_sqlite(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        if head.lstrip().startswith(b"{"):
            raise StateError(f"{path} is a damaged JSON state export ({e})") from None
        raise StateError(f"{path} is neither a SQLite state file nor a JSON state export") from None
    return verify_export(data, str(path))
