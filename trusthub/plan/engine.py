"""compute_plan: (desired resources, recorded state) -> Plan. Pure and deterministic.

Trust Hub's review lifecycle decides what each difference becomes: an edit of a draft is an
update, an edit of a rejected bundle is an update plus a resubmission, an edit of a bundle
in review or approved is refused with the way out, and submissions wait for what they need
(a secondary for its primary's approval, a trust product for its profile's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from trusthub.model import lifecycle as lc
from trusthub.model.desired import PROFILE, TRUST_PRODUCT, DesiredResource, spec_hash
from trusthub.model.privacy import fingerprint, is_sensitive, seal
from trusthub.plan.diff import diff
from trusthub.plan.model import (
    Action,
    Eligibility,
    FieldChange,
    Plan,
    ProductEligibility,
    ProfileSummary,
    Verb,
)

NONE = "(none)"
DELETED = "(deleted)"
REVIEW_OUTCOME = f"{lc.PENDING_REVIEW} -> {lc.IN_REVIEW} -> {lc.APPROVED} | {lc.REJECTED}"


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


@dataclass(frozen=True, slots=True)
class PlanOptions:
    # Real Trust Hub refuses primary-profile submissions through the API ("restricted via
    # API for Primary Customer Profiles"); the sandbox lets users rehearse them.
    submit_primary_via_api: bool = True


def desired_hashes(desired: Mapping[str, DesiredResource], key: bytes) -> dict[str, str]:
    return {name: spec_hash(r.body(), key) for name, r in desired.items()}


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


def compute_plan(
    desired: Mapping[str, DesiredResource],
    recorded: Mapping[str, Recorded],
    recorded_bodies: Mapping[str, Mapping[str, Any]],
    *,
    key: bytes,
    lineage: str,
    serial: int,
    hashes: Mapping[str, str] | None = None,
    options: PlanOptions = PlanOptions(),
) -> Plan:
    """The actions that turn `recorded` into `desired`, in the order apply must follow.

    `recorded_bodies` holds the sealed recorded body of every name `specs_needed` returned.
    """
    planner = _Planner(
        desired, recorded, recorded_bodies, key, hashes or desired_hashes(desired, key), options
    )
    return planner.run(lineage, serial)


class _Planner:
    def __init__(
        self,
        desired: Mapping[str, DesiredResource],
        recorded: Mapping[str, Recorded],
        bodies: Mapping[str, Mapping[str, Any]],
        key: bytes,
        hashes: Mapping[str, str],
        options: PlanOptions,
    ) -> None:
        self.desired = desired
        self.recorded = recorded
        self.bodies = bodies
        self.key = key
        self.hashes = hashes
        self.options = options
        self.actions: list[Action] = []
        self.by_id: dict[str, Action] = {}
        self.eligibility: list[ProductEligibility] = []
        # profile -> its trust products, desired or recorded (built once: the plan is linear).
        products: dict[str, set[str]] = {}
        for name in (
            *(n for n, d in desired.items() if d.kind == TRUST_PRODUCT),
            *(n for n, r in recorded.items() if r.kind == TRUST_PRODUCT),
        ):
            products.setdefault(name.split("/", 1)[0], set()).add(name)
        self.products = {p: sorted(names) for p, names in products.items()}
        # primary -> its secondaries, desired and recorded-only, for the delete checks.
        self.secondaries: dict[str, list[str]] = {}
        for name, d in desired.items():
            if d.kind == PROFILE and d.primary:
                self.secondaries.setdefault(d.primary, []).append(name)

    # -- driver ------------------------------------------------------------------------

    def run(self, lineage: str, serial: int) -> Plan:
        profiles = sorted(
            {n for n, r in self.desired.items() if r.kind == PROFILE}
            | {n for n, r in self.recorded.items() if r.kind == PROFILE},
            key=self._profile_order,
        )
        kept = [p for p in profiles if p in self.desired]
        gone = [p for p in profiles if p not in self.desired]
        for name in kept:
            self._profile(name)
            for product in self._products_of(name):
                self._product(product)
        # Deletions run children first: trust products, then secondaries, then primaries.
        for name in reversed(gone):
            for product in self._products_of(name):
                self._product(product)
            self._profile(name)
        summaries = tuple(self._summary(name) for name in profiles)
        return Plan(tuple(self.actions), tuple(self.eligibility), summaries, lineage, serial)

    def _summary(self, name: str) -> ProfileSummary:
        d = self.desired.get(name)
        r = self.recorded.get(name)
        attrs = d.attributes if d else self.bodies.get(name, {}).get("attributes", {})
        return ProfileSummary(
            name=name,
            role=str(attrs.get("role", "?")),
            type=str(attrs.get("type", "?")),
            status=r.status if r else None,
            status_since=r.status_since if r else None,
            path=d.path if d else "",
            rejection_reasons=tuple(r.rejection_reasons) if r else (),
        )

    def _profile_order(self, name: str) -> tuple[int, str]:
        role = self._role(name)
        return (0 if role == "primary" else 1, name)

    def _role(self, name: str) -> str | None:
        d = self.desired.get(name)
        if d is not None:
            return d.role
        body = self.bodies.get(name)
        return body["attributes"].get("role") if body else None

    def _products_of(self, profile: str) -> list[str]:
        return self.products.get(profile, [])

    def _status(self, name: str) -> str | None:
        r = self.recorded.get(name)
        return r.status if r is not None else None

    def _add(self, action: Action) -> Action:
        self.actions.append(action)
        self.by_id[action.id] = action
        return action

    def _act(self, name: str, verb: Verb, **fields: Any) -> Action:
        d = self.desired.get(name)
        kind = d.kind if d else self.recorded[name].kind
        profile = d.profile if d else name.split("/", 1)[0]
        fields.setdefault("desired_hash", self.hashes.get(name, ""))
        fields.setdefault("path", d.path if d else "")
        deps = tuple(dep for dep in fields.pop("depends_on", ()) if dep in self.by_id)
        return self._add(
            Action(
                id=f"{name}:{verb.value}",
                verb=verb,
                kind=kind,
                resource=name,
                profile=profile,
                depends_on=deps,
                **fields,
            )
        )

    # -- profiles -----------------------------------------------------------------------

    def _profile(self, name: str) -> None:
        d = self.desired.get(name)
        if d is None:
            self._delete(name, blockers=self._delete_blockers(name))
            return
        status = self._status(name)
        deps: list[str] = []
        if d.primary:
            deps.append(f"{d.primary}:create")
        if status is None:
            self._act(name, Verb.CREATE, transitions=((NONE, lc.DRAFT),), depends_on=deps)
            self._maybe_submit(d, lc.DRAFT, edited=False, created=True)
            return
        edited = self._changes(d, status)
        if edited is None:
            return  # refused
        self._maybe_submit(d, status, edited=edited, created=False)

    def _submit_wait_reason(self, d: DesiredResource) -> str | None:
        """Why `d` cannot be submitted in this apply, or None when it can."""
        if d.kind == PROFILE:
            if d.role == "primary" and not self.options.submit_primary_via_api:
                return (
                    "Trust Hub accepts primary profile submissions only in the Twilio Console: "
                    "submit it there; `trusthub refresh` records the outcome"
                )
            if d.primary:
                pstatus = self._status(d.primary)
                if pstatus != lc.APPROVED:
                    return (
                        f"waits for its primary {d.primary} to be {lc.APPROVED} "
                        f"(now {pstatus or 'not created'})"
                    )
        return None

    def _maybe_submit(
        self, d: DesiredResource, status: str, *, edited: bool, created: bool
    ) -> None:
        name = d.name
        prior = [f"{name}:create", f"{name}:update", f"{name}:assign"]
        if d.primary:
            prior.append(f"{d.primary}:submit")
        if status == lc.REJECTED:
            if edited:
                self._act(
                    name,
                    Verb.RESUBMIT,
                    transitions=((lc.REJECTED, lc.PENDING_REVIEW),),
                    expected=(REVIEW_OUTCOME,),
                    depends_on=prior,
                )
            else:
                reasons = self.recorded[name].rejection_reasons
                self._act(
                    name,
                    Verb.WAITING,
                    reason=(
                        f"{name} is {lc.REJECTED}"
                        + (f" ({'; '.join(reasons)})" if reasons else "")
                        + ": fix what the review found and plan will resubmit it"
                    ),
                )
            return
        if status != lc.DRAFT or not d.submit:
            return
        wait = self._submit_wait_reason(d)
        if wait is not None:
            self._act(name, Verb.WAITING, reason=f"submit {wait}", depends_on=prior)
            return
        self._act(
            name,
            Verb.SUBMIT,
            transitions=((lc.DRAFT, lc.PENDING_REVIEW),),
            expected=(REVIEW_OUTCOME,),
            depends_on=prior,
        )

    def _changes(self, d: DesiredResource, status: str) -> bool | None:
        """Plan the update and number assignments of an existing bundle. Returns whether its
        attributes are edited, or None when the edit is refused."""
        name = d.name
        r = self.recorded[name]
        if r.spec_hash == self.hashes[name]:
            return False
        old = self.bodies.get(name, {"attributes": {}, "numbers": []})
        new_attrs = seal(d.attributes, self.key)
        changes = tuple(
            FieldChange(path, a, b, is_sensitive(path))
            for path, a, b in diff(old.get("attributes", {}), new_attrs)
        )
        immutable = [c for c in changes if c.path[0] in (*lc.IMMUTABLE_PROFILE_FIELDS, "policy")]
        if immutable:
            fields = ", ".join(c.dotted for c in immutable)
            self._act(
                name,
                Verb.REFUSED,
                changes=tuple(immutable),
                reason=(
                    f"{name}: {fields} cannot change once the bundle exists. Revert it, or "
                    f"give the profile a new name (a new profile) and remove this one"
                ),
            )
            return None
        if changes and not lc.can_edit(status):
            fields = ", ".join(c.dotted for c in changes)
            self._act(
                name,
                Verb.REFUSED,
                changes=changes,
                reason=(
                    f"{name} {lc.describe_lock(status)}. Revert {fields}, or create a new profile."
                ),
            )
            return None
        if changes:
            self._act(name, Verb.UPDATE, changes=changes)
        new_numbers = {fingerprint(self.key, n) for n in d.numbers}
        old_numbers = set(old.get("numbers", []))
        if new_numbers != old_numbers:
            deps = [f"{d.profile}:assign"] if d.kind == TRUST_PRODUCT else []
            self._act(
                name,
                Verb.ASSIGN,
                numbers_added=tuple(sorted(new_numbers - old_numbers)),
                numbers_removed=tuple(sorted(old_numbers - new_numbers)),
                depends_on=deps,
            )
        return bool(changes)

    # -- trust products -------------------------------------------------------------------

    def _product(self, name: str) -> None:
        d = self.desired.get(name)
        if d is None:
            self._delete(name, blockers=[])
            return
        profile = d.profile
        product = d.product or ""
        pstatus = self._status(profile)
        status = self._status(name)
        if d.gaps:
            self.eligibility.append(
                ProductEligibility(profile, product, Eligibility.NEVER, "; ".join(d.gaps))
            )
            self._act(
                name, Verb.REFUSED, reason=f"{name} can never be granted: " + "; ".join(d.gaps)
            )
            return
        if status == lc.APPROVED:
            state, detail = Eligibility.GRANTED, f"{product} is {lc.APPROVED}"
        elif pstatus == lc.APPROVED:
            state, detail = Eligibility.ELIGIBLE, f"{profile} is {lc.APPROVED}"
        else:
            state, detail = (
                Eligibility.PENDING,
                f"once {profile} is {lc.APPROVED} (now {pstatus or 'not created'})",
            )
        self.eligibility.append(ProductEligibility(profile, product, state, detail))
        if status is None:
            if pstatus != lc.APPROVED:
                self._act(
                    name,
                    Verb.WAITING,
                    reason=(
                        f"create waits for {profile} to be {lc.APPROVED} "
                        f"(now {pstatus or 'not created'})"
                    ),
                    depends_on=[f"{profile}:submit", f"{profile}:resubmit"],
                )
                return
            self._act(
                name,
                Verb.CREATE,
                transitions=((NONE, lc.DRAFT),),
                depends_on=[f"{profile}:assign"],
            )
            self._maybe_submit(d, lc.DRAFT, edited=False, created=True)
            return
        edited = self._changes(d, status)
        if edited is None:
            return
        self._maybe_submit(d, status, edited=edited, created=False)

    # -- deletes ------------------------------------------------------------------------

    def _delete_blockers(self, name: str) -> list[str]:
        """Why a profile that left the workspace cannot be deleted, beyond its own status."""
        blockers = []
        for product in self._products_of(name):
            if (a := self.by_id.get(f"{product}:refused")) is not None:
                blockers.append(f"its trust product {product} stays ({a.reason})")
        for other in sorted(self.secondaries.get(name, [])):
            blockers.append(f"secondary {other} still names it as primary")
        for other in self._gone_secondaries(name):
            if f"{other}:refused" in self.by_id:
                blockers.append(f"secondary {other} cannot be deleted")
        return blockers

    def _gone_secondaries(self, primary: str) -> list[str]:
        """Recorded secondaries of `primary` that left the workspace (bodies are loaded for
        every resource that left, so this scans only those)."""
        return sorted(
            other
            for other, body in self.bodies.items()
            if other not in self.desired
            and self.recorded[other].kind == PROFILE
            and body.get("attributes", {}).get("primary") == primary
        )

    def _delete(self, name: str, *, blockers: list[str]) -> None:
        status = self._status(name)
        if not lc.can_delete(status):
            self._act(
                name,
                Verb.REFUSED,
                reason=(
                    f"{name} is {status}: Trust Hub deletes only {lc.DRAFT} or {lc.REJECTED} "
                    f"bundles. Put its file back to keep managing it."
                ),
            )
            return
        if blockers:
            self._act(
                name,
                Verb.REFUSED,
                reason=f"{name} cannot be deleted: " + "; ".join(blockers) + ".",
            )
            return
        deps = [f"{p}:delete" for p in self._products_of(name)]
        deps += [
            f"{other}:delete"
            for other, r in self.recorded.items()
            if r.kind == PROFILE
            and (b := self.bodies.get(other))
            and b["attributes"].get("primary") == name
        ]
        self._act(
            name,
            Verb.DELETE,
            transitions=((status or NONE, DELETED),),
            depends_on=sorted(deps),
        )
