"""A kind registered by a test module is planned, applied against its own (fake) provider
and refreshed by the engine, apply and refresh as they are: adding a kind touches none of
them. Also the registries' consistency and the engine's refusal of unknown dependencies."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.kinds.memo import MEMO, FakeMemoService, memo_kind_registered
from tests.plan.scenario import example_profiles
from trusthub.app.applying import StoreRecorder
from trusthub.app.planning import plan_against_state
from trusthub.app.refreshing import refresh_state
from trusthub.apply.converge import Context, run_action
from trusthub.apply.executor import execute
from trusthub.apply.kinds import APPLIERS
from trusthub.model.desired import PARENT_ACCOUNT, DesiredResource
from trusthub.model.kinds import KINDS, PROFILE, desired_resources
from trusthub.model.privacy import fingerprint_key
from trusthub.plan.engine import (
    PlanOptions,
    UnknownDependencyError,
    compute_plan,
)
from trusthub.plan.kinds import PLANNERS, KindPlanner, PlanView
from trusthub.plan.model import ActionId, Plan, Verb
from trusthub.state import open_store
from trusthub.state.base import StateStore

OPTIONS = PlanOptions(now="2026-12-01T12:00:00Z")


def test_every_kind_has_a_planner_and_an_applier() -> None:
    assert set(KINDS.names()) == set(PLANNERS) == set(APPLIERS)
    for name in KINDS.names():
        assert PLANNERS[name].kind.name == name
        assert APPLIERS[name].kind.name == name


def test_the_sandbox_answers_every_path_a_kind_works_on() -> None:
    from trusthub.sandbox.resources import all_routes

    served = {path for path, _ in all_routes()}
    for kind in KINDS:  # the built-in kinds (the memo kind is registered only in its test)
        assert kind.remote_paths, kind.name
        assert set(kind.remote_paths) <= served, (kind.name, set(kind.remote_paths) - served)


def _desired() -> dict[str, DesiredResource]:
    """The example's resources in the parent account: `_apply` runs without an API, so
    without a subaccount's credentials (northwind-outfitters lives in one)."""
    profiles = example_profiles()
    return {
        name: d
        for name, d in desired_resources(
            (name, data, f"profiles/{name}.yaml") for name, data in sorted(profiles.items())
        ).items()
        if d.account == PARENT_ACCOUNT
    }


def _record_profiles_approved(store: StateStore, desired: dict[str, DesiredResource]) -> None:
    key = fingerprint_key(store.snapshot().lineage)
    with store.transaction() as tx:
        for name, d in desired.items():
            if d.kind != PROFILE:
                continue
            tx.put_resource(d.kind, name, spec=d.sealed(key).to_data(), spec_hash=d.spec_hash(key))
            tx.set_status(d.kind, name, "twilio-approved")


def _plan(store: StateStore, desired: dict[str, DesiredResource]) -> Plan:
    return plan_against_state(store, desired, options=OPTIONS)[0]


def _apply(store: StateStore, desired: dict[str, DesiredResource], plan: Plan) -> list[str]:
    key = fingerprint_key(store.snapshot().lineage)
    ctx = Context(
        api=None,  # type: ignore[arg-type]  # the memo kind has a provider of its own
        recorder=StoreRecorder(store, actor="test", checksum=plan.checksum()),
        workspace="ws",
        key=key,
        desired=desired,
        provision_numbers=False,
    )
    # Only the memos: the trust products would need Trust Hub (the sandbox) behind `api`.
    actions = [a for a in plan.actions if a.verb.changes_remote and a.kind == MEMO]
    outcome = execute(actions, lambda a: run_action(ctx, a), parallelism=2)
    assert outcome.ok, (outcome.failed, outcome.skipped)
    return outcome.done


@pytest.fixture
def service() -> Any:
    service = FakeMemoService()
    with memo_kind_registered(service):
        yield service


def test_a_kind_registered_in_a_test_is_planned_applied_and_refreshed(
    tmp_path: Path, service: FakeMemoService
) -> None:
    desired = _desired()
    memos = sorted(n for n, d in desired.items() if d.kind == MEMO)
    assert memos == [  # one per secondary of the example in the parent account
        "brightframe-photo/memo",
        "brightsmile-dental/memo",
        "greenfield-growers-coop/memo",
        "harbor-yoga-studio/memo",
        "maple-leaf-freight/memo",
        "thames-tea-partners/memo",
    ]
    with open_store(str(tmp_path / "state.db"), "ws") as store:
        _record_profiles_approved(store, desired)
        plan = _plan(store, desired)
        memo_actions = {str(a.id): a for a in plan.actions if a.kind == MEMO}
        for memo in memos:
            create, submit = memo_actions[f"{memo}:create"], memo_actions[f"{memo}:submit"]
            assert create.transitions == (("(none)", "DRAFT"),)
            # The kind's own lifecycle speaks in the plan.
            assert submit.transitions == (("DRAFT", "FILED"),)
            assert submit.expected == ("FILED -> ACCEPTED | RETURNED",)
            assert ActionId(memo, Verb.CREATE) in submit.depends_on

        done = _apply(store, desired, plan)
        assert sorted(done) == sorted(memo_actions)
        assert len(service.memos) == len(memos)
        assert {store.resource(MEMO, m).status for m in memos} == {"FILED"}  # type: ignore[union-attr]

        # The provider decides; refresh records it through the kind, with an audit entry.
        for filed in service.memos.values():
            filed.status = "ACCEPTED"
        result = refresh_state(store, SimpleNamespace(api=None), actor="test")  # type: ignore[arg-type]
        assert sorted(name for name, _old, _new in result.changed) == memos
        assert {store.resource(MEMO, m).status for m in memos} == {"ACCEPTED"}  # type: ignore[union-attr]

        again = _plan(store, desired)
        assert [a for a in again.actions if a.kind == MEMO] == []

        # An immutable field of the kind is refused with the way out; an edit of an
        # accepted memo is refused by its lifecycle.
        edited = dict(desired)
        first = desired[memos[0]]
        edited[memos[0]] = DesiredResource(
            MEMO, first.name, first.profile, {**first.attributes, "topic": "other"}, (), True
        )
        edited[memos[1]] = DesiredResource(
            MEMO,
            desired[memos[1]].name,
            desired[memos[1]].profile,
            {**desired[memos[1]].attributes, "text": "changed"},
            (),
            True,
        )
        refused = {str(a.id): a.reason for a in _plan(store, edited).refused}
        assert "topic cannot change" in refused[f"{memos[0]}:refused"]
        assert "is ACCEPTED" in refused[f"{memos[1]}:refused"]

        # Leaving the workspace deletes it (ACCEPTED memos are deletable in this kind).
        gone = {n: d for n, d in desired.items() if n != memos[2]}
        plan = _plan(store, gone)
        assert [str(a.id) for a in plan.actions if a.kind == MEMO] == [f"{memos[2]}:delete"]
        _apply(store, gone, plan)
        assert store.resource(MEMO, memos[2]) is None
        assert len(service.memos) == len(memos) - 1


class _TypoPlanner(KindPlanner):
    kind = KINDS[PROFILE]

    def create_after(self, d: DesiredResource, view: PlanView) -> list[ActionId]:
        return [ActionId("acme-isvv", Verb.CREATE)]  # a typo of "acme-isv"


def test_a_dependency_on_an_unknown_resource_is_an_error_not_a_lost_edge() -> None:
    planners = {**PLANNERS, PROFILE: _TypoPlanner()}
    with pytest.raises(UnknownDependencyError, match="acme-isvv"):
        compute_plan(
            _desired(),
            {},
            {},
            key=b"k" * 32,
            lineage="l",
            serial=0,
            options=OPTIONS,
            planners=planners,
        )
