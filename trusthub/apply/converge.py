"""The steps of each action, written to converge: every step first looks at what the state
(and, after a crash, Trust Hub) already holds, so running an action twice, or after a
`kill -9` at any point, ends in the same place without duplicates.

Creates follow one protocol: record the intent, create the object under a friendly name
unique to (workspace, resource, role), confirm its SID. An intent left open by a crash or an
ambiguous failure is resolved by adopting the object with that name; extra copies found then
are deleted.

When the state may have lost what it knew (`Context.reconcile`), every create first looks
for the object trusthub would have made: by its unique friendly name, and for a bundle (which
carries the profile's own name once made) by name and policy, owned when one of the
resource's tagged objects is assigned to it. What is found is adopted, never made twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from trusthub.apply import objects
from trusthub.apply.kinds import APPLIERS, KindApplier, Observation
from trusthub.apply.pacing import Pacer
from trusthub.apply.recorder import Recorder
from trusthub.errors import ApplyError
from trusthub.model import lifecycle as lc
from trusthub.model.desired import PARENT_ACCOUNT, DesiredResource
from trusthub.model.kinds import KINDS, PROFILE
from trusthub.model.privacy import fingerprint
from trusthub.plan.model import Action, Verb
from trusthub.provider.api import BundleFamily, Remote, TrustHubProvider
from trusthub.provider.errors import AmbiguousCreateError, RemoteNotFound


@dataclass
class Context:
    api: TrustHubProvider
    recorder: Recorder
    workspace: str
    key: bytes
    desired: Mapping[str, DesiredResource]
    provision_numbers: bool  # the sandbox "buys" numbers it does not have yet
    progress: Callable[[Action, str], None] = lambda action, message: None
    pacer: Pacer = field(default_factory=Pacer)  # one per apply, shared by its threads
    # The state may not know everything trusthub made (it was lost, rewound or restored
    # from an older backup: `trusthub.app.continuity`): look on Trust Hub before each create.
    reconcile: bool = False
    # The provider of a subaccount by its logical name (`trusthub.apply.accounts`); None:
    # the workspace uses the parent account only.
    subaccounts: Callable[[str], TrustHubProvider] | None = None

    def api_in(self, account: str) -> TrustHubProvider:
        if account == PARENT_ACCOUNT:
            return self.api
        if self.subaccounts is None:
            raise ApplyError(f"internal error: no credentials for subaccount {account!r}")
        return self.subaccounts(account)


T = TypeVar("T")


def object_name(workspace: str, resource: str, role: str) -> str:
    """A friendly name unique to (workspace, resource, role), at most 64 characters."""
    tag = hashlib.sha1(f"{workspace}/{resource}/{role}".encode()).hexdigest()[:8]
    return f"{resource} {role.split(':')[-1]}"[:53] + f" ~{tag}"


def pending_bundle_name(workspace: str, resource: str) -> str:
    """Bundles are created under this name and renamed once their SID is recorded, so an
    interrupted create can be found again."""
    return "trusthub pending " + object_name(workspace, resource, objects.BUNDLE)[-9:]


def _ignore_missing(call: Callable[[], Any]) -> None:
    try:
        call()
    except RemoteNotFound:
        return  # already gone


class Converger:
    def __init__(self, ctx: Context, action: Action) -> None:
        self.ctx = ctx
        self.rec = ctx.recorder
        self.action = action
        self.kind = action.kind
        self.name = action.resource
        self.adopted: set[str] = set()  # roles found on Trust Hub while reconciling
        # Roles this action created (not adopted): what Twilio holds of them is known, so
        # nothing is read back (their assignments are none yet; a bundle is a draft).
        self.created: set[str] = set()
        self.created_policy = ""  # the policy of the bundle this action created
        self._assigned: dict[str, dict[str, str]] = {}  # bundle -> object SID -> assignment

    @property
    def api(self) -> TrustHubProvider:
        """The provider acting in the action's account: the parent's, or the subaccount's
        (opened on first use, once the subaccount exists)."""
        return self.ctx.api_in(self.action.account)

    def say(self, message: str) -> None:
        self.ctx.progress(self.action, message)

    def object_name(self, role: str) -> str:
        """The friendly name of the resource's object `role` (see `object_name`)."""
        return object_name(self.ctx.workspace, self.name, role)

    def paced(self, call: Callable[[], T]) -> T:
        """`call()` once the kind's pacing allows (its applier's `pace`; none: at once)."""
        pace = APPLIERS[self.kind].pace
        if pace is not None:
            self.ctx.pacer.wait(pace)
        return call()

    # -- the create protocol -------------------------------------------------------------

    def ensure(
        self,
        role: str,
        *,
        create: Callable[[], str],
        find: Callable[[], Sequence[Remote]],
        delete: Callable[[str], None],
        find_first: bool = False,
    ) -> tuple[str, bool]:
        """The SID for `role`, creating or adopting it. Returns (sid, new). `find_first`:
        look on Trust Hub before the first create even when the state is whole (an object
        that may exist without the state knowing, such as one `import` does not read)."""
        sid = self.rec.sids(self.kind, self.name).get(role)
        if sid is not None:
            return sid, False
        if role in self.rec.intents(self.kind, self.name):
            adopted = self._adopt(role, find, delete)
            if adopted is not None:
                return adopted, True
        elif self.ctx.reconcile or find_first:
            adopted = self._adopt(role, find, delete, why="found on Trust Hub", extras=False)
            if adopted is not None:
                self.adopted.add(role)
                return adopted, True
        self.rec.intent(self.kind, self.name, role, {"action": str(self.action.id)})
        for _attempt in range(3):
            try:
                sid = create()
            except AmbiguousCreateError:
                adopted = self._adopt(role, find, delete)
                if adopted is not None:
                    return adopted, True
                continue
            self.rec.confirm(self.kind, self.name, role, sid)
            self.created.add(role)
            self.say(f"created {role} {sid}")
            return sid, True
        raise ApplyError(f"{self.name}: could not create {role}: Trust Hub kept failing")

    def _adopt(
        self,
        role: str,
        find: Callable[[], Sequence[Remote]],
        delete: Callable[[str], None],
        *,
        why: str = "left by an interrupted run",
        extras: bool = True,
    ) -> str | None:
        """Record the oldest object `find` returns. Further copies are deleted when they
        belong to the create this run left open (`extras`); copies found while reconciling
        may be older runs' work in use elsewhere, so they are reported and left."""
        found = sorted(find(), key=lambda r: (r.date_created is None, r.date_created, r.sid))
        if not found:
            return None
        keep, *extra = found
        self.rec.confirm(self.kind, self.name, role, keep.sid)
        self.say(f"adopted {role} {keep.sid} {why}")
        for duplicate in extra:
            if extras:
                _ignore_missing(lambda d=duplicate.sid: delete(d))  # type: ignore[misc]
                self.say(f"deleted duplicate {role} {duplicate.sid}")
            else:
                self.say(f"also found {role} {duplicate.sid}: left as it is")
        return keep.sid

    # -- building blocks -----------------------------------------------------------------

    def ensure_end_user(self, spec: objects.EndUserSpec, *, update: bool) -> str:
        fname = object_name(self.ctx.workspace, self.name, spec.role)
        sid, new = self.ensure(
            spec.role,
            create=lambda: self.api.create_end_user(
                type_=spec.type, friendly_name=fname, attributes=spec.attributes
            ),
            find=lambda: [r for r in self.api.find_end_users(fname) if r.type == spec.type],
            delete=self.api.delete_end_user,
        )
        if update and not new:
            self.api.update_end_user(sid, friendly_name=fname, attributes=spec.attributes)
            self.say(f"updated {spec.role}")
        return sid

    def ensure_address(self, spec: objects.AddressSpec, *, update: bool) -> str:
        fname = object_name(self.ctx.workspace, self.name, objects.ADDRESS)
        sid, new = self.ensure(
            objects.ADDRESS,
            create=lambda: self.api.create_address(friendly_name=fname, params=spec.params),
            find=lambda: self.api.find_addresses(fname),
            delete=self.api.delete_address,
        )
        if update and not new:
            self.api.update_address(sid, friendly_name=fname, params=spec.update_params())
            self.say("updated address")
        return sid

    def ensure_document(self, address_sid: str) -> str:
        fname = object_name(self.ctx.workspace, self.name, objects.DOCUMENT)
        attributes = {"address_sids": address_sid}
        sid, _new = self.ensure(
            objects.DOCUMENT,
            create=lambda: self.api.create_document(
                type_="customer_profile_address", friendly_name=fname, attributes=attributes
            ),
            find=lambda: self.api.find_documents(fname),
            delete=self.api.delete_document,
        )
        return sid

    def ensure_bundle(
        self,
        family: BundleFamily,
        spec: objects.BundleSpec,
        *,
        policy_sid: str,
        update: bool,
        owned_by: Sequence[str] = (),
    ) -> str:
        """The bundle, renamed from its pending name once recorded; with `update`, its
        friendly name, email and status callback written again (a removed callback is
        cleared). `owned_by`: SIDs of this resource's own objects; while reconciling, a
        bundle under the spec's name and policy with one of them assigned is this one's."""
        pending = pending_bundle_name(self.ctx.workspace, self.name)

        def find() -> list[Remote]:
            found = [
                Remote(b.sid, b.friendly_name, family, b.date_created)
                for b in self.api.find_bundles(family, friendly_name=pending, policy_sid=policy_sid)
            ]
            if self.ctx.reconcile and owned_by and spec.friendly_name != pending:
                mine = set(owned_by)
                found += [
                    Remote(b.sid, b.friendly_name, family, b.date_created)
                    for b in self.api.find_bundles(
                        family, friendly_name=spec.friendly_name, policy_sid=policy_sid
                    )
                    if mine & self.api.entity_assignments(family, b.sid).keys()
                ]
            return found

        sid, new = self.ensure(
            objects.BUNDLE,
            create=lambda: (
                self.api.create_bundle(
                    family,
                    friendly_name=pending,
                    email=spec.email,
                    policy_sid=policy_sid,
                    status_callback=spec.status_callback,
                ).sid
            ),
            find=find,
            delete=lambda s: self.api.delete_bundle(family, s),
        )
        adopted = objects.BUNDLE in self.adopted
        if objects.BUNDLE in self.created:
            self.created_policy = policy_sid
        bundle = self.api.fetch_bundle(family, sid) if (not new or adopted) else None
        if (
            adopted
            and bundle is not None
            and bundle.friendly_name != pending
            and not lc.BUNDLE.can_edit(bundle.status)
        ):
            return sid  # found submitted or approved: Trust Hub takes no edits (70002)
        if new or update or (bundle is not None and bundle.friendly_name == pending):
            if owned_by and (new or (bundle is not None and bundle.friendly_name == pending)):
                # Its own objects are assigned before it takes its final name: a bundle
                # under that name always shows whose it is, should the state be lost.
                self.ensure_assigned(family, sid, owned_by)
            self.api.update_bundle(
                family,
                sid,
                friendly_name=spec.friendly_name,
                email=spec.email,
                status_callback=spec.status_callback,
            )
            if update and not new:
                self.say("updated bundle")
        return sid

    def ensure_assigned(
        self, family: BundleFamily, bundle: str, object_sids: Sequence[str]
    ) -> None:
        present = self._assigned.get(bundle)
        if present is None:
            # A bundle this action created has only what this action assigned.
            present = (
                {}
                if objects.BUNDLE in self.created
                else self.api.entity_assignments(family, bundle)
            )
        for object_sid in object_sids:
            if object_sid not in present:
                present = {
                    **present,
                    object_sid: self.api.assign_entity(family, bundle, object_sid),
                }
                self.say(f"assigned {object_sid}")
        self._assigned[bundle] = present

    def number_sid(self, e164: str) -> str:
        role = "number:" + fingerprint(self.ctx.key, e164)
        known = self.rec.sids(self.kind, self.name).get(role)
        if known is None and self.action.profile != self.name:
            # The profile's own record of it (a trust product's numbers are its profile's,
            # in the same account): no lookup.
            known = self.rec.sids(PROFILE, self.action.profile).get(role)
            if known is not None:
                self.rec.confirm(self.kind, self.name, role, known)
        if known is not None:
            return known
        sid = self.api.number_sid(e164)
        if sid is None:
            if not self.ctx.provision_numbers:
                raise ApplyError(
                    f"{self.name}: phone number {e164} is not in this Twilio account; buy or "
                    "port it first, or remove it from the profile"
                )
            sid = self.api.provision_number(e164)
        self.rec.confirm(self.kind, self.name, role, sid)
        return sid

    def ensure_numbers(self, family: BundleFamily, bundle: str, numbers: Sequence[str]) -> None:
        wanted = {self.number_sid(n) for n in numbers}
        present = (
            {} if objects.BUNDLE in self.created else self.api.channel_assignments(family, bundle)
        )
        for pn in sorted(wanted - present.keys()):
            self.api.assign_number(family, bundle, pn)
            self.say(f"assigned number {pn}")
        for pn in sorted(present.keys() - wanted):
            _ignore_missing(lambda ra=present[pn]: self.api.unassign_number(family, bundle, ra))  # type: ignore[misc]
            self.say(f"unassigned number {pn}")

    # -- actions -------------------------------------------------------------------------

    def touched(self) -> set[str]:
        """The top-level attribute keys this action changes."""
        return {str(c.path[0]) for c in self.action.changes}

    def ignore_missing(self, call: Callable[[], Any]) -> None:
        _ignore_missing(call)

    def converge(self, applier: KindApplier, desired: DesiredResource, *, update: bool) -> None:
        """Create or update the resource's objects, then record what the target holds."""
        applier.converge(self, desired, update=update)
        lifecycle = KINDS[self.kind].lifecycle
        observed = (
            # Created by this action: a draft of the policy it was made with (no read back).
            Observation(lifecycle.draft, (), None, self.created_policy)
            if self.created_policy
            else applier.observe(self.api, self.rec.sids(self.kind, self.name))
        )
        body, spec_hash = applier.recorded_body(self, desired)
        # Found whole on Trust Hub while reconciling: its history here starts with "adopt",
        # at the status it has there, not with a create it did not have.
        found = KINDS[self.kind].root_role in self.adopted and self.action.verb is Verb.CREATE
        self.rec.applied(
            self.kind,
            self.name,
            body=body,
            spec_hash=spec_hash,
            status=observed.status if observed else None,
            policy_sid=observed.policy_sid if observed else "",
            action="adopt" if found else self.action.verb.value,
            account=self.action.account,
        )


def run_action(ctx: Context, action: Action) -> None:
    """Carry out one action of a plan, through its kind's applier."""
    c = Converger(ctx, action)
    applier = APPLIERS[action.kind]
    desired = ctx.desired.get(action.resource)
    if action.verb in (Verb.CREATE, Verb.UPDATE, Verb.ASSIGN):
        assert desired is not None
        c.converge(applier, desired, update=action.verb is not Verb.CREATE)
    elif action.verb is Verb.ADOPT:
        assert desired is not None
        applier.adopt(c, desired)
    elif action.verb is Verb.MOVE:  # the state only: nothing on the target changes
        ((old, new),) = action.transitions
        ctx.recorder.renamed(old, new)
        c.say(f"recorded {old} as {new}")
    elif action.verb in (Verb.SUBMIT, Verb.RESUBMIT):
        applier.submit(c)
    elif action.verb is Verb.DELETE:
        applier.delete(c)
