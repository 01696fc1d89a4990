"""The status report's content, as plain data: one row per resource (every profile and what
it owns, of every registered kind), with its status, how long it has been there, what it
waits on, its rejections explained, and a timeline per profile from the audit log. Pure:
the HTML (`status_html`) only lays this out.

Personal data never enters it: rows carry names (the workspace's own identifiers), statuses,
Twilio's codes and the plan's reasons, which are masked where they quote a value; audit
details are not copied, only their actions and transitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from trusthub.model import mapping, twilio_codes
from trusthub.model.kinds import KINDS, PROFILE, TRUST_PRODUCT, Kinds
from trusthub.model.lifecycle import Lifecycle
from trusthub.plan.model import Plan, Verb

# What a status means for a reader, as the report colours and filters it.
DONE, REJECTED, IN_REVIEW, DRAFT, NOT_CREATED = (
    "done",
    "rejected",
    "in-review",
    "draft",
    "not-created",
)
STANDINGS = (REJECTED, IN_REVIEW, DRAFT, NOT_CREATED, DONE)  # worst first


class RecordedView(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str | None: ...
    @property
    def status_since(self) -> str | None: ...
    @property
    def rejection_reasons(self) -> Sequence[str]: ...


class EventView(Protocol):
    @property
    def time(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def from_status(self) -> str | None: ...
    @property
    def to_status(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Row:
    profile: str
    resource: str
    what: str  # "Customer profile (secondary)", "SHAKEN/STIR", "A2P 10DLC brand", ...
    status: str  # the recorded status, or "not created"
    standing: str  # one of STANDINGS
    since: str  # ISO-8601 UTC, or ""
    age_seconds: int | None
    waits: tuple[str, ...]  # what the plan says it waits on, or why it is refused
    next_steps: tuple[str, ...]  # the plan's actions on it (create, submit, ...)
    rejections: tuple[str, ...]  # Twilio's codes with meanings and fixes
    refused: bool


@dataclass(frozen=True, slots=True)
class Event:
    time: str
    actor: str
    resource: str
    action: str
    transition: str  # "draft -> pending-review", or ""


@dataclass(frozen=True, slots=True)
class StatusPage:
    workspace: str
    generated: str  # ISO-8601 UTC
    rows: tuple[Row, ...]
    timelines: Mapping[str, tuple[Event, ...]]  # profile -> its events, oldest first
    counts: Mapping[str, int]  # standing -> rows

    @property
    def profiles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.profile for r in self.rows))


def build_status_page(
    plan: Plan,
    recorded: Mapping[str, RecordedView],
    events: Iterable[EventView],
    *,
    workspace: str,
    now: datetime,
    kinds: Kinds = KINDS,
) -> StatusPage:
    """The report of `plan` (made against the state) and what the state recorded."""
    waits: dict[str, list[str]] = {}
    steps: dict[str, list[str]] = {}
    refused: set[str] = set()
    kind_of: dict[str, str] = {}
    for a in plan.actions:
        kind_of.setdefault(a.resource, a.kind)
        if a.verb in (Verb.WAITING, Verb.REFUSED):
            waits.setdefault(a.resource, []).append(a.reason)
            if a.verb is Verb.REFUSED:
                refused.add(a.resource)
        else:
            steps.setdefault(a.resource, []).append(a.verb.value)
    roles = {p.name: p.role for p in plan.profiles}
    names = set(recorded) | set(kind_of) | {p.name for p in plan.profiles}
    names |= {f"{e.profile}/{e.product}" for e in plan.eligibility}
    eligibility = {f"{e.profile}/{e.product}": e for e in plan.eligibility}
    rows = []
    for name in names:
        r = recorded.get(name)
        kind = r.kind if r is not None else kind_of.get(name, PROFILE if "/" not in name else "")
        if kind not in kinds:
            kind = TRUST_PRODUCT if name in eligibility else PROFILE
        lifecycle = kinds[kind].lifecycle
        status = r.status if r is not None else None
        since = (r.status_since or "") if r is not None else ""
        own_waits = list(waits.get(name, ()))
        e = eligibility.get(name)
        if e is not None and status is None and not own_waits and e.detail:
            # Not planned at all (e.g. never eligible): the eligibility report says why.
            own_waits.append(f"{e.state.value}: {e.detail}")
        rows.append(
            Row(
                profile=kinds[kind].owner(name),
                resource=name,
                what=_what(kind, name, roles, kinds),
                status=status or "not created",
                standing=_standing(status, lifecycle),
                since=since,
                age_seconds=_age(since, now),
                waits=tuple(own_waits),
                next_steps=tuple(steps.get(name, ())),
                rejections=tuple(
                    twilio_codes.explain(reason) for reason in (r.rejection_reasons if r else ())
                ),
                refused=name in refused,
            )
        )
    rows.sort(key=lambda row: (row.profile, row.resource != row.profile, row.resource))
    timelines: dict[str, list[Event]] = {}
    for ev in events:
        profile = kinds[PROFILE].owner(ev.name)
        transition = (
            f"{ev.from_status or 'none'} -> {ev.to_status}"
            if ev.to_status and ev.to_status != ev.from_status
            else ""
        )
        timelines.setdefault(profile, []).append(
            Event(ev.time, ev.actor, ev.name, ev.action, transition)
        )
    counts = dict.fromkeys(STANDINGS, 0)
    for row in rows:
        counts[row.standing] += 1
    return StatusPage(
        workspace=workspace,
        generated=now.isoformat(timespec="seconds"),
        rows=tuple(rows),
        timelines={p: tuple(sorted(evs, key=lambda e: e.time)) for p, evs in timelines.items()},
        counts=counts,
    )


def _what(kind: str, name: str, roles: Mapping[str, str], kinds: Kinds) -> str:
    if kind == PROFILE:
        role = roles.get(name)
        return f"Customer profile ({role})" if role else "Customer profile"
    if kind == TRUST_PRODUCT:
        part = name.partition("/")[2]
        return mapping.TRUST_PRODUCT_LABELS.get(part, part)
    return kinds[kind].label or kind


def _standing(status: str | None, lifecycle: Lifecycle) -> str:
    if status is None:
        return NOT_CREATED
    if status == lifecycle.approved:
        return DONE
    if status in lifecycle.under_review:  # before draft: a brand starts in review
        return IN_REVIEW
    if status == lifecycle.draft:
        return DRAFT
    # Rejected, or a status of the kind's beyond the review (a suspended brand): either
    # way it needs someone.
    return REJECTED


def _age(since: str, now: datetime) -> int | None:
    if not since:
        return None
    try:
        then = datetime.fromisoformat(since)
    except ValueError:
        return None
    if then.tzinfo is None or now.tzinfo is None:
        return None
    return max(0, int((now - then).total_seconds()))


def describe_age(seconds: int | None) -> str:
    """'3 d 4 h', '5 h 12 min', '40 s'; '' when unknown."""
    if seconds is None:
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"
