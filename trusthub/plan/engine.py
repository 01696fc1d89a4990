"""compute_plan: (desired resources, recorded state) -> Plan. Pure and deterministic.

The kind's lifecycle decides what each difference becomes: an edit of a draft is an update,
an edit of a rejected object is an update plus a resubmission, an edit of an object in
review or approved is refused with the way out, and a submission waits for what it needs.
What is particular to a kind (what a create or a submission waits for, what blocks a
delete, eligibility) comes from its planner (`trusthub.plan.kinds`); the engine has no
`if kind == ...`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from trusthub.errors import ExitCode, TrusthubError
from trusthub.model import twilio_codes
from trusthub.model.desired import EMPTY_BODY, PARENT_ACCOUNT, DesiredResource, SealedBody
from trusthub.model.kinds import KINDS, SUBACCOUNT, Kinds, ResourceKind
from trusthub.model.kinds import subaccount as sa
from trusthub.model.privacy import fingerprint, is_sensitive, seal
from trusthub.plan.diff import diff
from trusthub.plan.kinds import PLANNERS, KindPlanner, PlanOptions
from trusthub.plan.model import (
    SUMMARY_SUBACCOUNT,
    Action,
    ActionId,
    FieldChange,
    Plan,
    ProductEligibility,
    ProfileSummary,
    Verb,
)

NONE = "(none)"
DELETED = "(deleted)"
FORGOTTEN = "(forgotten)"  # the state lets go of it; the target keeps it

__all__ = [
    "FORGOTTEN",
    "PlanOptions",
    "UnknownDependencyError",
    "compute_plan",
    "sids_needed",
    "specs_needed",
]


class UnknownDependencyError(TrusthubError):
    """A planner named a dependency on a resource the plan does not know: a bug (a typo
    would otherwise lose an ordering edge silently)."""

    exit_code = ExitCode.INTERNAL


class Recorded(Protocol):
    """What the plan needs to know of a recorded resource."""

    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str | None: ...
    @property
    def spec_hash(self) -> str | None: ...
    @property
    def rejection_reasons(self) -> Sequence[str]: ...
    @property
    def status_since(self) -> str | None: ...
    @property
    def valid_until(self) -> str | None: ...
    @property
    def account(self) -> str:
        """The logical account it lives in ("parent" unless a subaccount)."""
        ...


def desired_hashes(desired: Mapping[str, DesiredResource], key: bytes) -> dict[str, str]:
    return {name: r.spec_hash(key) for name, r in desired.items()}


def specs_needed(desired_hash: Mapping[str, str], recorded: Mapping[str, Recorded]) -> list[str]:
    """Names whose recorded body must be loaded: changed on both sides, or about to be
    deleted (their role and primary order the deletions)."""
    changed = {
        name
        for name, h in desired_hash.items()
        if (r := recorded.get(name)) is not None and r.spec_hash is not None and r.spec_hash != h
    }
    gone = {name for name in recorded if name not in desired_hash}
    return sorted(changed | gone)


def sids_needed(
    desired: Mapping[str, DesiredResource], recorded: Mapping[str, Recorded]
) -> list[str]:
    """Recorded names whose desired resource names its own SID (an object made outside
    trusthub): the plan compares the SID recorded for it with the YAML's."""
    return sorted(n for n, d in desired.items() if "sid" in d.attributes and n in recorded)


def compute_plan(
    desired: Mapping[str, DesiredResource],
    recorded: Mapping[str, Recorded],
    recorded_bodies: Mapping[str, Mapping[str, Any]],
    *,
    key: bytes,
    lineage: str,
    serial: int,
    options: PlanOptions,
    hashes: Mapping[str, str] | None = None,
    recorded_sids: Mapping[str, str] | None = None,
    kinds: Kinds = KINDS,
    planners: Mapping[str, KindPlanner] = PLANNERS,
    moves: Mapping[str, str] | None = None,
) -> Plan:
    """The actions that turn `recorded` into `desired`, in the order apply must follow.

    `recorded_bodies` holds the sealed recorded body of every name `specs_needed` returned;
    `recorded_sids` the recorded SID (of the kind's root role) of every desired resource
    that names its own SID (`sids_needed`), so an adopted object's SID can be compared.
    `moves` (new profile -> old name, `trusthub.plan.moves`) are renames `recorded` already
    shows under the new names: each is planned as a MOVE the profile's other actions follow.
    """
    bodies = {name: SealedBody.from_data(body) for name, body in recorded_bodies.items()}
    planner = _Planner(
        desired,
        recorded,
        bodies,
        key,
        hashes or desired_hashes(desired, key),
        options,
        kinds,
        planners,
        recorded_sids or {},
        moves or {},
    )
    return planner.run(lineage, serial)


class _Planner:
    """One plan's computation; also the `PlanView` the kinds' planners read."""

    def __init__(
        self,
        desired: Mapping[str, DesiredResource],
        recorded: Mapping[str, Recorded],
        bodies: Mapping[str, SealedBody],
        key: bytes,
        hashes: Mapping[str, str],
        options: PlanOptions,
        kinds: Kinds,
        planners: Mapping[str, KindPlanner],
        recorded_sids: Mapping[str, str],
        moves: Mapping[str, str],
    ) -> None:
        self.recorded_sids = recorded_sids
        self.moves = moves
        self.desired_ = desired
        self.recorded = recorded
        self.bodies = bodies
        self.key = key
        self.hashes = hashes
        self.options_ = options
        self.kinds = kinds
        self.planners = planners
        self.actions: list[Action] = []
        self.by_id: dict[ActionId, Action] = {}
        self.eligibility_: list[ProductEligibility] = []
        # Indexes built once, so the plan stays linear in the number of resources.
        groups: dict[str, set[str]] = {}
        for name in (*desired, *recorded):
            groups.setdefault(self._kind(name).owner(name), set()).add(name)
        self.groups = groups
        self._referring: dict[str, dict[str, dict[Any, list[str]]]] = {}
        self._accounts: dict[str, list[str]] | None = None

    # -- the PlanView ----------------------------------------------------------------------

    @property
    def options(self) -> PlanOptions:
        return self.options_

    def desired(self, name: str) -> DesiredResource | None:
        return self.desired_.get(name)

    def status(self, name: str) -> str | None:
        r = self.recorded.get(name)
        return r.status if r is not None else None

    def valid_until(self, name: str) -> str | None:
        r = self.recorded.get(name)
        return r.valid_until if r is not None else None

    def status_since(self, name: str) -> str | None:
        r = self.recorded.get(name)
        return r.status_since if r is not None else None

    def rejection_reasons(self, name: str) -> Sequence[str]:
        r = self.recorded.get(name)
        return tuple(r.rejection_reasons) if r is not None else ()

    def recorded_attributes(self, name: str) -> Mapping[str, Any]:
        return self.bodies.get(name, EMPTY_BODY).attributes

    def attribute(self, name: str, key: str) -> Any:
        d = self.desired_.get(name)
        return d.attributes.get(key) if d is not None else self.recorded_attributes(name).get(key)

    def children(self, name: str) -> Sequence[str]:
        return sorted(n for n in self.groups.get(name, ()) if n != name)

    def referring(self, key: str, name: str) -> Sequence[str]:
        return self._index(key)["desired"].get(name, [])

    def recorded_referring(self, key: str, name: str) -> Sequence[str]:
        return self._index(key)["gone"].get(name, [])

    def action(self, action_id: ActionId) -> Action | None:
        return self.by_id.get(action_id)

    def recorded_sid(self, name: str) -> str | None:
        return self.recorded_sids.get(name)

    def in_account(self, account: str) -> Sequence[str]:
        if self._accounts is None:
            by: dict[str, set[str]] = {}
            for name, d in self.desired_.items():
                by.setdefault(d.account, set()).add(name)
            for name, r in self.recorded.items():
                if name not in self.desired_:
                    by.setdefault(r.account, set()).add(name)
            self._accounts = {
                a: sorted(n for n in names if self._kind(n).name != SUBACCOUNT)
                for a, names in by.items()
            }
        return self._accounts.get(account, [])

    def recorded_detail(self, name: str) -> Mapping[str, Any]:
        r = self.recorded.get(name)
        # The store's records carry it (RecordedResource.evaluation); simpler recorded
        # views (tests) may not.
        detail = getattr(r, "evaluation", None) if r is not None else None
        return detail if isinstance(detail, Mapping) else {}

    def _index(self, key: str) -> dict[str, dict[Any, list[str]]]:
        index = self._referring.get(key)
        if index is None:
            desired: dict[Any, list[str]] = {}
            for name, d in self.desired_.items():
                if (value := d.attributes.get(key)) is not None:
                    desired.setdefault(value, []).append(name)
            gone: dict[Any, list[str]] = {}
            for name, body in self.bodies.items():
                value = body.attributes.get(key)
                if value is not None and name not in self.desired_ and name in self.recorded:
                    gone.setdefault(value, []).append(name)
            index = {
                "desired": {v: sorted(ns) for v, ns in desired.items()},
                "gone": {v: sorted(ns) for v, ns in gone.items()},
            }
            self._referring[key] = index
        return index

    # -- driver ------------------------------------------------------------------------

    def _kind(self, name: str) -> ResourceKind:
        d = self.desired_.get(name)
        return self.kinds[d.kind if d is not None else self.recorded[name].kind]

    def _planner(self, name: str) -> KindPlanner:
        return self.planners[self._kind(name).name]

    def run(self, lineage: str, serial: int) -> Plan:
        owners = sorted(self.groups, key=lambda o: (self._rank(o), o))
        kept = [o for o in owners if o in self.desired_]
        gone = [o for o in owners if o not in self.desired_]
        for new, old in sorted(self.moves.items()):
            self._act(
                new,
                Verb.MOVE,
                transitions=((old, new),),
                reason=(
                    f"renamed from {old} (`moved:` in its file): the state records {old} and "
                    "what it owns under the new name; nothing changes on Twilio"
                ),
            )
        for owner in kept:
            for name in self._in_order(owner, reverse=False):
                self._resource(name)
        # Deletions run children first: the kinds registered last, then back to the owner.
        for owner in reversed(gone):
            for name in self._in_order(owner, reverse=True):
                self._resource(name)
        profiles = [o for o in owners if self._known(o)]
        summaries = tuple(self._summary(name) for name in profiles)
        return Plan(tuple(self.actions), tuple(self.eligibility_), summaries, lineage, serial)

    def _rank(self, owner: str) -> int:
        # An owner the plan does not know (a resource recorded without its profile) last.
        return self._planner(owner).rank(owner, self) if self._known(owner) else 1

    def _in_order(self, owner: str, *, reverse: bool) -> Iterable[str]:
        sign = -1 if reverse else 1
        return sorted(
            self.groups[owner], key=lambda n: (sign * self.kinds.rank(self._kind(n).name), n)
        )

    def _summary(self, name: str) -> ProfileSummary:
        d = self.desired_.get(name)
        r = self.recorded.get(name)
        attrs = d.attributes if d else self.recorded_attributes(name)
        account = d.account if d else (r.account if r else PARENT_ACCOUNT)
        subaccount = self._kind(name).name == SUBACCOUNT
        return ProfileSummary(
            name=name,
            role=SUMMARY_SUBACCOUNT if subaccount else str(attrs.get("role", "?")),
            type="-" if subaccount else str(attrs.get("type", "?")),
            account=account,
            status=r.status if r else None,
            status_since=r.status_since if r else None,
            path=d.path if d else "",
            rejection_reasons=tuple(r.rejection_reasons) if r else (),
        )

    def _known(self, name: str) -> bool:
        return name in self.desired_ or name in self.recorded

    def _act(
        self, name: str, verb: Verb, *, depends_on: Iterable[ActionId] = (), **fields: Any
    ) -> Action:
        d = self.desired_.get(name)
        kind = self._kind(name)
        r = self.recorded.get(name)
        account = d.account if d else (r.account if r else PARENT_ACCOUNT)
        if account != PARENT_ACCOUNT and kind.name != SUBACCOUNT and verb.changes_remote:
            # Made with the subaccount's credentials: once the subaccount is made or adopted.
            home = sa.resource_name(account)
            depends_on = [*depends_on, ActionId(home, Verb.CREATE), ActionId(home, Verb.ADOPT)]
        owner = kind.owner(name)
        if owner in self.moves and verb is not Verb.MOVE and verb.changes_remote:
            depends_on = [*depends_on, ActionId(owner, Verb.MOVE)]  # recorded anew first
        deps = []
        for dep in depends_on:
            if not self._known(dep.resource):
                raise UnknownDependencyError(
                    f"internal error: {name}:{verb.value} depends on {dep}, and the plan "
                    f"knows no resource {dep.resource!r}",
                    hint="please report this as a bug in trusthub",
                )
            # A dependency on an action this plan does not make is already satisfied.
            if dep in self.by_id and dep not in deps:
                deps.append(dep)
        action = Action(
            verb=verb,
            kind=kind.name,
            resource=name,
            profile=d.profile if d else kind.owner(name),
            depends_on=tuple(deps),
            desired_hash=self.hashes.get(name, ""),
            path=d.path if d else "",
            account=account,
            **fields,
        )
        self.actions.append(action)
        self.by_id[action.id] = action
        return action

    # -- one resource --------------------------------------------------------------------

    def _resource(self, name: str) -> None:
        d = self.desired_.get(name)
        planner = self._planner(name)
        if d is None:
            self._delete(name, planner)
            return
        lifecycle = planner.kind.lifecycle
        if (line := planner.eligibility(d, self)) is not None:
            self.eligibility_.append(line)
        if (why := planner.refusal(d, self) or self._account_refusal(d)) is not None:
            self._act(name, Verb.REFUSED, reason=why)
            return
        if (held := self._account_hold(d)) is not None:
            self._act(name, Verb.WAITING, reason=held)
            return
        status = self.status(name)
        if (console_sid := planner.console_sid(d, self)) is not None:
            if name in self.options_.resubmit:  # never dropped without a word
                self._act(
                    name,
                    Verb.REFUSED,
                    reason=(
                        f"{name} ({console_sid}) is managed in the Twilio Console: trusthub "
                        f"never submits it; resubmit it there (--resubmit {name}). "
                        "Drop --resubmit"
                    ),
                )
                return
            self._console_owned(d, planner, console_sid, status)
            return
        if name in self.options_.resubmit and status != lifecycle.rejected:
            self._act(
                name,
                Verb.REFUSED,
                reason=(
                    f"{name} is {status or 'not created'}: only a {lifecycle.rejected} "
                    f"resource can be resubmitted (--resubmit {name}). Drop --resubmit"
                ),
            )
            return
        if status is None:
            wait = planner.create_wait(d, self)
            if wait is not None:
                self._act(name, Verb.WAITING, reason=wait.reason, depends_on=wait.depends_on)
                return
            self._act(
                name,
                Verb.CREATE,
                transitions=((NONE, lifecycle.draft),),
                # A kind whose objects are created straight into review (no draft).
                expected=(
                    (lifecycle.review_outcome,) if lifecycle.draft in lifecycle.under_review else ()
                ),
                depends_on=planner.create_after(d, self),
                fees=tuple(planner.fees(d, Verb.CREATE, self)),
            )
            self._maybe_submit(d, planner, lifecycle.draft, edited=False)
            return
        edited = self._changes(d, planner, status)
        if edited is None:
            return  # refused
        self._maybe_submit(d, planner, status, edited=edited)

    def _account_refusal(self, d: DesiredResource) -> str | None:
        """Why `d` cannot be had in the account its profile names: an account trusthub.yaml
        does not declare, or another account than the one it was made in."""
        if d.kind == SUBACCOUNT:
            return None
        if d.account != PARENT_ACCOUNT and sa.resource_name(d.account) not in self.desired_:
            return (
                f"{d.profile} names account {d.account!r}, which trusthub.yaml does not declare: "
                f"add it under `accounts:` (`{d.account}: {{sid: AC...}}` for an existing "
                "subaccount, or `{friendly_name: ...}` to create one)"
            )
        r = self.recorded.get(d.name)
        if r is not None and r.status is not None and r.account != d.account:
            return (
                f"{d.name} was made in account {r.account!r}; its profile now names "
                f"{d.account!r}, and Twilio cannot move objects between accounts. Put "
                f"`account: {r.account}` back, or stop managing it with `trusthub state rm "
                f"{d.name}` and create it anew in {d.account!r}"
            )
        return None

    def _account_hold(self, d: DesiredResource) -> str | None:
        """Why nothing of `d` can be done now: its subaccount is suspended or closed (the
        plan shows the account's own state; apply would be refused there)."""
        if d.kind == SUBACCOUNT or d.account == PARENT_ACCOUNT:
            return None
        status = self.status(sa.resource_name(d.account))
        if status in (None, sa.ACTIVE):
            return None
        return (
            f"waits for account {d.account} to be active again (now {status}); nothing is "
            "read or made in it meanwhile"
        )

    def _rejection(self, name: str) -> str:
        """What the review found, for the reviewer of the fix (a pull request's plan)."""
        reasons = self.recorded[name].rejection_reasons
        if not reasons:
            return ""
        return (
            f"resubmits after Twilio rejected it: {'; '.join(map(twilio_codes.explain, reasons))}"
        )

    def _maybe_submit(
        self, d: DesiredResource, planner: KindPlanner, status: str, *, edited: bool
    ) -> None:
        name = d.name
        lifecycle = planner.kind.lifecycle
        prior = [
            ActionId(name, Verb.CREATE),
            ActionId(name, Verb.UPDATE),
            ActionId(name, Verb.ASSIGN),
            *planner.submit_after(d, self),
        ]
        if status == lifecycle.rejected:
            # Fixes elsewhere (a brand's are its profile's and trust product's) count too.
            fixes = list(planner.resubmit_after(d, self))
            # ... or a fix an earlier run applied (the brand's upstream, resubmitted since).
            fixed = None if edited or fixes else planner.fixed_earlier(d, self)
            requested = name in self.options_.resubmit
            if edited or fixes or fixed or requested:
                unchanged = not (edited or fixes or fixed)
                why = planner.resubmit_refusal(d, self)
                if why is None and unchanged:
                    why = planner.unchanged_resubmit_refusal(d, self)
                if why is not None:
                    self._act(name, Verb.REFUSED, reason=why)
                    return
                if unchanged and (replace := planner.resubmit_replacement(d, self)):
                    self._replace(d, planner, status, replace, ())
                    return
                self._act(
                    name,
                    Verb.RESUBMIT,
                    transitions=((lifecycle.rejected, lifecycle.submitted),),
                    expected=(lifecycle.review_outcome,),
                    depends_on=[*prior, *fixes],
                    fees=tuple(planner.fees(d, Verb.RESUBMIT, self)),
                    reason=(
                        f"resubmitted unchanged on request (--resubmit {name}): the cause of "
                        "the rejection lay outside the YAML"
                        if unchanged
                        else "; ".join(x for x in (fixed, self._rejection(name)) if x)
                    ),
                )
            else:
                reasons = self.recorded[name].rejection_reasons
                self._act(
                    name,
                    Verb.WAITING,
                    reason=(
                        f"{name} is {lifecycle.rejected}"
                        + (f" ({'; '.join(map(twilio_codes.explain, reasons))})" if reasons else "")
                        + ": fix what the review found and plan will resubmit it"
                    ),
                )
            return
        if status != lifecycle.draft or not d.submit:
            return
        wait = planner.submit_wait(d, self)
        if wait is not None:
            self._act(name, Verb.WAITING, reason=f"submit {wait}", depends_on=prior)
            return
        self._act(
            name,
            Verb.SUBMIT,
            transitions=((lifecycle.draft, lifecycle.submitted),),
            expected=(lifecycle.review_outcome,),
            depends_on=prior,
        )

    def _changes(self, d: DesiredResource, planner: KindPlanner, status: str) -> bool | None:
        """Plan the update and number assignments of an existing object. Returns whether its
        attributes are edited, or None when the edit is refused or made by deleting the
        object and creating it anew (the kind's `replacement`)."""
        name = d.name
        kind = planner.kind
        r = self.recorded[name]
        if r.spec_hash == self.hashes[name]:
            return False
        old = self.bodies.get(name, EMPTY_BODY)
        new_attrs = seal(dict(d.attributes), self.key)
        changes = tuple(
            FieldChange(path, a, b, is_sensitive(path))
            for path, a, b in diff(dict(old.attributes), new_attrs)
        )
        immutable = [c for c in changes if c.path[0] in kind.immutable_fields]
        if immutable:
            fields = ", ".join(c.dotted for c in immutable)
            self._act(
                name,
                Verb.REFUSED,
                changes=tuple(immutable),
                reason=(
                    f"{name}: {fields} cannot change once the bundle exists. Revert it, or "
                    f"give the profile a new name (a new profile) and remove this one (or, "
                    f"where Trust Hub keeps it, `trusthub state rm {name}`)"
                ),
            )
            return None
        new_numbers = {fingerprint(self.key, n) for n in d.numbers}
        old_numbers = set(old.numbers)
        replace = planner.replacement(
            d,
            self,
            status,
            attributes_changed=bool(changes),
            numbers_changed=new_numbers != old_numbers,
        )
        if replace is not None:
            self._replace(d, planner, status, replace, changes)
            return None
        allowed = None  # an edit Twilio takes although the status locks the object
        if changes and not kind.lifecycle.can_edit(status):
            allowed = planner.locked_edit(d, self, status, changes)
        if changes and not kind.lifecycle.can_edit(status) and allowed is None:
            fields = ", ".join(c.dotted for c in changes)
            self._act(
                name,
                Verb.REFUSED,
                changes=changes,
                reason=(
                    f"{name} {kind.lifecycle.describe_lock(status)}. Revert {fields}, or "
                    f"stop managing it: remove its file and run `trusthub state rm {name}` "
                    "(Trust Hub keeps it). If Trust Hub's values are the ones to keep (a "
                    "change made outside trusthub), `trusthub import --update "
                    f"{d.profile}` writes them into the file."
                ),
            )
            return None
        if changes:
            note = allowed.note if allowed else planner.update_note(d, self, status)
            fees = tuple(allowed.fees) if allowed else ()
            self._act(name, Verb.UPDATE, changes=changes, reason=note, fees=fees)
        if new_numbers != old_numbers:
            self._act(
                name,
                Verb.ASSIGN,
                numbers_added=tuple(sorted(new_numbers - old_numbers)),
                numbers_removed=tuple(sorted(old_numbers - new_numbers)),
                # An update and an assignment of one resource both converge its objects:
                # run at once, both would add what is missing (a duplicate assignment, a
                # number bought twice). The assignment goes second.
                depends_on=[ActionId(name, Verb.UPDATE), *planner.assign_after(d, self)],
            )
        return bool(changes)

    # -- objects made outside trusthub ---------------------------------------------------

    def _console_owned(
        self, d: DesiredResource, planner: KindPlanner, sid: str, status: str | None
    ) -> None:
        """An object the Twilio Console makes and owns (a primary profile): adopted by its
        SID, then never created, updated, submitted or deleted. Its YAML differing from what
        was recorded is drift, shown and not applied; its phone numbers are assigned through
        the API (`ProfileKind` says why)."""
        name = d.name
        recorded_sid = self.recorded_sid(name)
        adopt = status is None and recorded_sid is None
        if not adopt and recorded_sid != sid:
            self._act(
                name,
                Verb.REFUSED,
                reason=planner.console_sid_mismatch(d, self, recorded_sid, sid),
            )
            return
        if adopt:
            self._act(
                name,
                Verb.ADOPT,
                transitions=((NONE, f"adopted {sid}"),),
                reason=planner.adopt_note(d, self, sid),
            )
            if d.numbers:
                self._act(
                    name,
                    Verb.ASSIGN,
                    numbers_added=tuple(sorted(fingerprint(self.key, n) for n in d.numbers)),
                    depends_on=[ActionId(name, Verb.ADOPT), *planner.assign_after(d, self)],
                )
            return
        r = self.recorded[name]
        if r.spec_hash != self.hashes[name]:
            old = self.bodies.get(name, EMPTY_BODY)
            new_attrs = seal(dict(d.attributes), self.key)
            changes = tuple(
                FieldChange(path, a, b, is_sensitive(path))
                for path, a, b in diff(dict(old.attributes), new_attrs)
            )
            if changes:
                self._act(
                    name, Verb.DRIFT, changes=changes, reason=planner.drift_note(d, self, sid)
                )
            new_numbers = {fingerprint(self.key, n) for n in d.numbers}
            old_numbers = set(old.numbers)
            if new_numbers != old_numbers:
                self._act(
                    name,
                    Verb.ASSIGN,
                    numbers_added=tuple(sorted(new_numbers - old_numbers)),
                    numbers_removed=tuple(sorted(old_numbers - new_numbers)),
                    depends_on=list(planner.assign_after(d, self)),
                )
        if status is not None and (wait := planner.console_wait(d, self, status)) is not None:
            self._act(name, Verb.WAITING, reason=wait)

    def _replace(
        self,
        d: DesiredResource,
        planner: KindPlanner,
        status: str,
        why: str,
        changes: tuple[FieldChange, ...],
    ) -> None:
        """Make a change by deleting the object and creating it anew (the kind's
        `replacement`, or an unchanged resubmission its `resubmit_replacement` makes so)."""
        name = d.name
        wait = planner.create_wait(d, self)
        if wait is not None:  # deleted only once it can be created again
            self._act(
                name, Verb.WAITING, reason=f"{why}; {wait.reason}", depends_on=wait.depends_on
            )
            return
        self._act(name, Verb.DELETE, transitions=((status, DELETED),), reason=why)
        self._act(
            name,
            Verb.CREATE,
            transitions=((NONE, planner.kind.lifecycle.draft),),
            changes=changes,
            depends_on=[ActionId(name, Verb.DELETE), *planner.create_after(d, self)],
            reason=why,
            fees=tuple(planner.fees(d, Verb.CREATE, self)),
        )

    # -- deletes ------------------------------------------------------------------------

    def _delete(self, name: str, planner: KindPlanner) -> None:
        status = self.status(name)
        lifecycle = planner.kind.lifecycle
        forget = planner.forget(name, self)
        if forget is not None:
            self._act(name, Verb.DELETE, transitions=((status or NONE, FORGOTTEN),), reason=forget)
            return
        if not planner.deletable(name, self):
            why = lifecycle.describe_delete_refusal()
            self._act(
                name,
                Verb.REFUSED,
                reason=(
                    f"{name} is {status}: {why}. Put its file back to keep managing it, or "
                    f"stop managing it with `trusthub state rm {name}` (Trust Hub keeps it)."
                ),
            )
            return
        blockers = planner.delete_blockers(name, self)
        if blockers:
            self._act(
                name,
                Verb.REFUSED,
                reason=f"{name} cannot be deleted: " + "; ".join(blockers) + ".",
            )
            return
        deps = {ActionId(child, Verb.DELETE) for child in self.children(name)}
        deps.update(planner.delete_after(name, self))
        self._act(
            name,
            Verb.DELETE,
            transitions=((status or NONE, DELETED),),
            depends_on=sorted(deps, key=str),
            reason=planner.delete_note(name, self),
        )
