"""Apply a plan: run its actions against the target, recording every step in the state as
it happens (intent before each create, SID after, status after each submission)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from trusthub.app.loading import LoadedWorkspace
from trusthub.app.planning import Planned, make_plan
from trusthub.app.saved_plans import SavedPlan
from trusthub.app.session import Session, note_gone
from trusthub.app.target import Target
from trusthub.apply.accounts import Subaccounts
from trusthub.apply.converge import Context, run_action
from trusthub.apply.executor import Outcome, execute
from trusthub.apply.pacing import Pacer
from trusthub.model.desired import PARENT_ACCOUNT
from trusthub.model.kinds import SUBACCOUNT
from trusthub.model.kinds import subaccount as sa
from trusthub.plan.model import Action
from trusthub.plan.moves import renamed_in
from trusthub.plan.partial import held_back
from trusthub.report.history import CHANGES, field_changes
from trusthub.report.plan_view import Revealer, reveal_from
from trusthub.state.base import StateStore


class StoreRecorder:
    """The apply steps' view of the state store. One short transaction per write, behind a
    lock because the store's connection is shared by the worker threads. An update's audit
    event lists the fields it changed, masked (`report.history.field_changes`); `reveal`
    (the workspace's values) makes the new personal values recognisable there."""

    def __init__(
        self,
        store: StateStore,
        *,
        actor: str,
        checksum: str,
        key: bytes = b"",
        reveal: Revealer | None = None,
    ) -> None:
        self.store = store
        self.actor = actor
        self.checksum = checksum
        self.key = key
        self.reveal = reveal
        self._lock = threading.RLock()

    def sids(self, kind: str, name: str) -> dict[str, str]:
        with self._lock:
            return self.store.sids(kind, name)

    def intents(self, kind: str, name: str) -> set[str]:
        with self._lock:
            return {o.role for o in self.store.remote_objects(kind, name) if o.state == "intent"}

    def intent(self, kind: str, name: str, role: str, detail: Mapping[str, Any]) -> None:
        with self._lock, self.store.transaction() as tx:
            tx.record_intent(kind, name, role, dict(detail))

    def confirm(self, kind: str, name: str, role: str, sid: str) -> None:
        with self._lock, self.store.transaction() as tx:
            tx.confirm(kind, name, role, sid)

    def recorded_status(self, kind: str, name: str) -> str | None:
        with self._lock:
            resource = self.store.resource(kind, name)
            return resource.status if resource is not None else None

    def recorded_policy(self, kind: str, name: str) -> str | None:
        with self._lock:
            resource = self.store.resource(kind, name)
            return resource.policy_sid if resource is not None else None

    def body(self, kind: str, name: str) -> Mapping[str, Any] | None:
        with self._lock:
            return self.store.specs([name]).get(name)

    def forget(self, kind: str, name: str, role: str) -> None:
        with self._lock, self.store.transaction() as tx:
            tx.forget(kind, name, role)

    def applied(
        self,
        kind: str,
        name: str,
        *,
        body: Mapping[str, Any],
        spec_hash: str,
        status: str | None,
        policy_sid: str,
        action: str,
        account: str = PARENT_ACCOUNT,
    ) -> None:
        with self._lock, self.store.transaction() as tx:
            before = self.store.resource(kind, name)
            detail: dict[str, Any] = {"action": action}
            old_body = self.store.specs([name]).get(name) if before is not None else None
            if old_body is not None:
                reveal = self.reveal
                changes = field_changes(
                    old_body.get("attributes") or {},
                    body.get("attributes") or {},
                    self.key,
                    (lambda path: reveal(name, path)) if reveal is not None else None,
                )
                if changes:
                    detail[CHANGES] = changes
            tx.put_resource(
                kind,
                name,
                spec=dict(body),
                spec_hash=spec_hash,
                policy_sid=policy_sid,
                account=account,
            )
            if status is not None:
                tx.set_status(
                    kind,
                    name,
                    status,
                    reasons=before.rejection_reasons if before else (),
                    actor=self.actor,
                    detail=detail,
                    plan_checksum=self.checksum,
                    action=action,
                )

    def status(
        self,
        kind: str,
        name: str,
        status: str,
        *,
        action: str,
        reasons: tuple[str, ...] = (),
        evaluation: Mapping[str, Any] | None = None,
        valid_until: str | None = None,
    ) -> None:
        with self._lock, self.store.transaction() as tx:
            extra: dict[str, Any] = {}
            if evaluation is not None:
                extra["evaluation"] = dict(evaluation)
            if valid_until is not None:
                extra["valid_until"] = valid_until
            tx.set_status(
                kind,
                name,
                status,
                reasons=reasons,
                actor=self.actor,
                detail={"action": action},
                plan_checksum=self.checksum,
                action=action,
                **extra,
            )

    def evaluation(self, kind: str, name: str, evaluation: Mapping[str, Any]) -> None:
        with self._lock, self.store.transaction() as tx:
            tx.set_evaluation(
                kind, name, dict(evaluation), actor=self.actor, plan_checksum=self.checksum
            )

    def removed(self, kind: str, name: str, *, action: str) -> None:
        with self._lock, self.store.transaction() as tx:
            tx.delete_resource(
                kind, name, action=action, actor=self.actor, plan_checksum=self.checksum
            )

    def renamed(self, old: str, new: str) -> None:
        with self._lock:
            owned = [
                r for r in self.store.snapshot() if r.name == old or r.name.startswith(old + "/")
            ]
            if not owned:
                return  # recorded under the new name already: an earlier run got this far
            specs = self.store.specs([r.name for r in owned])
            with self.store.transaction() as tx:
                for r in owned:
                    name = new + r.name[len(old) :]
                    tx.rename_resource(
                        r.kind, r.name, name, actor=self.actor, plan_checksum=self.checksum
                    )
                    if r.name in specs:  # values naming the profile follow it
                        tx.put_resource(
                            r.kind,
                            name,
                            spec=renamed_in(specs[r.name], old, new),
                            spec_hash=r.spec_hash,
                        )


def plan_to_apply(
    session: Session,
    workspace: LoadedWorkspace,
    *,
    saved: SavedPlan | None,
    refresh: bool,
    resubmit: Iterable[str] = (),
    targets: Sequence[str] = (),
    close_accounts: Iterable[str] = (),
) -> Planned:
    """The plan an apply carries out; the caller holds the state lock. The target is opened
    first, so an apply that cannot reach it fails before anything else. A saved plan is
    checked against the state as recorded (a refresh would move the serial and make it
    stale); otherwise the state is refreshed first, unless `refresh` is False. `resubmit`
    (or the saved plan's own list) names rejected resources to resubmit unchanged. A saved
    partial plan is cut to the targets it was made with (`--target` must then name the
    same ones, or none)."""
    if saved is not None:
        targets = saved.targets(targets)
    target = session.target()
    if saved is None and refresh:
        result = session.refresh_locked(target)
        note_gone(session, result)
    names = saved.resubmit if saved is not None else tuple(resubmit)
    closing = saved.close_accounts if saved is not None else tuple(close_accounts)
    planned = make_plan(
        session.settings,
        session.store,
        workspace,
        resubmit=names,
        targets=targets,
        close_accounts=closing,
    )
    if saved is not None:
        saved.check(planned)
    return planned


def apply_plan(
    planned: Planned,
    store: StateStore,
    target: Target,
    *,
    workspace: str,
    actor: str,
    parallelism: int,
    progress: Callable[[Action, str], None],
    on_done: Callable[[Action, str | None], None],
    pacer: Pacer | None = None,
    skip_refused: bool = False,
    stop: threading.Event | None = None,
    reconcile: bool = False,
) -> Outcome:
    """Run the plan's actions. With `skip_refused`, the actions `held_back` holds back (the
    refused ones, the rest of their profiles, what depends on them) are not run: never sent
    to the target."""
    recorder = StoreRecorder(
        store,
        actor=actor,
        checksum=planned.plan.checksum(),
        key=planned.key,
        reveal=reveal_from(planned.desired),
    )
    declared = {
        sa.account_of(d.name): str(d.attributes.get("sid") or "") or None
        for d in planned.desired.values()
        if d.kind == SUBACCOUNT
    }
    subaccounts = Subaccounts(target.api, recorder.sids, declared)
    ctx = Context(
        api=target.api,
        recorder=recorder,
        workspace=workspace,
        key=planned.key,
        desired=planned.desired,
        provision_numbers=target.provision_numbers,
        progress=progress,
        pacer=pacer or Pacer(),
        reconcile=reconcile,
        subaccounts=subaccounts,
    )
    held = {h.action.id for h in held_back(planned.plan)} if skip_refused else set()
    actions = [a for a in planned.plan.actions if a.verb.changes_remote and a.id not in held]
    return execute(
        actions, lambda a: run_action(ctx, a), parallelism=parallelism, on_done=on_done, stop=stop
    )
