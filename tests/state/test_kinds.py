"""The state holds resources of any kind registered in `trusthub.model.kinds.KINDS`, in the
statuses of that kind's own lifecycle: here a kind registered for the test only, shaped as
an A2P brand registration is (statuses that are not Trust Hub's), on both backends."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.state.conftest import WORKSPACE
from tests.state.helpers import add_profile
from tests.state.kinds import BRAND, BRAND_LIFECYCLE, BRAND_STATUSES
from trusthub.errors import StateError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, ResourceKind
from trusthub.state import StateStore, open_store
from trusthub.state.exchange import content_hash
from trusthub.state.model import KIND_NAMES, check_resource


def _record_brand(store: StateStore, kind: str) -> None:
    add_profile(store, "acme")
    with store.transaction() as tx:
        tx.put_resource(kind, BRAND, spec={"brand_type": "STANDARD"}, spec_hash="h1")
        tx.record_intent(kind, BRAND, "brand_registration", {"customer_profile": "acme"})
        tx.confirm(kind, BRAND, "brand_registration", "BN0001")
        tx.set_status(kind, BRAND, "PENDING", action="create")
    with store.transaction() as tx:
        tx.set_status(kind, BRAND, "IN_REVIEW", action="submit", plan_checksum="sha256:p")
    with store.transaction() as tx:
        tx.set_status(kind, BRAND, "FAILED", action="refresh", reasons=["TAX_ID mismatch"])


def test_the_names_the_state_knows_follow_the_registry(brand: str) -> None:
    assert list(KIND_NAMES) == [
        "subaccount",
        "profile",
        "trust_product",
        "a2p_brand",
        "a2p_brand_vetting",
        "tollfree_verification",
        "messaging_service",
        "a2p_campaign",
        brand,
    ]
    assert brand in KIND_NAMES
    assert check_resource(brand, BRAND) == brand
    with pytest.raises(StateError, match=r"'acme/cnam' is not a valid test_brand_registration"):
        check_resource(brand, "acme/cnam")
    KINDS.unregister(brand)
    assert list(KIND_NAMES) == [
        "subaccount",
        "profile",
        "trust_product",
        "a2p_brand",
        "a2p_brand_vetting",
        "tollfree_verification",
        "messaging_service",
        "a2p_campaign",
    ]
    with pytest.raises(StateError) as refused:
        check_resource(brand, BRAND)
    assert refused.value.message == (
        "unknown resource kind 'test_brand_registration'; expected one of subaccount, profile, "
        "trust_product, a2p_brand, a2p_brand_vetting, tollfree_verification, messaging_service, "
        "a2p_campaign"
    )


def test_a_registered_kind_is_recorded_with_its_own_statuses(store: StateStore, brand: str) -> None:
    _record_brand(store, brand)

    recorded = store.resource(brand, BRAND)
    assert recorded is not None
    assert (recorded.kind, recorded.status, recorded.rejection_reasons) == (
        brand,
        "FAILED",
        ("TAX_ID mismatch",),
    )
    assert store.resource("trust_product", BRAND) is None  # looked up by kind too
    assert store.specs([BRAND]) == {BRAND: {"brand_type": "STANDARD"}}
    assert store.sids(brand, BRAND) == {"brand_registration": "BN0001"}
    assert [o.kind for o in store.remote_objects(brand, BRAND)] == [brand]

    snap = store.snapshot()
    assert {r.name: (r.kind, r.status) for r in snap} == {
        "acme": ("profile", "draft"),
        BRAND: (brand, "FAILED"),
    }
    events = store.audit(BRAND)
    assert [(e.kind, e.action, e.from_status, e.to_status) for e in events] == [
        (brand, "create", None, "PENDING"),
        (brand, "submit", "PENDING", "IN_REVIEW"),
        (brand, "refresh", "IN_REVIEW", "FAILED"),
    ]
    assert events[1].plan_checksum == "sha256:p"
    assert events[2].detail == {"reasons": ["TAX_ID mismatch"]}
    assert [e.name for e in store.audit("acme")] == ["acme", BRAND, BRAND, BRAND]

    with store.transaction() as tx:
        tx.delete_resource(brand, BRAND)
    assert store.resource(brand, BRAND) is None
    assert store.sids(brand, BRAND) == {}
    assert store.audit(BRAND)[-1].action == "delete"


def test_a_status_outside_the_kinds_lifecycle_is_refused(store: StateStore, brand: str) -> None:
    _record_brand(store, brand)
    before = store.export()
    refused = [
        (brand, BRAND, "twilio-approved"),  # Trust Hub's, not the brand's
        (brand, BRAND, "approved"),
        ("profile", "acme", "APPROVED"),  # the brand's, not Trust Hub's
    ]
    for kind, name, status in refused:
        with pytest.raises(StateError) as error, store.transaction() as tx:
            tx.set_status(kind, name, status)
        statuses = KINDS[kind].lifecycle.statuses
        assert error.value.message == (
            f"unknown status {status!r} for a resource of kind {kind!r}; "
            f"a {kind}'s statuses are {', '.join(statuses)}"
        )
    after = store.export()
    assert after["content_hash"] == before["content_hash"]  # nothing was written


def test_a_name_recorded_for_one_kind_is_not_another_kinds(store: StateStore, brand: str) -> None:
    class Overlapping(ResourceKind):
        """The default name shape, `<profile>/<part>`: a trust product's."""

        name = "test_overlapping"
        lifecycle = BRAND_LIFECYCLE

        def resources(
            self, profile: str, data: Mapping[str, Any], path: str
        ) -> Iterable[DesiredResource]:
            return ()

    KINDS.register(Overlapping())
    try:
        add_profile(store, "acme/cnam")
        with store.transaction() as tx:
            tx.confirm("trust_product", "acme/cnam", "bundle", "BU0001")
        before = store.export()
        writes: list[Callable[[Any], object]] = [
            lambda tx: tx.put_resource("test_overlapping", "acme/cnam", spec={}, spec_hash="x"),
            lambda tx: tx.record_intent("test_overlapping", "acme/cnam", "bundle"),
            lambda tx: tx.confirm("test_overlapping", "acme/cnam", "bundle", "BU0001"),
            lambda tx: tx.forget("test_overlapping", "acme/cnam", "bundle"),
        ]
        for write in writes:
            with pytest.raises(StateError) as refused, store.transaction() as tx:
                write(tx)
            assert refused.value.message == (
                "'acme/cnam' is recorded as a trust_product, not a test_overlapping"
            )
        with pytest.raises(StateError, match="not recorded"), store.transaction() as tx:
            tx.set_status("test_overlapping", "acme/cnam", "PENDING")
        assert store.export()["content_hash"] == before["content_hash"]
    finally:
        KINDS.unregister("test_overlapping")


def test_export_import_backup_and_restore_keep_the_kind(
    store: StateStore, brand: str, new_location: Callable[[], str], tmp_path: Path
) -> None:
    _record_brand(store, brand)
    data = store.export()
    assert {r["kind"] for r in data["resources"]} == {"profile", brand}
    assert {e["to_status"] for e in data["audit"] if e["kind"] == brand} == set(BRAND_STATUSES) - {
        "APPROVED"
    }

    with open_store(new_location(), WORKSPACE) as copy:
        copy.import_(data)
        assert copy.export()["content_hash"] == data["content_hash"]
        with copy.transaction() as tx:  # and the copy carries on in the kind's lifecycle
            tx.set_status(brand, BRAND, "APPROVED", action="refresh")
        assert copy.resource(brand, BRAND).status == "APPROVED"  # type: ignore[union-attr]

    backup = tmp_path / "backups" / "state.backup"
    store.backup(backup)
    with store.transaction() as tx:
        tx.set_status(brand, BRAND, "PENDING", action="update")
        tx.put_resource(brand, BRAND, spec={"brand_type": "SOLE_PROPRIETOR"}, spec_hash="h2")
    later = store.export()
    store.restore(backup)
    now = store.export()
    assert now["resources"] == data["resources"]
    assert now["remote_objects"] == data["remote_objects"]
    assert now["audit"] == later["audit"]  # the history since the backup stays

    with open_store(new_location(), "elsewhere") as fresh:  # a backup restored elsewhere
        fresh.restore(backup)
        assert fresh.export()["resources"] == data["resources"]


def test_rows_of_a_kind_no_longer_registered(
    store: StateStore, brand: str, new_location: Callable[[], str], tmp_path: Path
) -> None:
    """Reads still show them; loading them whole (import, restore) is refused, as a write
    of that kind is, since nothing could then check them."""
    _record_brand(store, brand)
    data = store.export()
    backup = tmp_path / "state.backup"
    store.backup(backup)
    KINDS.unregister(brand)

    assert {r.kind for r in store.snapshot()} == {"profile", brand}
    assert [e.kind for e in store.audit(BRAND)] == [brand] * 3
    with pytest.raises(StateError, match="unknown resource kind"), store.transaction() as tx:
        tx.set_status(brand, BRAND, "APPROVED")

    with open_store(new_location(), WORKSPACE) as copy:
        with pytest.raises(StateError) as refused:
            copy.import_(data)
        assert refused.value.message.startswith(
            "the imported state: resources[1]: unknown resource kind 'test_brand_registration'"
        )
        with pytest.raises(StateError, match=r"^backup .*: resources\[1\]: unknown resource kind"):
            copy.restore(backup)
        assert copy.export()["resources"] == []  # nothing was loaded


def test_an_import_is_checked_as_writes_are(
    store: StateStore, brand: str, new_location: Callable[[], str]
) -> None:
    _record_brand(store, brand)
    data = store.export()
    brand_row = next(r for r in data["resources"] if r["kind"] == brand)
    brand_row["status"] = "twilio-approved"
    data["content_hash"] = content_hash(data)  # a well-formed export, with a bad status
    with open_store(new_location(), WORKSPACE) as copy:
        with pytest.raises(StateError) as refused:
            copy.import_(data)
        assert refused.value.message == (
            "the imported state: resources[1]: unknown status 'twilio-approved' for a "
            "resource of kind 'test_brand_registration'; a test_brand_registration's "
            f"statuses are {', '.join(BRAND_STATUSES)}"
        )
        assert copy.export()["resources"] == []


def test_state_show_counts_the_registered_kinds(brand: str, tmp_path: Path) -> None:
    from tests.support.cli import run_cli

    root = tmp_path / "compliance"
    (root / "profiles").mkdir(parents=True)
    with open_store(str(root / ".trusthub" / "state.db"), root.name) as store:
        _record_brand(store, brand)
    shown = run_cli("state", "show", "--format", "json", workspace=root, code=0)
    counts = json.loads(shown.output)["resources"]
    assert counts["total"] == 2
    assert counts["by_kind"] == {
        "subaccount": 0,
        "profile": 1,
        "trust_product": 0,
        "a2p_brand": 0,
        "a2p_brand_vetting": 0,
        "tollfree_verification": 0,
        "messaging_service": 0,
        "a2p_campaign": 0,
        brand: 1,
    }
