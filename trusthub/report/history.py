"""The audit log as people and programs read it (`trusthub history`), and the field changes
an update records in it.

An update's audit event carries, in its detail, the fields it changed (`changes`: each a
dotted JSON path with the value before and after), computed by the plan's own diff and
masked the way plans mask them (`trusthub.model.privacy`): business data as written,
personal data recognisably masked where the workspace's value was at hand when it was
recorded (`+1 ••• ••• 0123`, `•••@acme.example.com`), fully masked (`<sensitive:1a2b>`)
otherwise. Only these masked forms reach the state, never a raw personal value. Events
recorded before trusthub recorded changes have none and render as before.

The JSON (`--format json`) is versioned like the plan's: `{"format_version": 1, "events":
[...]}`, each event with `id`, `time`, `actor`, `kind`, `name`, `action`, `from_status`,
`to_status`, `plan_checksum`, `changes` (a list of `{"path", "old", "new", "sensitive"}`,
empty when the event recorded none) and `detail` (the rest of what the event recorded,
e.g. `reasons`, `evaluation`, `waiting`). The README documents it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from trusthub.common.json_path import JsonPath
from trusthub.model import twilio_codes
from trusthub.model.privacy import display, is_sensitive, seal, shareable
from trusthub.plan.diff import diff
from trusthub.plan.model import FieldChange
from trusthub.report.plan_view import show_personal, show_value
from trusthub.state.model import AuditEvent

HISTORY_FORMAT_VERSION: Final = 1
CHANGES: Final = "changes"  # the key of the field changes in an event's detail

# The raw (workspace) value at a path of the resource being recorded, or None.
RawValue = Callable[[JsonPath], Any]


def field_changes(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    key: bytes,
    raw: RawValue | None = None,
) -> list[dict[str, Any]]:
    """The fields that differ between two sealed attribute bodies, as the audit log keeps
    them: masked for sharing, as the plan showed them. `raw` gives the workspace's value of
    a changed field, for a recognisable mask of the new value; a raw value that does not
    seal to the recorded one is not used."""
    out = []
    for path, old, new in diff(dict(before), dict(after)):
        change = FieldChange(path, old, new, is_sensitive(path))
        shown_new = None if new is None else display(path, new, key)
        if change.sensitive and new is not None and raw is not None:
            value = raw(path)
            if value is not None and seal(value, key, path) == new:
                shown_new = shareable(path, new, key, value)
        out.append(
            {
                "path": change.dotted,
                "old": None if old is None else display(path, old, key),
                "new": shown_new,
                "sensitive": change.sensitive,
            }
        )
    return out


def _shown(value: Any, sensitive: bool) -> str:
    if value is None:
        return "(absent)"
    return show_personal(value) if sensitive else show_value(value)


def _drift_line(event: AuditEvent) -> list[str]:
    """What refresh found changed outside trusthub (the fields only: a drift event never
    records values)."""
    if event.action != "drift":
        return []
    fields = event.detail.get("fields")
    what = [str(f) for f in fields] if isinstance(fields, list) else []
    if event.detail.get("numbers"):
        what.append("phone numbers")
    return [f"    changed outside trusthub: {', '.join(what)}"] if what else []


def _change_lines(event: AuditEvent) -> list[str]:
    changes = event.detail.get(CHANGES)
    if not isinstance(changes, list):
        return _drift_line(event)
    lines = []
    for change in changes:
        if not isinstance(change, Mapping):
            continue
        sensitive = bool(change.get("sensitive"))
        old = _shown(change.get("old"), sensitive)
        new = _shown(change.get("new"), sensitive)
        lines.append(f"    {change.get('path')}: {old} -> {new}")
    return lines


_HEADER: Final = ("ID", "TIME", "RESOURCE", "ACTION", "FROM", "TO", "ACTOR", "PLAN")


def _cells(e: AuditEvent) -> tuple[str, ...]:
    return (
        str(e.id),
        e.time,
        e.name,
        e.action,
        e.from_status or "-",
        e.to_status or "-",
        e.actor,
        (e.plan_checksum or "-")[:12],
    )


def render_table(events: Sequence[AuditEvent]) -> str:
    """The events, one a line; under an update, each field it changed (old -> new, masked);
    under a drift, the fields changed outside trusthub; under an event that recorded
    rejection reasons, each with Twilio's code, its meaning
    and what to fix."""
    rows = [_HEADER, *map(_cells, events)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(_HEADER, widths, strict=True)).rstrip()]
    for event, row in zip(events, rows[1:], strict=True):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines.extend(_change_lines(event))
        for reason in event.detail.get("reasons") or ():
            lines.append(f"    rejected: {twilio_codes.explain(str(reason))}")
    return "\n".join(lines)


def event_data(event: AuditEvent) -> dict[str, Any]:
    detail = dict(event.detail)
    changes = detail.pop(CHANGES, None)
    return {
        "id": event.id,
        "time": event.time,
        "actor": event.actor,
        "kind": event.kind,
        "name": event.name,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "plan_checksum": event.plan_checksum,
        "changes": changes if isinstance(changes, list) else [],
        "detail": detail,
    }


def history_data(events: Sequence[AuditEvent]) -> dict[str, Any]:
    """The JSON document of `trusthub history --format json`."""
    return {"format_version": HISTORY_FORMAT_VERSION, "events": [event_data(e) for e in events]}
