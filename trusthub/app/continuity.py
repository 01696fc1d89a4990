"""The workspace remembers that it has applied: `.trusthub/applied.json`, beside the profiles
and apart from the state, says which state (lineage) the last apply used, at which serial,
and whether that apply finished.

Why a marker in the workspace, and not only trusthub's tags on Trust Hub: finding out from
Trust Hub alone that objects are trusthub's means listing every end user of the account at
every plan, and a state that is simply new (a first apply) would look the same as one that
was lost. The marker costs one small file write per apply, and tells the two apart:

* no marker: the workspace never applied here; a new state is a new workspace;
* a marker, and a state of another lineage (deleted and made anew, or another state put in
  its place), at a lower serial (a WAL lost after a kill, an older backup restored), or an
  apply that never finished (its last commits may be lost with a damaged WAL): the state
  may not know everything trusthub made, so apply *reconciles*: before each create it looks
  on Trust Hub for the object trusthub would have made, by its tagged friendly name (and a
  bundle by name, policy and its tagged objects), and adopts it (`trusthub.apply.converge`).

A reason to reconcile is kept in the marker until an apply has carried out a plan with
nothing left to create, since trust products are planned only once their profile is approved
(the apply after). `trusthub state restore` of an older backup and a bundle found gone from
Trust Hub set it too. `apply --reconcile` forces it (for a workspace whose `.trusthub` was
deleted with its state, or a checkout that never held the marker, as in CI).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Final

from trusthub.common.files import write_private
from trusthub.config.settings import Settings
from trusthub.state.base import StateStore
from trusthub.state.model import utc_now
from trusthub.state.sqlite_file import translate_os_error

MARKER: Final = "applied.json"
_VERSION: Final = 1


@dataclass(frozen=True, slots=True)
class Marker:
    workspace: str
    lineage: str
    serial: int
    applying: bool  # an apply began and has not finished (killed, or still running)
    reconcile: str | None  # a reason kept until an apply has nothing left to create
    updated_at: str


def marker_path(settings: Settings) -> Path:
    return settings.state_dir / MARKER


def read_marker(settings: Settings) -> Marker | None:
    """The marker, None when the workspace never applied. One that cannot be read (torn,
    edited) still says the workspace applied: it reads as a reason to reconcile."""
    path = marker_path(settings)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return _unreadable(settings)
    try:
        data: Any = json.loads(raw)
        return Marker(
            workspace=str(data["workspace"]),
            lineage=str(data["lineage"]),
            serial=int(data["serial"]),
            applying=bool(data["applying"]),
            reconcile=None if data.get("reconcile") is None else str(data["reconcile"]),
            updated_at=str(data.get("updated_at", "")),
        )
    except (ValueError, KeyError, TypeError):
        return _unreadable(settings)


def _unreadable(settings: Settings) -> Marker:
    return Marker(
        settings.name, "", 0, False, f"{settings.relative(marker_path(settings))} is unreadable", ""
    )


def _write(settings: Settings, marker: Marker) -> None:
    data = {"version": _VERSION, **asdict(marker)}
    path = marker_path(settings)
    try:
        write_private(path, (json.dumps(data, indent=2) + "\n").encode())
    except OSError as e:  # a full disk, most likely: said as such, never a traceback
        raise translate_os_error(e, path, settings.relative(path)) from None


def reconcile_reason(settings: Settings, store: StateStore) -> str | None:
    """Why the state may not know all that trusthub made on Trust Hub; None if it does."""
    marker = read_marker(settings)
    if marker is None:
        return None
    meta = store.meta()
    where = f"the state {store.location}"
    if marker.lineage and marker.lineage != meta.lineage:
        if meta.serial == 0:
            return f"{where} is new, but this workspace has applied before (its state was lost)"
        return f"{where} is not the one this workspace last applied with (another lineage)"
    if meta.serial < marker.serial:
        return (
            f"{where} is at serial {meta.serial}, older than the {marker.serial} this "
            "workspace last applied at (commits lost, or an older backup restored)"
        )
    if marker.reconcile:
        return marker.reconcile
    if marker.applying:
        return "the last apply did not finish, and what it recorded last may be lost"
    return None


def warning(reason: str) -> str:
    return (
        f"warning: {reason}; so apply will adopt the objects trusthub made on Trust Hub "
        "(by SID when recorded, then by the friendly names trusthub gives them) instead "
        "of creating them again"
    )


def begin_apply(settings: Settings, store: StateStore, reason: str | None) -> None:
    """Before the first step of an apply: the state it uses, and any reason to reconcile,
    survive a kill of this run."""
    meta = store.meta()
    _write(
        settings,
        Marker(settings.name, meta.lineage, meta.serial, True, reason, utc_now()),
    )


def end_apply(settings: Settings, store: StateStore, *, ok: bool, created: bool) -> None:
    """After an apply: the serial it reached; the reason to reconcile dropped once a whole
    apply had nothing to create (what the state lacked has all been looked for)."""
    previous = read_marker(settings)
    meta = store.meta()
    reason = previous.reconcile if previous is not None else None
    if ok and not created:
        reason = None
    _write(
        settings,
        Marker(settings.name, meta.lineage, meta.serial, False, reason, utc_now()),
    )


def keep_reconciling(settings: Settings, store: StateStore, reason: str) -> None:
    """Make the next applies reconcile (an older backup restored, a bundle gone)."""
    marker = read_marker(settings)
    meta = store.meta()
    if marker is None:
        marker = Marker(settings.name, meta.lineage, meta.serial, False, reason, utc_now())
    else:
        marker = replace(
            marker, lineage=meta.lineage, serial=meta.serial, reconcile=reason, updated_at=utc_now()
        )
    _write(settings, marker)
