"""The store's reads and transactional writes, on both backends."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest

from tests.state.conftest import WORKSPACE
from tests.state.helpers import add_profile
from trusthub.errors import StateError
from trusthub.state import KEEP, StateStore, StateTransaction, open_store
from trusthub.state.migrations import LATEST


def test_fresh_state_is_migrated_with_a_new_lineage(store: StateStore, location: str) -> None:
    meta = store.meta()
    assert meta.serial == 0
    assert meta.schema_version == LATEST
    assert len(meta.lineage) == 36
    assert list(store.snapshot()) == []
    assert store.audit() == []
    with open_store(location, WORKSPACE) as again:
        assert again.meta().lineage == meta.lineage


def test_snapshot_leaves_specs_out_and_specs_returns_only_those_named(store: StateStore) -> None:
    add_profile(store, "acme", industry="retail")
    add_profile(store, "acme/cnam", status=None, display="ACME")
    add_profile(store, "globex")

    snap = store.snapshot()
    assert (snap.lineage, snap.serial) == (store.meta().lineage, 3)
    recorded = snap.by_name()
    assert sorted(recorded) == ["acme", "acme/cnam", "globex"]
    acme = recorded["acme"]
    assert (acme.kind, acme.status, acme.spec_hash) == ("profile", "draft", "hash-acme")
    assert acme.status_since is not None
    assert acme.status_since.endswith("Z")
    assert not hasattr(acme, "spec")
    assert recorded["acme/cnam"].kind == "trust_product"
    assert recorded["acme/cnam"].status is None

    assert store.specs(["acme/cnam", "acme", "missing"]) == {
        "acme": {"industry": "retail"},
        "acme/cnam": {"display": "ACME"},
    }
    assert store.specs([]) == {}


def test_specs_reads_more_names_than_one_query_holds(store: StateStore) -> None:
    with store.transaction() as tx:
        for i in range(1200):
            tx.put_resource("profile", f"p{i}", spec={"i": i}, spec_hash=str(i))
    got = store.specs(f"p{i}" for i in range(0, 1200, 2))
    assert len(got) == 600
    assert got["p1198"] == {"i": 1198}


def test_serial_moves_once_per_transaction_that_changes_something(store: StateStore) -> None:
    with store.transaction() as tx:
        assert tx.put_resource("profile", "acme", spec={"a": 1, "b": [1, 2]}, spec_hash="h1")
        tx.set_status("profile", "acme", "draft", action="create")
        tx.record_intent("profile", "acme", "bundle")
    assert store.meta().serial == 1

    with store.transaction() as tx:  # the same spec, keys in another order: no change
        assert not tx.put_resource("profile", "acme", spec={"b": [1, 2], "a": 1}, spec_hash="h1")
    with store.transaction() as tx:  # audit only: history is not state
        tx.append_audit("profile", "acme", "refresh")
    assert store.meta().serial == 1

    with store.transaction() as tx:
        assert tx.put_resource("profile", "acme", spec={"a": 2}, spec_hash="h2")
    assert store.meta().serial == 2
    assert store.specs(["acme"]) == {"acme": {"a": 2}}


def test_a_failed_transaction_leaves_nothing_behind(store: StateStore) -> None:
    add_profile(store, "acme")
    before = store.export()

    def interrupted() -> None:
        with store.transaction() as tx:
            tx.put_resource("profile", "globex", spec={}, spec_hash="g")
            tx.set_status("profile", "acme", "pending-review", action="submit")
            tx.record_intent("profile", "acme", "bundle")
            raise RuntimeError("boom")

    def refused_half_way() -> None:
        with store.transaction() as tx:
            tx.put_resource("profile", "initech", spec={}, spec_hash="i")
            tx.set_status("profile", "not-recorded", "draft")

    with pytest.raises(RuntimeError, match="boom"):
        interrupted()

    assert store.export() == before
    assert store.meta().serial == 1
    assert store.resource("profile", "acme").status == "draft"  # type: ignore[union-attr]
    # A failed write inside the transaction rolls back the writes before it too.
    with pytest.raises(StateError, match="not-recorded"):
        refused_half_way()
    assert store.resource("profile", "initech") is None
    assert store.export() == before


def test_set_status_records_the_transition(store: StateStore) -> None:
    add_profile(store, "acme")
    draft = store.resource("profile", "acme")
    assert draft is not None
    assert draft.status_since is not None
    with store.transaction() as tx:
        event = tx.set_status(
            "profile",
            "acme",
            "twilio-rejected",
            action="status",
            reasons=["EIN does not match", "address unverifiable"],
            evaluation={"status": "noncompliant", "results": [{"field": "ein"}]},
            valid_until=None,
            actor="twilio",
            detail={"source": "callback"},
            plan_checksum="sha256:abc",
        )
    assert (event.from_status, event.to_status, event.actor) == (
        "draft",
        "twilio-rejected",
        "twilio",
    )
    assert event.detail["reasons"] == ["EIN does not match", "address unverifiable"]
    assert event.detail["source"] == "callback"
    rejected = store.resource("profile", "acme")
    assert rejected is not None
    assert rejected.rejection_reasons == ("EIN does not match", "address unverifiable")
    assert rejected.evaluation == {"status": "noncompliant", "results": [{"field": "ein"}]}
    assert rejected.status_since is not None
    assert rejected.status_since >= draft.status_since

    with store.transaction() as tx:  # evaluation and valid_until are kept unless given
        tx.set_status("profile", "acme", "twilio-approved", valid_until="2027-11-25T00:00:00Z")
    approved = store.resource("profile", "acme")
    assert approved is not None
    assert approved.rejection_reasons == ()
    assert approved.evaluation == rejected.evaluation
    assert approved.valid_until == "2027-11-25T00:00:00Z"
    with store.transaction() as tx:
        tx.set_status("profile", "acme", "twilio-approved", evaluation=None, valid_until=KEEP)
    again = store.resource("profile", "acme")
    assert again is not None
    assert again.evaluation is None
    assert again.status_since == approved.status_since  # same status: no new "since"
    assert [e.to_status for e in store.audit("acme")] == [
        "draft",
        "twilio-rejected",
        "twilio-approved",
        "twilio-approved",
    ]


def test_set_evaluation_is_audited(store: StateStore) -> None:
    add_profile(store, "acme")
    with store.transaction() as tx:
        tx.set_evaluation("profile", "acme", {"status": "compliant", "results": []})
    assert store.resource("profile", "acme").evaluation == {  # type: ignore[union-attr]
        "status": "compliant",
        "results": [],
    }
    last = store.audit("acme")[-1]
    assert (last.action, last.from_status, last.to_status) == ("evaluate", "draft", "draft")
    assert last.detail == {"evaluation": {"status": "compliant", "results": []}}


def test_bad_writes_are_refused(store: StateStore) -> None:
    add_profile(store, "acme")
    refused: list[Callable[[StateTransaction], object]] = [
        lambda tx: tx.put_resource("profile", "acme/cnam", spec={}, spec_hash="x"),
        lambda tx: tx.put_resource("trust_product", "acme", spec={}, spec_hash="x"),
        lambda tx: tx.put_resource("bundle", "acme", spec={}, spec_hash="x"),
        lambda tx: tx.set_status("profile", "acme", "approved"),
        lambda tx: tx.set_status("profile", "globex", "draft"),
        lambda tx: tx.delete_resource("profile", "globex"),
        lambda tx: tx.forget("profile", "acme", "bundle"),
        lambda tx: tx.record_intent("profile", "acme", ""),
        lambda tx: tx.append_audit("profile", "acme", ""),
    ]
    for write in refused:
        with pytest.raises(StateError), store.transaction() as tx:
            write(tx)
    assert store.meta().serial == 1


def test_intent_then_confirm_or_forget(store: StateStore) -> None:
    add_profile(store, "acme")
    with store.transaction() as tx:
        tx.record_intent("profile", "acme", "bundle", {"friendly_name": "ACME Inc"})
        tx.record_intent("profile", "acme", "end_user:authorized_representative_1")
    intents = store.open_intents()
    assert [(o.role, o.state, o.sid) for o in intents] == [
        ("bundle", "intent", None),
        ("end_user:authorized_representative_1", "intent", None),
    ]
    assert store.sids("profile", "acme") == {}

    with store.transaction() as tx:
        tx.confirm("profile", "acme", "bundle", "BU0001")
        tx.forget("profile", "acme", "end_user:authorized_representative_1")
        tx.confirm("profile", "acme", "channel:+14155550100", "PN0001")  # found, no intent
    assert store.open_intents() == []
    assert store.sids("profile", "acme") == {"bundle": "BU0001", "channel:+14155550100": "PN0001"}
    objects = {o.role: o for o in store.remote_objects("profile", "acme")}
    assert objects["bundle"].detail == {"friendly_name": "ACME Inc"}  # the intent's detail
    assert objects["end_user:authorized_representative_1"].state == "deleted"

    serial = store.meta().serial
    with store.transaction() as tx:  # confirming what is recorded changes nothing
        tx.confirm("profile", "acme", "bundle", "BU0001")
    assert store.meta().serial == serial
    with pytest.raises(StateError, match="BU0001"), store.transaction() as tx:
        tx.record_intent("profile", "acme", "bundle")  # would lose a live SID
    with pytest.raises(StateError, match="BU0001"), store.transaction() as tx:
        tx.confirm("profile", "acme", "bundle", "BU0002")
    with store.transaction() as tx:  # an intent may be recorded again after a failed create
        tx.record_intent("profile", "acme", "supporting_document:address")
        tx.record_intent("profile", "acme", "supporting_document:address", {"try": 2})
    assert [o.detail for o in store.open_intents()] == [{"try": 2}]


def test_delete_resource_forgets_its_objects_and_is_audited(store: StateStore) -> None:
    add_profile(store, "acme")
    with store.transaction() as tx:
        tx.confirm("profile", "acme", "bundle", "BU0001")
        tx.record_intent("profile", "acme", "address")
    with store.transaction() as tx:
        event = tx.delete_resource("profile", "acme", plan_checksum="sha256:p")
    assert (event.action, event.from_status, event.to_status) == ("delete", "draft", None)
    assert store.resource("profile", "acme") is None
    assert store.specs(["acme"]) == {}
    assert store.sids("profile", "acme") == {}
    assert store.open_intents() == []
    assert {o.state for o in store.remote_objects("profile", "acme")} == {"deleted"}
    add_profile(store, "acme")  # the name can be used again
    assert store.resource("profile", "acme") is not None


def test_audit_is_ordered_and_queried_by_name(store: StateStore) -> None:
    for name in ["acme", "acme/cnam", "acme2", "acme_x", "globex", "acme/a2p_messaging"]:
        add_profile(store, name)
    with store.transaction() as tx:
        tx.append_audit("profile", "acme", "refresh", detail={"n": 1})
        tx.append_audit("trust_product", "acme/cnam", "submit", from_status="draft")

    every = store.audit()
    assert [e.id for e in every] == list(range(1, 9))
    assert all(a.time <= b.time for a, b in itertools.pairwise(every))
    assert [(e.name, e.action) for e in store.audit("acme")] == [
        ("acme", "create"),
        ("acme/cnam", "create"),
        ("acme/a2p_messaging", "create"),
        ("acme", "refresh"),
        ("acme/cnam", "submit"),
    ]
    assert [e.name for e in store.audit("acme/cnam")] == ["acme/cnam", "acme/cnam"]
    assert [e.id for e in store.audit(limit=3)] == [6, 7, 8]
    assert [e.id for e in store.audit("acme", limit=2)] == [7, 8]
    assert store.audit("acme")[3].detail == {"n": 1}
    assert store.audit("nobody") == []


def test_the_audit_log_cannot_be_edited(store: StateStore) -> None:
    add_profile(store, "acme")
    for sql in ["UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"]:
        with pytest.raises(StateError, match="append-only"), store.transaction():
            store.execute(sql)  # type: ignore[attr-defined]
    assert [e.actor for e in store.audit()] == [store.audit()[0].actor]


def test_a_transaction_is_only_usable_inside_its_block(store: StateStore) -> None:
    with store.transaction() as tx:
        pass
    with pytest.raises(RuntimeError):
        tx.put_resource("profile", "acme", spec={}, spec_hash="x")
    with pytest.raises(RuntimeError), store.transaction(), store.transaction():
        pass


def test_another_connection_sees_committed_writes_only(location: str, store: StateStore) -> None:
    with open_store(location, WORKSPACE) as other:
        with store.transaction() as tx:
            tx.put_resource("profile", "acme", spec={}, spec_hash="x")
            assert other.resource("profile", "acme") is None
        assert other.resource("profile", "acme") is not None
        assert other.meta().serial == 1


def test_threads_share_one_store(store: StateStore) -> None:
    add_profile(store, "acme")

    def work(n: int) -> None:
        for i in range(15):
            role = f"channel:{n}-{i}"
            with store.transaction() as tx:
                tx.record_intent("profile", "acme", role)
            with store.transaction() as tx:
                tx.confirm("profile", "acme", role, f"PN{n}x{i}")
            assert store.sids("profile", "acme")[role] == f"PN{n}x{i}"

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.sids("profile", "acme")) == 90
    assert store.meta().serial == 1 + 180


def test_unknown_location_scheme_is_refused() -> None:
    with pytest.raises(StateError, match=r"file path \(SQLite\).*postgresql://"):
        open_store("mysql://db/state", WORKSPACE)
