"""Properties of the plan over random recorded states and random edits."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plan.scenario import Recorded, edited, example_profiles, plan_for, recorded_from
from trusthub.model import lifecycle as lc
from trusthub.model.kinds import (
    A2P_BRAND,
    A2P_CAMPAIGN,
    KINDS,
    MESSAGING_SERVICE,
    PROFILE,
    SUBACCOUNT,
    TRUST_PRODUCT,
    subaccount,
)
from trusthub.model.kinds import a2p_brand as brand
from trusthub.model.kinds import tollfree_verification as tfv
from trusthub.model.kinds import trust_product as products
from trusthub.plan.model import Action, ActionId, Plan, Verb

BASE = example_profiles()
RESOURCES = sorted(
    [*BASE]
    + [
        f"{name}/{product}"
        for name, data in BASE.items()
        for product in data.get("trust_products", {})
    ]
    + [f"{name}/{part}" for name, data in BASE.items() for part, _ in tfv.verifications(data)]
)
STATUS = st.sampled_from([None, *lc.STATUSES])
TFV_STATUS = st.sampled_from([None, *tfv.STATUSES])

EDITS = st.sampled_from(
    [
        ("business", "website", "https://changed.example.com"),
        ("business", "industry", "Retail"),
        ("notifications", "email", "new@changed.example.com"),
        ("address", "city", "Springfield"),
        ("type", None, "individual"),
        ("role", None, "primary"),
        ("phone_numbers", None, ["+14155550177"]),
        ("submit", None, False),
        ("drop", None, None),
    ]
)


def _apply_edit(profiles: dict[str, dict[str, Any]], name: str, edit: tuple[Any, Any, Any]) -> None:
    field, sub, value = edit
    if field == "drop":
        profiles.pop(name, None)
        return
    data = profiles[name]
    if sub is None:
        data[field] = value
    elif field in data:
        data[field][sub] = value


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, dict[str, Any]], Recorded]:
    statuses: dict[str, str] = {}
    for name in RESOURCES:
        status = draw(TFV_STATUS if "/tollfree-" in name else STATUS)
        profile = name.split("/")[0]
        if status is not None and (profile == name or statuses.get(profile)):
            statuses[name] = status
    recorded = recorded_from(BASE, statuses)
    profiles = edited(BASE)
    for name in draw(st.lists(st.sampled_from(sorted(BASE)), max_size=4, unique=True)):
        _apply_edit(profiles, name, draw(EDITS))
    if "acme-isv" not in profiles:  # secondaries need their primary (validation enforces it)
        for name, data in profiles.items():
            data.pop("primary", None)
            data["role"] = "primary"
            data.setdefault("sid", "BU" + hashlib.sha256(name.encode()).hexdigest()[:32])
    return profiles, recorded


def _check_primaries(plan: Plan, profiles: dict[str, dict[str, Any]]) -> None:
    """A primary is made in the Twilio Console: the plan adopts it, assigns its numbers,
    shows its drift, and otherwise never writes it (a removed one is only forgotten)."""
    primaries = {n for n, d in [*BASE.items(), *profiles.items()] if d.get("role") == "primary"}
    allowed = {Verb.ADOPT, Verb.ASSIGN, Verb.DRIFT, Verb.WAITING, Verb.REFUSED}
    for action in plan.actions:
        if action.kind != PROFILE or action.resource not in primaries:
            continue
        if action.verb is Verb.DELETE:
            assert action.transitions[-1][1] == "(forgotten)", action
        else:
            assert action.verb in allowed, action
        if action.verb is Verb.ADOPT:
            assert action.transitions[0][1].startswith("adopted BU"), action


def _check_lifecycle(plan: Plan, recorded: Recorded) -> None:
    for action in plan.actions:
        if action.kind == A2P_BRAND:
            _check_brand(plan, recorded, action)
            continue
        if action.kind == SUBACCOUNT:
            _check_account(recorded, action)
            continue
        if action.kind in (MESSAGING_SERVICE, A2P_CAMPAIGN):
            _check_messaging(plan, recorded, action)
            continue
        rec = recorded.records.get(action.resource)
        status = rec.status if rec else None
        life = KINDS[action.kind].lifecycle
        replaced = any(str(a.id) == f"{action.resource}:delete" for a in plan.actions)
        if action.verb in (Verb.SUBMIT, Verb.RESUBMIT):
            for before, after in action.transitions:
                assert before in (life.draft, life.rejected), action
                assert after == life.submitted, action
            created_now = any(str(a.id) == f"{action.resource}:create" for a in plan.actions)
            assert created_now or life.can_submit(status) or status == life.rejected, action
        if action.verb is Verb.UPDATE:
            assert life.can_edit(status), action
        # Twilio deletes a trust product of some products once approved too (CNAM).
        product_deletes = action.kind == TRUST_PRODUCT and products.can_delete(
            products.product_of(action.resource), status
        )
        if action.verb is Verb.DELETE:
            assert (
                life.can_delete(status)
                or product_deletes
                or action.transitions[-1][1] == "(forgotten)"
            ), action
        if action.verb is Verb.CREATE:
            assert status is None or replaced, action
        # The sole-proprietor chain waits for no approval (its trust product follows the
        # starter profile's submission, reference C); every other kind waits for it: its
        # profile is approved, or is a Console primary adopted in this plan (apply checks
        # the adopted status before it creates anything on it).
        starter = any(
            p.name == action.profile and p.type == "individual" and p.role == "secondary"
            for p in plan.profiles
        )
        if action.verb is Verb.CREATE and action.kind != PROFILE and not starter:
            owner = recorded.records.get(action.profile)
            adopting = ActionId(action.profile, Verb.ADOPT) in {a.id for a in plan.actions}
            assert adopting or (owner is not None and owner.status == lc.APPROVED), action
        if action.verb is Verb.ADOPT:
            assert status is None, action
            continue
        for dep in action.depends_on:
            assert any(a.id == dep for a in plan.actions), (action, dep)
        assert set(action.transitions) <= {
            (life.draft, life.submitted),
            (life.rejected, life.submitted),
            ("(none)", life.draft),
            *((s, "(deleted)") for s in ("(none)", *life.deletable)),
            *((s, "(forgotten)") for s in ("(none)", *life.statuses)),
            *(((status, "(deleted)"),) if product_deletes else ()),
        }, action


def _check_account(recorded: Recorded, action: Action) -> None:
    """A subaccount trusthub.yaml declares (the example's northwind) is created once, when
    the state has none, and never submitted, edited or closed by a plan."""
    assert action.verb in (Verb.CREATE, Verb.WAITING), action
    if action.verb is Verb.CREATE:
        assert action.resource not in recorded.records, action
        assert action.transitions == (("(none)", subaccount.ACTIVE),), action


def _check_messaging(plan: Plan, recorded: Recorded, action: Action) -> None:
    """A Messaging Service follows its profile's creation, never a review; a campaign is
    created only on an APPROVED brand, and pays the vetting fee."""
    rec = recorded.records.get(action.resource)
    status = rec.status if rec else None
    ids = {a.id for a in plan.actions}
    if action.kind == MESSAGING_SERVICE:
        assert action.verb not in (Verb.SUBMIT, Verb.RESUBMIT), action
        if action.verb is Verb.CREATE:
            profile = recorded.records.get(action.profile)
            # It follows its profile's creation when this plan creates the profile (a
            # Console primary is adopted, never created; a profile that waits on its
            # primary has no create to follow, and a Messaging Service needs none).
            created = ActionId(action.profile, Verb.CREATE)
            assert profile is not None or created not in ids or created in action.depends_on, action
        return
    if action.verb is Verb.CREATE:
        b = recorded.records.get(f"{action.profile}/a2p-brand")
        assert b is not None, action
        assert b.status == brand.APPROVED, action
        assert action.fees == ("campaign vetting",), action
        assert status is None or ActionId(action.resource, Verb.DELETE) in ids, action
    if action.verb is Verb.UPDATE:
        assert status == "FAILED", action


def _check_brand(plan: Plan, recorded: Recorded, action: Action) -> None:
    """A brand follows its own lifecycle: created once its profile and trust product are
    submitted (or are submitted in this plan), never deleted, resubmitted only FAILED."""
    rec = recorded.records.get(action.resource)
    status = rec.status if rec else None
    ids = {a.id for a in plan.actions}
    assert action.verb is not Verb.DELETE, action
    if action.verb is Verb.CREATE:
        assert status is None, action
        assert action.fees, action
        for upstream in (action.profile, f"{action.profile}/a2p_messaging"):
            up = recorded.records.get(upstream)
            submitted = up is not None and up.status in lc.UNDER_REVIEW | {lc.APPROVED}
            sends = {ActionId(upstream, Verb.SUBMIT), ActionId(upstream, Verb.RESUBMIT)}
            assert submitted or sends & set(action.depends_on), action
        assert action.transitions == (("(none)", brand.PENDING),), action
    if action.verb is Verb.RESUBMIT:
        assert status == brand.FAILED, action
        assert action.transitions == ((brand.FAILED, brand.PENDING),), action
    for dep in action.depends_on:
        assert dep in ids, (action, dep)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_plan_never_proposes_a_forbidden_transition(case: tuple[dict[str, Any], Recorded]) -> None:
    profiles, recorded = case
    plan, _ = plan_for(profiles, recorded)
    _check_lifecycle(plan, recorded)
    _check_primaries(plan, profiles)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_plan_is_deterministic(case: tuple[dict[str, Any], Recorded]) -> None:
    profiles, recorded = case
    first, _ = plan_for(profiles, recorded)
    second, _ = plan_for(dict(reversed(list(profiles.items()))), recorded)
    assert first == second
    assert first.checksum() == second.checksum()


@settings(max_examples=60, deadline=None)
@given(cases())
def test_dependencies_come_before_their_dependents(case: tuple[dict[str, Any], Recorded]) -> None:
    profiles, recorded = case
    plan, _ = plan_for(profiles, recorded)
    seen: set[ActionId] = set()
    for action in plan.actions:
        assert set(action.depends_on) <= seen, action
        seen.add(action.id)
