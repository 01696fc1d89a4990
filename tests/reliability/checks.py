"""What "converged" means for the reliability tests, checked against the sandbox's own file
and the recorded state, not against what the engine reports about itself.

`check_world(settings)` reads every object in the sandbox database and the whole state, and
fails with a list of every difference:

* each profile has exactly one bundle (right friendly name, email, policy, callback), its
  end users (right type and attributes), one address (right fields, its CustomerName
  from the legal or individual name, no optional field the YAML lacks), one supporting
  document pointing at it, exactly the right entity assignments, and its phone numbers
  assigned; each trust product the state says was created likewise;
* no duplicates: every bundle, end user, document and address name occurs once, no bundle
  is left under its "trusthub pending" name, and the sandbox holds nothing else;
* the state agrees with the sandbox: every SID it records exists, every object in the
  sandbox is recorded, no create intent is left open, and each recorded status is the
  sandbox's;
* the audit log has every transition: one create event per resource (or one adopt event,
  for a resource a state that lost it found on Trust Hub), a status chain without gaps
  ending at the current status, and a submit event for each submission.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trusthub.app.loading import load_workspace
from trusthub.apply import objects
from trusthub.apply.converge import object_name
from trusthub.apply.kinds.tollfree_verification import VERIFICATION, external_reference_id
from trusthub.config.settings import Settings
from trusthub.model import lifecycle as lc
from trusthub.model import mapping
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import PROFILE, TOLLFREE_VERIFICATION, TRUST_PRODUCT, desired_resources
from trusthub.model.privacy import fingerprint, fingerprint_key
from trusthub.sandbox.store import Row, Store
from trusthub.state import AuditEvent, StateStore, open_store

BUNDLE_KINDS = {PROFILE: "customer_profile", TRUST_PRODUCT: "trust_product"}
NAMED_KINDS = ("customer_profile", "trust_product", "end_user", "supporting_document", "address")
SANDBOX_KINDS = (
    *NAMED_KINDS,
    "phone_number",
    "entity_assignment",
    "channel_assignment",
    "brand_registration",  # A2P brands: no friendly name; unique by their two bundles
    "tollfree_verification",
    "messaging_service",  # unique by friendly name
    "us_app_to_person",  # A2P campaigns: one per Messaging Service
)
SUBMITTED = (lc.PENDING_REVIEW, lc.IN_REVIEW, lc.APPROVED, lc.REJECTED)


@dataclass
class Sandboxed:
    """Every object of the kinds the apply engine makes, as stored by the sandbox."""

    rows: dict[str, list[Row]]
    by_sid: dict[str, Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_sid = {row.sid: row for rows in self.rows.values() for row in rows}

    def children(self, kind: str, parent: str) -> list[Row]:
        return [r for r in self.rows[kind] if r.parent == parent]

    def count(self, kind: str) -> int:
        return len(self.rows[kind])


def read_sandbox(database: Path) -> Sandboxed:
    store = Store(database)
    try:
        with store.read() as tx:
            return Sandboxed({kind: tx.find(kind) for kind in SANDBOX_KINDS})
    finally:
        store.close()


def desired_of(settings: Settings) -> dict[str, DesiredResource]:
    workspace = load_workspace(settings)
    errors = [str(p) for p in workspace.problems if p.severity == "error"]
    assert not errors, errors
    return desired_resources(
        (name, doc.data, doc.path) for name, doc in sorted(workspace.profiles.items())
    )


@dataclass
class World:
    """What was checked, for the caller's own assertions."""

    sandbox: Sandboxed
    statuses: dict[str, str]  # resource name -> status in the sandbox
    audit: list[AuditEvent]
    created: set[str]  # resources with a bundle


class _Checker:
    def __init__(
        self, settings: Settings, store: StateStore, sandbox: Sandboxed, audit_submits: bool
    ) -> None:
        self.settings = settings
        self.store = store
        self.sb = sandbox
        self.audit_submits = audit_submits
        self.audit_chain = True
        self.problems: list[str] = []
        self.key = fingerprint_key(store.meta().lineage)
        self.expected: Counter[str] = Counter()  # sandbox kind -> objects expected
        self.statuses: dict[str, str] = {}
        self.adopted: set[str] = set()  # primaries adopted from the Console
        self.console_objects: set[str] = set()  # what the Console made for them

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def row(self, where: str, sid: str | None, kind: str) -> Row | None:
        if sid is None:
            self.fail(f"{where}: no SID recorded")
            return None
        row = self.sb.by_sid.get(sid)
        if row is None or row.kind != kind:
            self.fail(f"{where}: recorded {sid} is not a {kind} in the sandbox")
            return None
        return row

    def same(self, where: str, actual: Any, wanted: Any) -> None:
        if actual != wanted:
            self.fail(f"{where}: {actual!r} != {wanted!r}")

    # -- one resource ----------------------------------------------------------------------

    def bundle(
        self,
        d: DesiredResource,
        sids: Mapping[str, str],
        *,
        friendly_name: str,
        email: str,
        policy_sid: str,
        callback: str | None,
        assigned: Iterable[str],
    ) -> None:
        kind = BUNDLE_KINDS[d.kind]
        bundle = self.row(f"{d.name} bundle", sids.get(objects.BUNDLE), kind)
        self.expected[kind] += 1
        if bundle is None:
            return
        data = bundle.data
        self.same(f"{d.name} bundle friendly_name", data["friendly_name"], friendly_name)
        self.same(f"{d.name} bundle email", data["email"], email)
        self.same(f"{d.name} bundle policy", data["policy_sid"], policy_sid)
        self.same(f"{d.name} bundle status_callback", data.get("status_callback"), callback)
        self.statuses[d.name] = data["status"]
        entities = [r.data["object_sid"] for r in self.sb.children("entity_assignment", bundle.sid)]
        wanted = sorted(assigned)
        self.same(f"{d.name} entity assignments", sorted(entities), wanted)
        self.expected["entity_assignment"] += len(wanted)
        numbers = [
            r.data["channel_endpoint_sid"]
            for r in self.sb.children("channel_assignment", bundle.sid)
        ]
        wanted_numbers = []
        for e164 in d.numbers:
            role = "number:" + fingerprint(self.key, e164)
            number = self.row(f"{d.name} number {e164}", sids.get(role), "phone_number")
            if number is not None:
                self.same(f"{d.name} number {role}", number.data["phone_number"], e164)
                wanted_numbers.append(number.sid)
        self.same(f"{d.name} channel assignments", sorted(numbers), sorted(wanted_numbers))
        self.expected["channel_assignment"] += len(wanted_numbers)

    def end_user(self, d: DesiredResource, sids: Mapping[str, str], spec: Any) -> str | None:
        row = self.row(f"{d.name} {spec.role}", sids.get(spec.role), "end_user")
        self.expected["end_user"] += 1
        if row is None:
            return None
        name = object_name(self.settings.name, d.name, spec.role)
        self.same(f"{d.name} {spec.role} friendly_name", row.data["friendly_name"], name)
        self.same(f"{d.name} {spec.role} type", row.data["type"], spec.type)
        self.same(f"{d.name} {spec.role} attributes", row.data["attributes"], dict(spec.attributes))
        return row.sid

    def console_primary(self, d: DesiredResource, sids: Mapping[str, str]) -> None:
        """A primary made in the Console: adopted by the SID its file names, approved, its
        own objects the Console's (counted as they are); only its numbers are trusthub's."""
        bundle = self.row(f"{d.name} bundle", sids.get(objects.BUNDLE), "customer_profile")
        self.expected["customer_profile"] += 1
        if bundle is None:
            return
        self.same(f"{d.name} adopted SID", bundle.sid, d.attributes["sid"])
        self.adopted.add(d.name)
        policy = mapping.profile_policy_sid("primary", d.attributes["type"])
        self.same(f"{d.name} bundle policy", bundle.data["policy_sid"], policy)
        self.statuses[d.name] = bundle.data["status"]
        self.console_assigned(bundle)
        numbers = [
            r.data["channel_endpoint_sid"]
            for r in self.sb.children("channel_assignment", bundle.sid)
        ]
        wanted = [
            sid
            for e164 in d.numbers
            if (sid := sids.get("number:" + fingerprint(self.key, e164))) is not None
        ]
        self.same(f"{d.name} channel assignments", sorted(numbers), sorted(wanted))
        self.expected["channel_assignment"] += len(wanted)

    def console_assigned(self, bundle: Row) -> None:
        """The Console's objects assigned to a primary it made: counted as they are."""
        for assignment in self.sb.children("entity_assignment", bundle.sid):
            self.expected["entity_assignment"] += 1
            made = self.sb.by_sid.get(assignment.data["object_sid"])
            if made is not None and made.kind in ("end_user", "supporting_document"):
                self.expected[made.kind] += 1
                self.console_objects.add(made.sid)
                if made.kind == "supporting_document":
                    self.expected["address"] += 1  # the document's address
                    self.console_objects.add(str(made.data["attributes"]["address_sids"]))

    def forgotten_primaries(self, adopted_sids: set[str]) -> None:
        """Primaries the Console made that the workspace no longer names: forgotten, never
        deleted (trusthub never writes a primary). They and the Console's objects under them
        stay, with whatever numbers were assigned to them, as they were left."""
        primary_policies = {
            mapping.profile_policy_sid("primary", t) for t in ("business", "individual")
        }
        for bundle in self.sb.rows["customer_profile"]:
            if bundle.data["policy_sid"] not in primary_policies or bundle.sid in adopted_sids:
                continue
            self.expected["customer_profile"] += 1
            self.console_objects.add(bundle.sid)
            self.console_assigned(bundle)
            for channel in self.sb.children("channel_assignment", bundle.sid):
                self.expected["channel_assignment"] += 1
                self.console_objects.add(channel.data["channel_endpoint_sid"])

    def profile(self, d: DesiredResource, desired: Mapping[str, DesiredResource]) -> None:
        sids = self.store.sids(PROFILE, d.name)
        attrs = d.attributes
        if attrs["role"] == "primary":
            self.console_primary(d, sids)
            return
        assigned = [self.end_user(d, sids, s) for s in objects.profile_end_users(attrs)]
        address = self.row(f"{d.name} address", sids.get(objects.ADDRESS), "address")
        self.expected["address"] += 1
        if address is not None:
            self.same(
                f"{d.name} address friendly_name",
                address.data["friendly_name"],
                object_name(self.settings.name, d.name, objects.ADDRESS),
            )
            params = mapping.address_params(attrs["address"], objects.customer_name(attrs))
            for param, value in {**dict.fromkeys(("street_secondary",)), **params}.items():
                self.same(f"{d.name} address {param}", address.data.get(param), value)
        document = self.row(f"{d.name} document", sids.get(objects.DOCUMENT), "supporting_document")
        self.expected["supporting_document"] += 1
        if document is not None:
            assigned.append(document.sid)
            self.same(
                f"{d.name} document friendly_name",
                document.data["friendly_name"],
                object_name(self.settings.name, d.name, objects.DOCUMENT),
            )
            self.same(
                f"{d.name} document address",
                document.data["attributes"].get("address_sids"),
                address.sid if address is not None else None,
            )
        if d.primary:
            assigned.append(self.store.sids(PROFILE, d.primary).get(objects.BUNDLE))
        self.bundle(
            d,
            sids,
            friendly_name=objects.bundle_friendly_name(attrs),
            email=attrs["notifications"]["email"],
            policy_sid=mapping.profile_policy_sid(attrs["role"], attrs["type"]),
            callback=attrs["notifications"].get("status_callback"),
            assigned=[s for s in assigned if s is not None],
        )

    def product(self, d: DesiredResource, desired: Mapping[str, DesiredResource]) -> None:
        sids = self.store.sids(TRUST_PRODUCT, d.name)
        profile = desired[d.profile].attributes
        assigned: list[str | None] = [self.store.sids(PROFILE, d.profile).get(objects.BUNDLE)]
        spec = objects.product_end_user(d)
        if spec is not None:
            assigned.append(self.end_user(d, sids, spec))
        self.bundle(
            d,
            sids,
            friendly_name=objects.product_friendly_name(profile, d.product or ""),
            email=profile["notifications"]["email"],
            policy_sid=str(d.attributes["policy"]),
            callback=profile["notifications"].get("status_callback"),
            assigned=[s for s in assigned if s is not None],
        )

    def tollfree(self, d: DesiredResource, sids: Mapping[str, str]) -> None:
        """One toll-free verification per declared number, found by trusthub's key."""
        self.expected["tollfree_verification"] += 1
        where = f"{d.name} verification"
        row = self.row(where, sids.get(VERIFICATION), "tollfree_verification")
        if row is None:
            return
        ref = external_reference_id(self.settings.name, d.name)
        self.same(f"{where} external reference", row.data["external_reference_id"], ref)
        self.same(f"{where} number", row.data["tollfree_phone_number"], d.numbers[0])
        sample = row.data["production_message_sample"]
        self.same(f"{where} sample", sample, d.attributes["message_sample"])
        self.statuses[d.name] = row.data["status"]

    # -- the whole sandbox -----------------------------------------------------------------

    def no_duplicates(self) -> None:
        for kind in NAMED_KINDS:
            names = Counter(r.data["friendly_name"] for r in self.sb.rows[kind])
            twice = {n: c for n, c in names.items() if c > 1}
            if twice:
                self.fail(f"duplicate {kind} objects by friendly name: {twice}")
            pending = [n for n in names if n.startswith("trusthub pending")]
            if pending:
                self.fail(f"{kind} left under a pending name: {pending}")
        pairs = Counter(
            (r.data["customer_profile_bundle_sid"], r.data["a2p_profile_bundle_sid"])
            for r in self.sb.rows["brand_registration"]
        )
        twice = {p: c for p, c in pairs.items() if c > 1}
        if twice:  # each one a second registration fee
            self.fail(f"duplicate brand registrations for the same bundles: {twice}")
        services = Counter(r.data["friendly_name"] for r in self.sb.rows["messaging_service"])
        twice = {n: c for n, c in services.items() if c > 1}
        if twice:
            self.fail(f"duplicate Messaging Services by friendly name: {twice}")
        campaigns = Counter(r.parent for r in self.sb.rows["us_app_to_person"])
        twice = {n: c for n, c in campaigns.items() if c > 1}
        if twice:  # each one a second vetting fee
            self.fail(f"more than one campaign on a Messaging Service: {twice}")
        for kind in SANDBOX_KINDS:
            if kind in (
                "phone_number",
                "brand_registration",
                "messaging_service",
                "us_app_to_person",
            ):
                continue
            if self.sb.count(kind) != self.expected[kind]:
                self.fail(
                    f"the sandbox holds {self.sb.count(kind)} {kind} objects, "
                    f"the workspace needs {self.expected[kind]}"
                )

    def state_matches(self, names: Iterable[tuple[str, str]]) -> set[str]:
        recorded: set[str] = set()
        for kind, name in names:
            for obj in self.store.remote_objects(kind, name):
                if obj.state == "created" and obj.sid is not None:
                    recorded.add(obj.sid)
                    if obj.sid not in self.sb.by_sid:
                        self.fail(f"{name} {obj.role}: recorded {obj.sid} is not in the sandbox")
        # Numbers stay in the account when a profile is deleted (they were bought): only
        # the assigned ones must be recorded.
        assigned = {r.data["channel_endpoint_sid"] for r in self.sb.rows["channel_assignment"]}
        tracked = {r.sid for kind in NAMED_KINDS for r in self.sb.rows[kind]} | assigned
        untracked = sorted(tracked - recorded - self.console_objects)
        if untracked:
            self.fail(f"objects in the sandbox the state does not record: {untracked}")
        intents = self.store.open_intents()
        if intents:
            self.fail(f"open create intents left: {[(i.name, i.role) for i in intents]}")
        snapshot = self.store.snapshot().by_name()
        for name, status in self.statuses.items():
            recorded_status = snapshot[name].status if name in snapshot else None
            self.same(f"{name} recorded status", recorded_status, status)
        return recorded

    def audit(self, created: set[str]) -> list[AuditEvent]:
        events = self.store.audit()
        by_name: dict[str, list[AuditEvent]] = {}
        for event in events:
            by_name.setdefault(event.name, []).append(event)
        for name in sorted(created):
            mine = by_name.get(name, [])
            # A resource deleted and created again starts a new life: check the last one.
            # Also forgotten: gone from Trust Hub, or `state rm`.
            deletions = [
                i
                for i, e in enumerate(mine)
                if e.action in ("delete", "gone", "rm") and e.to_status is None
            ]
            if deletions:
                mine = mine[deletions[-1] + 1 :]
            if not self.audit_chain:  # a restore rewound the statuses, not the audit log
                adopts = [i for i, e in enumerate(mine) if e.action == "adopt"]
                mine = mine[adopts[-1] :] if adopts else mine
            # A life starts with one create (at draft) or, when a state that lost it found
            # it on Trust Hub, or for a primary made in the Console, one adopt.
            creates = [e for e in mine if e.action in ("create", "adopt")]
            starts = [(e.action, e.from_status, e.to_status) for e in creates]
            adopted = len(starts) == 1 and starts[0][:2] == ("adopt", None)
            if name in self.adopted:  # made in the Console: adopted once, never created
                if not adopted:
                    self.fail(f"{name}: {starts}: a Console primary is adopted once")
            elif starts != [("create", None, lc.DRAFT)] and not adopted:
                self.fail(f"{name}: create events {starts}")
            status: str | None = None
            for e in mine:
                if e.to_status is None or e.to_status == e.from_status:
                    continue
                if e.from_status != status and self.audit_chain:
                    self.fail(
                        f"{name}: audit event {e.id} ({e.action}) goes {e.from_status} -> "
                        f"{e.to_status}, but the status before was {status}"
                    )
                status = e.to_status
            self.same(f"{name} last audited status", status, self.statuses.get(name))
            if (
                self.statuses.get(name) in SUBMITTED
                and name not in self.adopted
                and not (adopted and starts[0][2] in SUBMITTED)
            ):
                submits = [e for e in mine if _is_submission(e, strict=self.audit_submits)]
                if not submits:
                    self.fail(f"{name} was submitted, but no submit event is in the audit log")
        return events


def _is_submission(event: AuditEvent, *, strict: bool) -> bool:
    """A submission: from draft (or rejected) to what Trust Hub answered, pending-review
    or already further on. Not strict: also a refresh that saw the bundle leave draft."""
    actions = ("submit", "resubmit") if strict else ("submit", "resubmit", "refresh")
    return (
        event.action in actions
        and event.from_status in (lc.DRAFT, lc.REJECTED)
        and event.to_status in SUBMITTED
        and event.to_status != event.from_status
    )


def check_world(
    settings: Settings, *, audit_submits: bool = True, audit_chain: bool = True
) -> World:
    """Compare the sandbox with the workspace and the state; fail listing every difference.
    `audit_submits=False` accepts a submission recorded by a refresh (a run killed after
    Trust Hub took the submission and before the state recorded it). `audit_chain=False`
    after a restore of an older backup: the restore rewinds statuses and keeps the audit log
    whole, so a life is checked from its last adopt."""
    desired = desired_of(settings)
    sandbox = read_sandbox(settings.sandbox.database)
    with open_store(settings.state, settings.name) as store:
        checker = _Checker(settings, store, sandbox, audit_submits)
        checker.audit_chain = audit_chain
        created: set[str] = set()
        for d in desired.values():
            if d.kind == PROFILE:
                checker.profile(d, desired)
                created.add(d.name)
            elif d.kind == TOLLFREE_VERIFICATION:
                if store.sids(d.kind, d.name).get(VERIFICATION):
                    checker.tollfree(d, store.sids(d.kind, d.name))
            elif store.sids(TRUST_PRODUCT, d.name).get(objects.BUNDLE):
                checker.product(d, desired)
                created.add(d.name)
        adopted = {
            sid
            for d in desired.values()
            if d.kind == PROFILE and (sid := d.attributes.get("sid")) is not None
        }
        checker.forgotten_primaries({str(s) for s in adopted})
        checker.no_duplicates()
        checker.state_matches((d.kind, d.name) for d in desired.values())
        events = checker.audit(created)
    assert not checker.problems, "\n".join(checker.problems[:40])
    return World(sandbox, checker.statuses, events, created)
