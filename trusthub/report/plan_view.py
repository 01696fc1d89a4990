"""The plan as a view: every string a renderer prints, built by a pure function, with
personal data masked unless the caller asks (human format only) to reveal it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trusthub.common.characters import escape_invisible
from trusthub.common.json_path import JsonPath
from trusthub.model import mapping
from trusthub.model.kinds import KINDS
from trusthub.model.privacy import display, mask
from trusthub.plan.model import Action, Eligibility, Plan, ProfileSummary, Verb

SYMBOLS: Mapping[Verb, str] = {
    Verb.CREATE: "+",
    Verb.UPDATE: "~",
    Verb.ASSIGN: "~",
    Verb.SUBMIT: "↑",
    Verb.RESUBMIT: "↻",
    Verb.DELETE: "-",
    Verb.REFUSED: "✗",
    Verb.ADOPT: "⇐",
    Verb.DRIFT: "≠",
    Verb.WAITING: "…",
}

ELIGIBILITY_SYMBOLS: Mapping[Eligibility, str] = {
    Eligibility.GRANTED: "✓",
    Eligibility.ELIGIBLE: "●",
    Eligibility.PENDING: "○",
    Eligibility.NEVER: "✗",
}

# Reveals the desired value at a path of a resource (for --show-sensitive), if known.
Revealer = Callable[[str, JsonPath], Any]


@dataclass(frozen=True, slots=True)
class ChangeLine:
    path: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ActionView:
    symbol: str
    verb: str
    resource: str
    label: str  # "profile" or the trust product's name
    transitions: str
    expected: str
    reason: str
    changes: tuple[ChangeLine, ...]
    depends_on: str
    fees: str = ""  # the kinds of fee Twilio charges for it, comma-separated


@dataclass(frozen=True, slots=True)
class EligibilityView:
    symbol: str
    product: str
    label: str
    state: str
    detail: str


@dataclass(frozen=True, slots=True)
class ProfileView:
    name: str
    heading: str  # "secondary business profile, draft since 2026-11-25"
    path: str
    actions: tuple[ActionView, ...]
    eligibility: tuple[EligibilityView, ...]
    changed: bool
    refused: bool


@dataclass(frozen=True, slots=True)
class PlanView:
    serial: int
    lineage: str
    checksum: str
    profiles: tuple[ProfileView, ...]
    summary: str
    unsafe: tuple[str, ...]
    refused: int
    has_changes: bool
    # The fee-bearing actions' totals, e.g. "1 brand registration, 1 secondary vetting";
    # "" when the plan costs no fee.
    fees: str = ""


def _show(value: Any) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, str) and value.startswith("<sensitive:"):
        return value
    return escape_invisible(json.dumps(value, ensure_ascii=False))


def _numbers(numbers: Sequence[str], key: bytes) -> str:
    return ", ".join(mask(n, key) for n in numbers)


def _action_view(
    action: Action, key: bytes, show_sensitive: bool, reveal: Revealer | None
) -> ActionView:
    lines = []
    for change in action.changes:
        old = display(change.path, change.old, key)
        new = display(change.path, change.new, key)
        if show_sensitive and change.sensitive and reveal is not None:
            revealed = reveal(action.resource, change.path)
            new = revealed if revealed is not None else new
        lines.append(ChangeLine(change.dotted, _show(old), _show(new)))
    if action.numbers_added:
        lines.append(ChangeLine("numbers assigned", "", _numbers(action.numbers_added, key)))
    if action.numbers_removed:
        lines.append(ChangeLine("numbers unassigned", "", _numbers(action.numbers_removed, key)))
    product = action.resource.split("/", 1)[1] if "/" in action.resource else ""
    return ActionView(
        symbol=SYMBOLS[action.verb],
        verb=action.verb.value,
        resource=action.resource,
        label=(
            mapping.TRUST_PRODUCT_LABELS.get(product)
            or (KINDS[action.kind].label if action.kind in KINDS else "")
            or "profile"
        ),
        transitions=", ".join(f"{a} -> {b}" for a, b in action.transitions),
        expected=", ".join(action.expected),
        reason=action.reason,
        changes=tuple(lines),
        depends_on=", ".join(str(d) for d in action.depends_on),
        fees=", ".join(action.fees),
    )


def _heading(p: ProfileSummary) -> str:
    kind = f"{p.role} {p.type} profile"
    # Primaries are made in the Twilio Console and only adopted (trusthub.model.kinds.profile).
    console = p.role == "primary"
    if p.status is None:
        return (
            f"{kind}, made in the Twilio Console, not adopted yet"
            if console
            else (f"{kind}, not created yet")
        )
    since = f" since {p.status_since[:10]}" if p.status_since else ""
    return f"{kind}, {p.status}{since}" + (", managed in the Twilio Console" if console else "")


def build_view(
    plan: Plan,
    key: bytes,
    *,
    show_sensitive: bool = False,
    reveal: Revealer | None = None,
) -> PlanView:
    by_profile: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_profile.setdefault(action.profile, []).append(action)
    eligibility: dict[str, list[EligibilityView]] = {}
    for e in plan.eligibility:
        eligibility.setdefault(e.profile, []).append(
            EligibilityView(
                symbol=ELIGIBILITY_SYMBOLS[e.state],
                product=e.product,
                label=mapping.TRUST_PRODUCT_LABELS[e.product],
                state=e.state.value,
                detail=e.detail,
            )
        )
    profiles = []
    for summary in plan.profiles:
        actions = by_profile.get(summary.name, [])
        profiles.append(
            ProfileView(
                name=summary.name,
                heading=_heading(summary),
                path=summary.path,
                actions=tuple(_action_view(a, key, show_sensitive, reveal) for a in actions),
                eligibility=tuple(eligibility.get(summary.name, [])),
                changed=any(a.verb.is_difference for a in actions),
                refused=any(a.verb is Verb.REFUSED for a in actions),
            )
        )
    return PlanView(
        serial=plan.serial,
        lineage=plan.lineage,
        checksum=plan.checksum(),
        profiles=tuple(profiles),
        summary=plan.summary(),
        unsafe=plan.unsafe,
        refused=len(plan.refused),
        has_changes=plan.has_changes,
        fees=fee_line(plan),
    )


def fee_line(plan: Plan) -> str:
    """The fee-bearing actions' totals in one line ("" when none)."""
    return ", ".join(f"{count} {fee}" for fee, count in plan.fee_totals().items())
