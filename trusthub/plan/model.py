"""What a plan is made of. Plain frozen data: the engine builds it, renderers read it."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from trusthub.common.canonical import canonical_json
from trusthub.model.desired import PARENT_ACCOUNT

# 2: `targets` (the names a partial plan was cut to, empty for a whole plan).
PLAN_FORMAT_VERSION = 2


class Verb(enum.StrEnum):
    REFUSED = "refused"
    DELETE = "delete"
    CREATE = "create"
    UPDATE = "update"
    ASSIGN = "assign"  # phone numbers added to or removed from a bundle
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    # An object made outside trusthub (a primary profile, in the Twilio Console): read by its
    # SID, checked and recorded. Nothing on the target changes.
    ADOPT = "adopt"
    # A rename declared in the workspace (`moved: {from: OLD}`): the state records the
    # profile and what it owns under the new name. Nothing on the target changes.
    MOVE = "move"
    # A difference between the YAML and an object trusthub never writes (a Console-owned
    # primary): shown with its fields, applies nothing, and is still a difference.
    DRIFT = "drift"
    WAITING = "waiting"

    @property
    def changes_remote(self) -> bool:
        """Whether apply carries the action out (an adoption only records what it read)."""
        return self not in (Verb.REFUSED, Verb.WAITING, Verb.DRIFT)

    @property
    def is_difference(self) -> bool:
        """Whether the action means the workspace and the target differ (a plan with one
        has changes, for `--detailed-exitcode`)."""
        return self.changes_remote or self is Verb.DRIFT


@dataclass(frozen=True, slots=True, order=True)
class ActionId:
    """Names one action of a plan: a resource and a verb (a resource has at most one action
    of each verb). Shown and saved as "<resource>:<verb>"."""

    resource: str
    verb: Verb

    def __str__(self) -> str:
        return f"{self.resource}:{self.verb.value}"

    @classmethod
    def parse(cls, text: str) -> ActionId:
        """ "<resource>:<verb>" -> ActionId; ValueError for anything else."""
        resource, sep, verb = text.rpartition(":")
        if not sep or not resource:
            raise ValueError(f"not an action id: {text!r}")
        return cls(resource, Verb(verb))


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a bundle, old -> new. Sensitive values are sealed (fingerprints), never
    raw, so a plan can be saved and shared."""

    path: tuple[str | int, ...]
    old: Any
    new: Any
    sensitive: bool = False

    @property
    def dotted(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


class Eligibility(enum.StrEnum):
    ELIGIBLE = "eligible"  # can be created and submitted now
    PENDING = "pending"  # eligible once something named is approved
    NEVER = "never"  # the profile as written can never get it
    GRANTED = "granted"  # the trust product is approved


@dataclass(frozen=True, slots=True)
class ProductEligibility:
    profile: str
    product: str
    state: Eligibility
    detail: str


@dataclass(frozen=True, slots=True)
class ProfileSummary:
    name: str
    role: str
    type: str
    status: str | None  # recorded status, None when not created yet
    status_since: str | None
    path: str  # the profile's file ("" when the file is gone)
    rejection_reasons: tuple[str, ...] = ()
    account: str = PARENT_ACCOUNT  # the logical account it lives in


# `ProfileSummary.role` of a subaccount's summary (its group of actions is not a profile's).
SUMMARY_SUBACCOUNT = "subaccount"


@dataclass(frozen=True, slots=True)
class Action:
    verb: Verb
    kind: str  # a registered kind's name (trusthub.model.kinds)
    resource: str
    profile: str
    transitions: tuple[tuple[str, str], ...] = ()  # (from, to); "(none)" before create
    expected: tuple[str, ...] = ()  # what Trust Hub does next, e.g. "in-review -> ..."
    changes: tuple[FieldChange, ...] = ()
    numbers_added: tuple[str, ...] = ()  # sealed
    numbers_removed: tuple[str, ...] = ()  # sealed
    depends_on: tuple[ActionId, ...] = ()
    reason: str = ""  # refused / waiting: why, and the way out
    desired_hash: str = ""  # binds the action to the exact desired content
    path: str = field(default="", compare=False)
    # The kinds of fee Twilio charges for this action (e.g. "brand registration"); empty:
    # free. A fee-bearing request is never retried blindly (see trusthub.apply).
    fees: tuple[str, ...] = ()
    # The logical account the action's requests are made in (`accounts:` in trusthub.yaml).
    account: str = PARENT_ACCOUNT

    @property
    def id(self) -> ActionId:
        return ActionId(self.resource, self.verb)

    def to_data(self) -> dict[str, Any]:
        data = self._data()
        if self.fees:  # only on fee-bearing actions: plans without fees read as before
            data["fees"] = list(self.fees)
        if self.account != PARENT_ACCOUNT:  # likewise: single-account plans read as before
            data["account"] = self.account
        return data

    def _data(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "verb": self.verb.value,
            "kind": self.kind,
            "resource": self.resource,
            "profile": self.profile,
            "transitions": [list(t) for t in self.transitions],
            "expected": list(self.expected),
            "changes": [
                {"path": c.dotted, "old": c.old, "new": c.new, "sensitive": c.sensitive}
                for c in self.changes
            ],
            "numbers_added": list(self.numbers_added),
            "numbers_removed": list(self.numbers_removed),
            "depends_on": [str(d) for d in self.depends_on],
            "reason": self.reason,
            "desired_hash": self.desired_hash,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    actions: tuple[Action, ...]  # in the order apply must follow
    eligibility: tuple[ProductEligibility, ...]
    profiles: tuple[ProfileSummary, ...]
    lineage: str
    serial: int
    unsafe: tuple[str, ...] = ()  # safety-valve reasons; the plan is refused unless --force
    # `--target` names: the plan is the part of the whole plan they need (trusthub.plan.partial).
    targets: tuple[str, ...] = ()

    def count(self, *verbs: Verb) -> int:
        return sum(1 for a in self.actions if a.verb in verbs)

    def fee_totals(self) -> dict[str, int]:
        """How many actions carry each kind of fee (only the kinds that occur), in the
        order the kinds first appear."""
        totals: dict[str, int] = {}
        for action in self.actions:
            for fee in action.fees:
                totals[fee] = totals.get(fee, 0) + 1
        return totals

    @property
    def refused(self) -> Sequence[Action]:
        return [a for a in self.actions if a.verb is Verb.REFUSED]

    @property
    def has_changes(self) -> bool:
        return any(a.verb.is_difference for a in self.actions)

    def assigned_profiles(self) -> int:
        """How many profiles have numbers assigned or unassigned. A number goes to a profile
        and to each of its trust products that carries numbers: one change a reviewer
        approves, made by one assign action per bundle."""
        return len({a.profile for a in self.actions if a.verb is Verb.ASSIGN})

    def summary(self) -> str:
        c = self.count
        assign = self.assigned_profiles()
        bundles = c(Verb.ASSIGN)
        numbers = f"{assign} to assign numbers" + (
            f" ({bundles} bundles)" if bundles != assign else ""
        )
        return (
            f"Plan: {c(Verb.CREATE)} to create, {c(Verb.UPDATE)} to update, {numbers}, "
            f"{c(Verb.SUBMIT)} to submit, {c(Verb.RESUBMIT)} to resubmit, "
            f"{c(Verb.DELETE)} to delete. {c(Verb.REFUSED)} refused, {c(Verb.WAITING)} waiting."
            + (f" {c(Verb.ADOPT)} to adopt." if c(Verb.ADOPT) else "")
            + (f" {c(Verb.MOVE)} to rename." if c(Verb.MOVE) else "")
            + (f" {c(Verb.DRIFT)} drifted in the Twilio Console." if c(Verb.DRIFT) else "")
        )

    def to_data(self) -> dict[str, Any]:
        """The plan as JSON-compatible data, sealed (no raw personal data)."""
        return {
            "format_version": PLAN_FORMAT_VERSION,
            "lineage": self.lineage,
            "serial": self.serial,
            "summary": {  # a rename only where there is one: plans without read as before
                verb.value: self.count(verb)
                for verb in Verb
                if verb is not Verb.MOVE or self.count(verb)
            },
            "unsafe": list(self.unsafe),
            "targets": list(self.targets),
            "profiles": [
                {"name": p.name, "role": p.role, "type": p.type, "status": p.status,
                 "status_since": p.status_since, "path": p.path,
                 "rejection_reasons": list(p.rejection_reasons)}
                for p in self.profiles
            ],
            "actions": [a.to_data() for a in self.actions],
            "eligibility": [
                {"profile": e.profile, "product": e.product, "state": e.state.value,
                 "detail": e.detail}
                for e in self.eligibility
            ],
        }  # fmt: skip

    def with_unsafe(self, reasons: Sequence[str]) -> Plan:
        return Plan(
            self.actions, self.eligibility, self.profiles, self.lineage, self.serial,
            tuple(reasons), self.targets,
        )  # fmt: skip

    def checksum(self) -> str:
        """sha256 of the sealed plan data: apply refuses a plan whose checksum moved."""
        return hashlib.sha256(canonical_json(self.to_data())).hexdigest()
