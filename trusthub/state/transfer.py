"""Whole-state operations that span stores or outlive a broken one: restoring over a
damaged SQLite file, and copying a workspace to another backend with verification."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trusthub.errors import StateError
from trusthub.state import open_store
from trusthub.state.base import StateStore
from trusthub.state.exchange import content_hash, read_backup
from trusthub.state.model import LockHolder, Meta
from trusthub.state.sqlite import read_sqlite_backup
from trusthub.state.sqlite_file import CorruptStateError


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def unique_name(directory: Path, stem: str, suffix: str) -> Path:
    """`<stem>-<UTC time>[-n]<suffix>` in `directory`, a name no file there has: two
    restores in the same second keep two copies (the time alone would repeat). A name is
    claimed by creating it (O_EXCL), so two processes never pick the same one."""
    stamp = _stamp()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for n in range(1000):
        candidate = directory / f"{stem}-{stamp}{f'-{n}' if n else ''}{suffix}"
        if any(Path(f"{candidate}{s}").exists() for s in ("-wal", "-shm")):
            continue
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        return candidate
    raise StateError(f"cannot find a free name for {stem}-{stamp}{suffix} in {directory}")


def set_aside(path: Path) -> Path:
    """Rename a damaged state file (and its -wal/-shm) out of the way; never delete it."""
    aside = unique_name(path.parent, f"{path.name}.corrupt", "")
    for suffix in ("-wal", "-shm", ""):
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(Path(f"{aside}{suffix}"))
    return aside


@dataclass(frozen=True, slots=True)
class Restored:
    meta: Meta  # the state after the restore
    previous: Path | None  # where the state it replaced was kept, if anywhere
    replaced: Meta | None = None  # the state it replaced, when it could be read
    backup_serial: int = 0  # the serial the backup was taken at

    @property
    def older(self) -> bool:
        """The backup is older than the state it replaced (same lineage, lower serial):
        what was made on Trust Hub since it was taken is not in it."""
        return (
            self.replaced is not None
            and self.replaced.lineage == self.meta.lineage
            and self.backup_serial < self.replaced.serial
        )


def restore_state(
    location: str,
    workspace: str,
    backup: Path,
    *,
    holder: LockHolder,
    force: bool = False,
    keep_dir: Path | None = None,
) -> Restored:
    """Restore `backup` into the state at `location`, under the state lock. A SQLite state
    too damaged to open is set aside first. With `keep_dir`, the state being replaced is
    backed up there first."""
    previous: Path | None = None
    try:
        store = open_store(location, workspace)
    except CorruptStateError as e:
        read_backup(backup, read_sqlite_backup)  # refuse a bad backup before moving anything
        previous = set_aside(e.path)
        store = open_store(location, workspace)
    backup_serial = int(read_backup(backup, read_sqlite_backup)["serial"])
    with store, store.lock(holder):
        replaced = store.meta()
        keep = None
        if keep_dir is not None and previous is None:
            suffix = ".db" if store.backend == "sqlite" else ".json"
            keep = unique_name(keep_dir, "before-restore", suffix)
        try:
            meta = store.restore(backup, force=force, keep_previous=keep)
        finally:
            if keep is not None and keep.exists() and keep.stat().st_size == 0:
                keep.unlink()  # claimed, but the restore stopped before keeping anything
    if keep is not None and keep.exists():
        previous = keep
    return Restored(meta, previous, replaced, backup_serial)


@dataclass(frozen=True, slots=True)
class Migrated:
    source: Meta
    target: Meta
    target_location: str
    resources: int
    audit_events: int
    content_hash: str


def _summary(data: dict[str, Any]) -> tuple[str, int, int, int, str]:
    return (
        data["lineage"],
        data["serial"],
        len(data["resources"]),
        len(data["audit"]),
        data["content_hash"],
    )


def migrate_state(
    source: StateStore, target_location: str, workspace: str, *, holder: LockHolder
) -> Migrated:
    """Copy the source's state and history into an empty state for `workspace` at
    `target_location`, holding both locks, then read the copy back and compare."""
    with open_store(target_location, workspace) as target:
        if target.backend == source.backend and target.location == source.location:
            raise StateError(f"{target.location} is the state being migrated; pick another")
        with source.lock(holder), target.lock(holder):
            data = source.export()
            target.import_(data)
            copy = target.export()
        if _summary(copy) != _summary(data) or content_hash(copy) != data["content_hash"]:
            raise StateError(
                f"the copy at {target.location} differs from the source after migrating",
                hint="do not use the copy; report this as a bug",
            )
        return Migrated(
            source=source.meta(),
            target=target.meta(),
            target_location=target.location,
            resources=len(copy["resources"]),
            audit_events=len(copy["audit"]),
            content_hash=copy["content_hash"],
        )
