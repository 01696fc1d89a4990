"""The plan as a view: every string a renderer prints, built by a pure function, with
personal data masked unless the caller asks (human format only) to reveal it.

The view is focused: it holds the profiles the plan does something to (changes, waits,
refusals) and counts the others, so a one-profile change in a 500-profile workspace reads
as one profile and one line. Creates list the values they submit; personal values are
masked by `trusthub.model.privacy` (recognisably when the workspace's value is at hand).
The JSON plan (`plan_json`) stays complete."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trusthub.common.characters import escape_invisible
from trusthub.common.json_path import JsonPath
from trusthub.model import mapping
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, SUBACCOUNT
from trusthub.model.privacy import (
    display,
    fingerprint,
    is_sensitive,
    mask,
    recognisable,
    shareable,
)
from trusthub.plan.model import SUMMARY_SUBACCOUNT, Action, Eligibility, Plan, ProfileSummary, Verb

SYMBOLS: Mapping[Verb, str] = {
    Verb.CREATE: "+",
    Verb.UPDATE: "~",
    Verb.ASSIGN: "~",
    Verb.SUBMIT: "↑",
    Verb.RESUBMIT: "↻",
    Verb.DELETE: "-",
    Verb.REFUSED: "✗",
    Verb.ADOPT: "⇐",
    Verb.MOVE: "→",
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
    profiles: tuple[ProfileView, ...]  # only those the plan does something to
    summary: str
    unsafe: tuple[str, ...]
    refused: int
    has_changes: bool
    # The fee-bearing actions' totals, e.g. "1 brand registration, 1 secondary vetting";
    # "" when the plan costs no fee.
    fees: str = ""
    unchanged_profiles: int = 0  # planned, nothing to do: counted, not shown
    unchanged_resources: int = 0  # their trust products, brands, ... likewise
    # A partial plan (`--target`): the names, and how many profiles it leaves out.
    targets: tuple[str, ...] = ()
    untargeted_profiles: int = 0
    # Why Trust Hub was not read before planning ("" when it was): the plan then compares
    # the workspace with the recorded state only, and must not claim Trust Hub matches.
    not_read: str = ""

    @property
    def unchanged(self) -> str:
        """One line counting what the plan leaves alone ("" when nothing)."""
        if not self.unchanged_profiles and not self.unchanged_resources:
            return ""
        parts = [_count(self.unchanged_profiles, "profile")]
        if self.unchanged_resources:
            parts.append(
                _count(self.unchanged_resources, "other resource")
                + " (trust products, brands, toll-free verifications)"
            )
        return " and ".join(parts) + " unchanged, not shown."

    @property
    def partial(self) -> str:
        """The line that says a plan is partial ("" for a whole plan)."""
        if not self.targets:
            return ""
        names = ", ".join(self.targets)
        rest = (
            f"; {_count(self.untargeted_profiles, 'other profile')} not planned"
            if self.untargeted_profiles
            else ""
        )
        return f"Partial plan: only --target {names} and what they depend on{rest}."

    @property
    def conclusion(self) -> str:
        """The last line when the plan has nothing to do ("" otherwise)."""
        if self.has_changes or self.refused:
            return ""
        if self.not_read:
            return (
                f"No changes against the recorded state. Trust Hub was not read "
                f"({self.not_read}), so it may differ from the workspace."
            )
        return "No changes. Trust Hub matches the workspace."


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def show_value(value: Any) -> str:
    """A value on a plan line: JSON (invisible characters escaped), a mask as it is."""
    if value is None:
        return "(absent)"
    if isinstance(value, str) and value.startswith("<sensitive:"):
        return value
    return escape_invisible(json.dumps(value, ensure_ascii=False))


# Attributes a create does not list: the name is on the action's line, a profile's role and
# type are in its heading, and a policy is a Twilio SID that says nothing to a reviewer.
_NOT_LISTED = frozenset({"name", "policy"})
_IN_HEADING = frozenset({"role", "type"})


def _leaves(value: Any, path: JsonPath) -> list[tuple[JsonPath, Any]]:
    """(path, value) of every leaf; lists of scalars are one leaf, as the diff has them."""
    if isinstance(value, Mapping):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [(path, value)]


def _dotted(path: JsonPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _personal(path: JsonPath, raw: Any, sealed: Any, key: bytes, show: bool) -> str:
    """A personal value for a plan line: as written with --show-sensitive, recognisable
    when the raw value is known, else masked in full."""
    if raw is not None and show:
        return show_value(raw)
    return show_personal(shareable(path, sealed, key, raw))


def show_personal(masked: Any) -> str:
    """A masked personal value (`privacy.shareable`) on a line: a masked string as it is,
    a list of them as JSON."""
    return masked if isinstance(masked, str) else show_value(masked)


def _created(
    action: Action, desired: DesiredResource, key: bytes, show_sensitive: bool
) -> list[ChangeLine]:
    skip = _NOT_LISTED | (_IN_HEADING if desired.name == desired.profile else frozenset())
    lines = []
    for path, value in _leaves({k: v for k, v in desired.attributes.items() if k not in skip}, ()):
        shown = (
            _personal(path, value, None, key, show_sensitive)
            if is_sensitive(path)
            else show_value(value)
        )
        lines.append(ChangeLine(_dotted(path), "", shown))
    return lines


def _numbers_line(
    numbers: Sequence[str], key: bytes, raw: Mapping[str, str], show_sensitive: bool
) -> str:
    out = []
    for sealed in numbers:
        number = raw.get(sealed)
        if number is None:
            out.append(mask(sealed, key))
        elif show_sensitive:
            out.append(number)
        else:
            out.append(recognisable(("numbers",), number) or mask(sealed, key))
    return ", ".join(out)


def _action_view(
    action: Action,
    key: bytes,
    show_sensitive: bool,
    reveal: Revealer | None,
    desired: DesiredResource | None = None,
) -> ActionView:
    lines = []
    for change in action.changes:
        old = display(change.path, change.old, key)
        new = display(change.path, change.new, key)
        shown_new = show_value(new)
        if change.sensitive and reveal is not None:
            raw = reveal(action.resource, change.path)
            if raw is not None:
                shown_new = _personal(change.path, raw, change.new, key, show_sensitive)
        lines.append(ChangeLine(change.dotted, show_value(old), shown_new))
    if action.verb is Verb.CREATE and not action.changes and desired is not None:
        lines.extend(_created(action, desired, key, show_sensitive))
    # Only an action that lists numbers needs their fingerprints (an HMAC each): most of a
    # large plan's actions are waits that list none.
    lists_numbers = action.numbers_added or action.numbers_removed or action.verb is Verb.CREATE
    raw_numbers = (
        {fingerprint(key, n): n for n in desired.numbers}
        if desired is not None and lists_numbers
        else {}
    )
    if action.verb is Verb.CREATE and desired is not None and desired.numbers:
        lines.append(
            ChangeLine(
                "numbers",
                "",
                _numbers_line(
                    [fingerprint(key, n) for n in desired.numbers],
                    key,
                    raw_numbers,
                    show_sensitive,
                ),
            )
        )
    if action.numbers_added:
        lines.append(
            ChangeLine(
                "numbers assigned",
                "",
                _numbers_line(action.numbers_added, key, raw_numbers, show_sensitive),
            )
        )
    if action.numbers_removed:
        lines.append(
            ChangeLine(
                "numbers unassigned",
                "",
                _numbers_line(action.numbers_removed, key, raw_numbers, show_sensitive),
            )
        )
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


# How a subaccount's group is told apart from a profile's (`ProfileSummary.role`).
SUBACCOUNT_ROLE = SUMMARY_SUBACCOUNT


def _heading(p: ProfileSummary) -> str:
    if p.role == SUBACCOUNT_ROLE:
        made = "not made yet" if p.status is None else p.status
        return f"subaccount of the parent, {made}"
    return _profile_heading(p) + (f", in account {p.account}" if p.account != "parent" else "")


def _profile_heading(p: ProfileSummary) -> str:
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


def reveal_from(desired: Mapping[str, DesiredResource]) -> Revealer:
    """Reveals the desired value at a path of a resource's attributes (None if absent)."""

    def reveal(resource: str, path: tuple[str | int, ...]) -> Any:
        if resource not in desired:
            return None
        value: Any = desired[resource].attributes
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    return reveal


def build_view(
    plan: Plan,
    key: bytes,
    *,
    show_sensitive: bool = False,
    reveal: Revealer | None = None,
    desired: Mapping[str, DesiredResource] | None = None,
    not_read: str = "",
    checksum: bool = True,
) -> PlanView:
    """The view of `plan`. With `desired` (the workspace's resources), creates list their
    values, personal ones masked recognisably, and the view counts the resources the plan
    leaves alone. `show_sensitive` reveals personal values (text only: the caller's
    choice). `not_read` says why Trust Hub was not read before planning, if it was not.
    `checksum=False` leaves the plan's checksum out ("": the text format does not show
    it, and it costs a serialisation of the whole plan)."""
    desired = desired or {}
    if reveal is None and desired:
        reveal = reveal_from(desired)
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
    unchanged = 0
    for summary in plan.profiles:
        actions = by_profile.get(summary.name, [])
        if not actions:
            unchanged += 1
            continue
        profiles.append(
            ProfileView(
                name=summary.name,
                heading=_heading(summary),
                path=summary.path,
                actions=tuple(
                    _action_view(a, key, show_sensitive, reveal, desired.get(a.resource))
                    for a in actions
                ),
                eligibility=tuple(eligibility.get(summary.name, [])),
                changed=any(a.verb.is_difference for a in actions),
                refused=any(a.verb is Verb.REFUSED for a in actions),
            )
        )
    planned = {p.name for p in plan.profiles}
    acted = {a.resource for a in plan.actions}
    others = [n for n, d in desired.items() if d.name != d.profile and d.profile in planned]
    untargeted = (
        {d.profile for d in desired.values() if d.kind != SUBACCOUNT} - planned
        if plan.targets
        else set()
    )  # a subaccount is no profile
    return PlanView(
        serial=plan.serial,
        lineage=plan.lineage,
        checksum=plan.checksum() if checksum else "",
        profiles=tuple(profiles),
        summary=plan.summary(),
        unsafe=plan.unsafe,
        refused=len(plan.refused),
        has_changes=plan.has_changes,
        fees=fee_line(plan),
        unchanged_profiles=unchanged,
        unchanged_resources=sum(1 for n in others if n not in acted),
        targets=plan.targets,
        untargeted_profiles=len(untargeted),
        not_read=not_read,
    )


def fee_line(plan: Plan) -> str:
    """The fee-bearing actions' totals in one line ("" when none)."""
    return ", ".join(f"{count} {fee}" for fee, count in plan.fee_totals().items())
