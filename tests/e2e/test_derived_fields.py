"""Every field trusthub derives into a Trust Hub object is updated when it changes and
cleared when it is removed: apply, edit a draft profile's YAML, apply again, then read the
sandbox through the stock SDK and compare with the YAML."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from tests.support.conformance import CheckingHttpClient, Conformance
from tests.support.console import console_primaries
from tests.support.example import copy_example
from trusthub.app.applying import apply_plan
from trusthub.app.loading import load_workspace
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.target import open_target
from trusthub.apply import objects
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model import lifecycle as lc
from trusthub.model import sole_proprietor as sole
from trusthub.model.kinds import desired_resources
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
DRAFT = "maple-leaf-freight"  # a secondary, kept a draft (submit: false)
PERSON = "jordan-rivera"  # an individual's primary profile, made in the Twilio Console


class World:
    def __init__(self, tmp_path: Path) -> None:
        copy_example(tmp_path)
        base = load_settings(tmp_path, environ={})
        self.settings: Settings = replace(base, sandbox=replace(base.sandbox, review_delay=1e6))
        console_primaries(self.settings)
        self.target = open_target(self.settings)
        self.checker = CheckingHttpClient(self.target.retrying.inner, Conformance(), strict=False)
        self.target.retrying.inner = self.checker
        self.client = self.checker.sandbox.client()  # the stock SDK on the same sandbox
        self.profiles = tmp_path / "profiles"
        self.edit(DRAFT, lambda d: d.update(submit=False))

    def cycle(self) -> None:
        workspace = load_valid(self.settings)
        with open_store(self.settings.state, self.settings.name) as store:
            refresh_state(store, self.target, actor="test")
            planned = make_plan(self.settings, store, workspace)
            assert not planned.plan.refused, planned.plan.summary()
            outcome = apply_plan(
                planned, store, self.target, workspace=self.settings.name, actor="test",
                parallelism=2, progress=lambda a, m: None, on_done=lambda a, e: None,
            )  # fmt: skip
            assert outcome.ok, outcome.failed
            after = make_plan(self.settings, store, load_valid(self.settings)).plan
            assert not after.has_changes, after.summary()

    def edit(self, name: str, change: Any) -> None:
        path = self.profiles / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def sids(self, name: str) -> dict[str, str]:
        with open_store(self.settings.state, self.settings.name) as store:
            return dict(store.sids("profile", name))

    def matches_yaml(self, name: str) -> None:
        """The profile's address and bundle, read through the SDK, are what its YAML says."""
        doc = load_workspace(self.settings).profiles[name]
        desired = desired_resources([(name, doc.data, str(doc.path))])[name]
        sids = self.sids(name)
        address = self.client.addresses(sids[objects.ADDRESS]).fetch()
        wanted = objects.profile_address(desired.attributes).params
        assert address.customer_name == wanted["customer_name"]
        assert address.street == wanted["street"]
        assert address.street_secondary == wanted.get("street_secondary")
        bundle = self.client.trusthub.v1.customer_profiles(sids[objects.BUNDLE]).fetch()
        spec = objects.profile_bundle(desired.attributes)
        assert bundle.status == lc.DRAFT
        assert bundle.friendly_name == spec.friendly_name
        assert bundle.email == spec.email
        assert bundle.status_callback == spec.status_callback
        assert self.checker.drifts == []


def _legal_name(data: dict[str, Any]) -> None:
    data["business"]["legal_name"] = "Maple Leaf Logistics Ltd."


def test_a_legal_name_edit_updates_the_address_customer_name(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.cycle()
    world.edit(DRAFT, _legal_name)
    world.cycle()
    world.matches_yaml(DRAFT)
    assert world.client.addresses(world.sids(DRAFT)["address"]).fetch().customer_name == (
        "Maple Leaf Logistics Ltd."
    )


def test_an_individual_primary_name_edit_is_drift_and_changes_nothing(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.cycle()
    bundle = world.sids(PERSON)["bundle"]
    names = {a.sid: a.customer_name for a in world.client.addresses.list()}
    world.edit(PERSON, lambda d: d["individual"].update(last_name="Rivera-Okafor"))
    workspace = load_valid(world.settings)
    with open_store(world.settings.state, world.settings.name) as store:
        planned = make_plan(world.settings, store, workspace)
        outcome = apply_plan(
            planned, store, world.target, workspace=world.settings.name, actor="test",
            parallelism=2, progress=lambda a, m: None, on_done=lambda a, e: None,
        )  # fmt: skip
    (drift,) = [a for a in planned.plan.actions if a.resource == PERSON]
    assert drift.verb.value == "drift"
    assert [c.dotted for c in drift.changes] == ["individual.last_name"]
    assert outcome.done == []  # nothing to send: the Console owns it
    assert {a.sid: a.customer_name for a in world.client.addresses.list()} == names
    assert world.client.trusthub.v1.customer_profiles(bundle).fetch().status == lc.APPROVED


def test_a_removed_status_callback_is_cleared_on_the_bundle(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.edit(
        DRAFT, lambda d: d["notifications"].update(status_callback="https://h.example.com/t")
    )
    world.cycle()
    bundle = world.sids(DRAFT)["bundle"]
    assert world.client.trusthub.v1.customer_profiles(bundle).fetch().status_callback
    world.edit(DRAFT, lambda d: d["notifications"].pop("status_callback"))
    world.cycle()
    world.matches_yaml(DRAFT)
    assert world.client.trusthub.v1.customer_profiles(bundle).fetch().status_callback is None


def test_a_removed_street2_and_friendly_name_are_cleared(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.edit(DRAFT, lambda d: d["address"].update(street2="Suite 1200"))
    world.edit(DRAFT, lambda d: d.update(friendly_name="Maple brand"))
    world.cycle()
    world.matches_yaml(DRAFT)
    world.edit(DRAFT, lambda d: (d["address"].pop("street2"), d.pop("friendly_name")))
    world.cycle()
    world.matches_yaml(DRAFT)
    address = world.client.addresses(world.sids(DRAFT)["address"]).fetch()
    assert address.street_secondary is None
    bundle = world.client.trusthub.v1.customer_profiles(world.sids(DRAFT)["bundle"]).fetch()
    assert bundle.friendly_name == "Maple Leaf Freight Corporation"


def test_an_edited_email_reaches_the_bundle(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.cycle()
    world.edit(DRAFT, lambda d: d["notifications"].update(email="ops@mapleleaf-freight.example.ca"))
    world.cycle()
    world.matches_yaml(DRAFT)


def test_each_trust_product_end_user_lists_every_product_key_it_reads() -> None:
    """Removing an optional key (voice_integrity `notes`) changes the end user too."""
    schema = json.loads((REPO / "trusthub/schemas/profile.schema.json").read_text("utf-8"))
    products = schema["properties"]["trust_products"]["properties"]
    # Not end-user attributes (the brand and the campaigns are kinds of their own).
    not_read = {"numbers", "brand", "campaigns"}
    # A sole proprietor's keys: read by the sole-proprietor trust product's end user.
    not_read |= {"mobile_phone", "vertical"}
    assert {"mobile_phone", "vertical"} <= set(sole.PRODUCT_END_USER_SOURCES)
    for product, sources in objects.PRODUCT_END_USER_SOURCES.items():
        keys = set(products[product]["properties"]) - not_read
        assert set(sources) == keys, product
