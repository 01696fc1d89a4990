"""What the recorded state holds. Plain frozen data: the stores build it, callers read it."""

from __future__ import annotations

import enum
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal, NamedTuple, TypeAlias, cast

from trusthub.errors import StateError
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.model.kinds import KINDS

# The name of a kind registered in `trusthub.model.kinds.KINDS`. The state holds resources
# of any registered kind, in the statuses of that kind's lifecycle; `check_resource` and
# `check_status` are where both are checked (the schema has no lists of them).
Kind: TypeAlias = str

# intent: about to be created (recorded before the create call, so a crash can be adopted);
# created: the SID is known; deleted: no longer tracked (kept for the record).
RemoteState = Literal["intent", "created", "deleted"]
INTENT: Final = "intent"
CREATED: Final = "created"
DELETED: Final = "deleted"


class Keep(enum.Enum):
    """`set_status(..., evaluation=KEEP)`: leave the recorded value as it is."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


@dataclass(frozen=True, slots=True)
class Meta:
    workspace: str
    lineage: str  # uuid4, made when the state is first created; never changes
    serial: int  # +1 on every committed transaction that changed resources or remote objects
    schema_version: int


@dataclass(frozen=True, slots=True)
class Binding:
    """The target and account a state belongs to: its SIDs name objects of that account
    only. Recorded the first time a command reaches the target."""

    target: str  # "sandbox" or "twilio"
    account_shown: str  # the account SID masked (AC…1234); the SID itself is never stored
    account_fingerprint: str  # keyed by the state's lineage (`trusthub.model.privacy`)

    def same_account(self, other: Binding) -> bool:
        return (self.target, self.account_fingerprint) == (
            other.target,
            other.account_fingerprint,
        )


class RecordedResource(NamedTuple):
    """A resource (a profile, a trust product, ...) as last applied, without its spec body.

    A NamedTuple, not a frozen dataclass like the rest: a plan reads up to 50,000 of these,
    and a tuple is built about four times faster. For the same reason the evaluation stays
    JSON text until asked for."""

    kind: Kind
    name: str  # "acme" for a profile, "acme/a2p_messaging" for a trust product
    status: str | None  # one of its kind's lifecycle statuses; None: not created yet
    status_since: str | None  # ISO-8601 UTC
    spec_hash: str
    rejection_reasons: tuple[str, ...]
    evaluation_json: str | None
    valid_until: str | None
    policy_sid: str | None
    updated_at: str
    # The logical account it lives in (`accounts:` in trusthub.yaml; "parent" by default).
    account: str = PARENT_ACCOUNT

    @property
    def evaluation(self) -> dict[str, Any] | None:
        """The last evaluation: its status and per-requirement results."""
        return (
            None
            if self.evaluation_json is None
            else cast(dict[str, Any], json.loads(self.evaluation_json))
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every recorded resource, read in one transaction with the serial it belongs to.
    Iterating yields the resources, so `{r.name: r for r in store.snapshot()}` works."""

    lineage: str
    serial: int
    resources: tuple[RecordedResource, ...]

    def __iter__(self) -> Iterator[RecordedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def by_name(self) -> dict[str, RecordedResource]:
        return {r.name: r for r in self.resources}


@dataclass(frozen=True, slots=True)
class RemoteObject:
    """One Trust Hub object made for a resource: its bundle, an end user, a document, an
    assignment, a phone number. `role` is chosen by the apply engine and unique per resource."""

    kind: Kind
    name: str
    role: str  # e.g. "bundle", "supporting_document:address", "channel:+14155550100"
    sid: str | None  # None while only intended
    state: RemoteState
    detail: Mapping[str, Any]
    updated_at: str


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the append-only history."""

    id: int  # increasing per workspace; the order of events
    time: str  # ISO-8601 UTC
    actor: str  # "user@host", or the CI run
    kind: Kind
    name: str
    action: str  # create, update, submit, delete, status, refresh, adopt, evaluate, ...
    from_status: str | None
    to_status: str | None
    plan_checksum: str | None
    detail: Mapping[str, Any]  # already masked by the caller


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who runs (or ran) the operation that holds the state lock."""

    user: str
    host: str
    pid: int
    ci_run: str | None = None  # e.g. the GitHub Actions run URL
    operation: str = "apply"
    # Start time of `pid` (boot id + start ticks), so a reused pid is not taken for the holder.
    pid_start: str | None = None

    @property
    def who(self) -> str:
        return f"{self.user} in CI run {self.ci_run}" if self.ci_run else self.user


@dataclass(frozen=True, slots=True)
class LockInfo:
    holder: LockHolder
    since: str  # ISO-8601 UTC
    # Its holder is known to be gone: a dead pid on this host (SQLite), or a holder row whose
    # advisory lock nobody holds (PostgreSQL).
    stale: bool = False
    backend_pid: int | None = None  # PostgreSQL session holding the advisory lock
    # The stale lock this acquisition took over, if any (for the caller to report).
    took_over: LockInfo | None = None

    def describe(self) -> str:
        h = self.holder
        return f"{h.who} (pid {h.pid} on host {h.host}) since {self.since}"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class _KindNames(Collection[str]):
    """The names of the registered kinds, in planning order: a live view of `KINDS`, so a
    kind registered later is in it too."""

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS.names())

    def __len__(self) -> int:
        return len(KINDS.names())

    def __contains__(self, name: object) -> bool:
        return name in KINDS

    def __repr__(self) -> str:
        return f"KIND_NAMES{KINDS.names()!r}"


KIND_NAMES: Final = _KindNames()


def check_resource(kind: str, name: str) -> Kind:
    """`kind`, if it is registered and `name` is shaped as its names are. Names are unique
    across kinds (a profile's has no '/', a trust product's is `profile/product`): each
    kind's shape keeps them from colliding, since the state keys resources by name."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise StateError(
            f"unknown resource kind {kind!r}; expected one of {', '.join(KINDS.names())}"
        )
    if not isinstance(name, str) or not KINDS[kind].valid_name(name):
        raise StateError(f"{name!r} is not a valid {kind} name")
    return kind


def check_status(kind: Kind, status: str) -> str:
    """`status`, if it is one of the statuses of the (registered) kind's lifecycle."""
    statuses = KINDS[kind].lifecycle.statuses
    if not isinstance(status, str) or status not in statuses:
        raise StateError(
            f"unknown status {status!r} for a resource of kind {kind!r}; "
            f"a {kind}'s statuses are {', '.join(statuses)}"
        )
    return status
