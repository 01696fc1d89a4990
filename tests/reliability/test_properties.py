"""Properties of the whole loop against the sandbox, for random workspaces (subsets of the
example profiles) and random sequences of edits, removals, reviews (approve and reject
through the Sandbox API), refreshes and applies:

* an apply never fails, and the plan right after it has nothing to do (only waiting);
* the sandbox then holds exactly the workspace, as the state says (`check_world`);
* no forbidden request is ever sent: no status other than pending-review is requested,
  a submission is only ever sent for a draft or rejected bundle, and no request is
  answered 70002 (an edit of a bundle under review or approved) or fails at all;
* an edit the lifecycle forbids is refused by the plan, and only then.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.reliability.checks import check_world
from tests.reliability.conftest import write_settings
from tests.reliability.traffic import GuardedHttpClient, sandbox_of
from tests.support.console import console_primaries
from tests.support.example import accounts_block, example_documents
from trusthub.app.applying import apply_plan
from trusthub.app.loading import load_workspace
from trusthub.app.planning import Planned, load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.session import Session
from trusthub.apply.objects import BUNDLE
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.model import lifecycle as lc
from trusthub.model.kinds import PROFILE, TRUST_PRODUCT
from trusthub.plan.model import Verb

EXAMPLES = example_documents()  # written out whole: the generated workspaces have no defaults
PRIMARY = "acme-isv"
OPTIONAL = sorted(n for n in EXAMPLES if n != PRIMARY)
SPARE_NUMBERS = [f"+1415555016{i}" for i in range(10)]


class _QuotingDumper(yaml.SafeDumper):
    """Every string quoted: "081466849" stays a string for a YAML 1.2 reader too."""


_QuotingDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
)

Edit = Callable[[dict[str, Any], int], bool]  # changes a profile in place; False: n/a


def _email(data: dict[str, Any], n: int) -> bool:
    domain = data["notifications"]["email"].split("@", 1)[1]
    data["notifications"]["email"] = f"ops{n}@{domain}"
    return True


def _street(data: dict[str, Any], n: int) -> bool:
    data["address"]["street"] = f"{100 + n} Main Street"
    return True


def _friendly_name(data: dict[str, Any], n: int) -> bool:
    data["friendly_name"] = f"{data['name']} brand {n}"
    return True


def _title(data: dict[str, Any], n: int) -> bool:
    reps = data.get("authorized_representatives")
    if not reps:
        return False
    reps[0]["business_title"] = ("Owner", "Office Manager", "Head of Compliance")[n % 3]
    return True


def _add_number(data: dict[str, Any], n: int) -> bool:
    if data["address"]["country"] != "US":
        return False
    number = SPARE_NUMBERS[n % len(SPARE_NUMBERS)]
    numbers = data.setdefault("phone_numbers", [])
    if number in numbers:
        return False
    numbers.append(number)
    return True


def _drop_number(data: dict[str, Any], n: int) -> bool:
    numbers = data.get("phone_numbers", [])
    if len(numbers) < 2:
        return False
    numbers.pop(n % len(numbers))
    return True


def _cnam(data: dict[str, Any], n: int) -> bool:
    cnam = data.get("trust_products", {}).get("cnam")
    if cnam is None:
        return False
    cnam["display_name"] = f"CALLER {n}"
    return True


def _legal_name(data: dict[str, Any], n: int) -> bool:
    if data["type"] == "individual":
        data["individual"]["last_name"] = f"Rivera {n}"
    else:
        data["business"]["legal_name"] = f"{data['business']['legal_name'].split(' #')[0]} #{n}"
    return True


def _drop_callback(data: dict[str, Any], n: int) -> bool:
    return data["notifications"].pop("status_callback", None) is not None


EDITS: dict[str, Edit] = {
    "legal name": _legal_name,
    "drop callback": _drop_callback,
    "email": _email,
    "street": _street,
    "friendly_name": _friendly_name,
    "title": _title,
    "add number": _add_number,
    "drop number": _drop_number,
    "cnam": _cnam,
}
KINDS = ["apply", "apply", "refresh", "approve", "approve", "reject", "edit", "edit", "edit"]
STEP = st.tuples(
    st.sampled_from([*KINDS, "remove", "restore"]),
    st.integers(0, 20),  # which resource
    st.sampled_from(sorted(EDITS)),
    st.integers(0, 99),  # a value for the edit
)


class Loop:
    """One workspace, its state and its sandbox, driven a step at a time in-process."""

    def __init__(self, root: Path, names: list[str]) -> None:
        self.root = root
        self.profiles = copy.deepcopy({n: EXAMPLES[n] for n in [PRIMARY, *names]})
        self.removed: dict[str, dict[str, Any]] = {}
        (root / "profiles").mkdir(parents=True)
        for name in self.profiles:
            self.write(name)
        write_settings(root, review_delay=86400)
        self.declare_accounts()
        console_primaries(root)  # made in the Twilio Console, as on a real account
        self.settings: Settings = load_settings(root, environ={})
        self.session = Session(self.settings)
        self.target = self.session.target()
        self.sandbox = sandbox_of(self.target)
        self.guard = GuardedHttpClient(self.target.retrying.inner, self.sandbox)
        self.target.retrying.inner = self.guard
        self.applies = 0
        self.refusals = 0

    def declare_accounts(self) -> None:
        """Declare, as the example's trusthub.yaml does, the subaccounts the profiles name."""
        named = {str(d["account"]) for d in self.profiles.values() if "account" in d}
        with (self.root / "trusthub.yaml").open("a", encoding="utf-8") as f:
            f.write(accounts_block(*named))

    def write(self, name: str) -> None:
        path = self.root / "profiles" / f"{name}.yaml"
        text = yaml.dump(self.profiles[name], Dumper=_QuotingDumper, sort_keys=False)
        path.write_text(text, encoding="utf-8")

    def plan(self) -> Planned:
        workspace = load_valid(self.settings)
        return make_plan(self.settings, self.session.store, workspace)

    def statuses(self) -> dict[str, str | None]:
        return {r.name: r.status for r in self.session.store.snapshot()}

    # -- steps -----------------------------------------------------------------------------

    def apply(self) -> None:
        refresh_state(self.session.store, self.target, actor="property")
        planned = self.plan()
        assert not planned.plan.refused, [a.reason for a in planned.plan.refused]
        outcome = apply_plan(
            planned,
            self.session.store,
            self.target,
            workspace=self.settings.name,
            actor="property",
            parallelism=4,
            progress=lambda action, message: None,
            on_done=lambda action, error: None,
        )
        assert outcome.ok, (outcome.failed, outcome.skipped)
        self.applies += planned.plan.has_changes
        for action in planned.plan.actions:
            if action.verb.changes_remote:
                event(f"applied {action.verb.value} of a {action.kind}")
        after = self.plan().plan
        assert not after.has_changes, after.summary()
        assert not after.refused, after.summary()
        assert all(a.verb is Verb.WAITING for a in after.actions)
        self.check_requests()
        # What apply made reads back whole as what it recorded: no drift.
        refreshed = refresh_state(self.session.store, self.target, actor="property")
        assert refreshed.drifted == [], [(d.name, d.paths, d.numbers) for d in refreshed.drifted]
        check_world(self.settings)

    def review(self, verdict: str, pick: int) -> None:
        under_review = sorted(
            name for name, status in self.statuses().items() if status in lc.UNDER_REVIEW
        )
        if not under_review:
            return
        name = under_review[pick % len(under_review)]
        kind = TRUST_PRODUCT if "/" in name else PROFILE
        sid = self.session.store.sids(kind, name)[BUNDLE]
        event(f"{verdict} {kind}")
        if verdict == "approve":
            self.sandbox.approve(sid)
        else:
            self.sandbox.reject(sid, "[email] - Unknown email domain.")

    def edit(self, pick: int, edit: str, n: int) -> None:
        name = sorted(self.profiles)[pick % len(self.profiles)]
        before = copy.deepcopy(self.profiles[name])
        if not EDITS[edit](self.profiles[name], n):
            return
        self.write(name)
        if any(p.severity == "error" for p in load_workspace(self.settings).problems):
            # Not a valid edit (e.g. the toll-free number a product needs, dropped).
            self.profiles[name] = before
            self.write(name)
            return
        if self.profiles[name]["role"] == "primary":
            self.drift_only(name, before)
            return
        self.refused_only_if_locked(name, before)

    def remove(self, pick: int) -> None:
        secondaries = sorted(n for n in self.profiles if n != PRIMARY)
        if not secondaries:
            return
        name = secondaries[pick % len(secondaries)]
        self.removed[name] = self.profiles.pop(name)
        (self.root / "profiles" / f"{name}.yaml").unlink()
        refused = self.plan().plan.refused
        if refused:
            # Only draft or rejected bundles can be deleted: put it back.
            locked = self.statuses()
            assert all(locked.get(a.resource) not in (None, lc.DRAFT, lc.REJECTED) for a in refused)
            event("a deletion was refused")
            self.refusals += 1
            self.restore_named(name)

    def restore(self, pick: int) -> None:
        if self.removed:
            self.restore_named(sorted(self.removed)[pick % len(self.removed)])

    def restore_named(self, name: str) -> None:
        self.profiles[name] = self.removed.pop(name)
        self.write(name)

    # -- checks ----------------------------------------------------------------------------

    def drift_only(self, name: str, before: dict[str, Any]) -> None:
        """After an edit of a primary (the Console's): never refused, never written; a
        changed field is drift, taken back (as its user would, after changing it in the
        Console); a number change is assigned through the API."""
        plan = self.plan().plan
        mine = [a for a in plan.actions if a.resource == name]
        assert all(a.resource != name for a in plan.refused), mine
        if plan.refused:  # an edit of one of its trust products (trusthub's) under review
            self.refused_only_if_locked(name, before)
            return
        assert {a.verb for a in mine} <= {Verb.DRIFT, Verb.ASSIGN, Verb.WAITING}, mine
        if any(a.verb is Verb.DRIFT for a in mine):
            event("a primary's edit was drift")
            self.profiles[name] = before
            self.write(name)

    def refused_only_if_locked(self, name: str, before: dict[str, Any]) -> None:
        """After an edit: refused exactly when the recorded status forbids edits; a refused
        edit is taken back, as its user would."""
        plan = self.plan().plan
        statuses = self.statuses()
        for action in plan.refused:
            assert action.profile == name, action
            assert not lc.BUNDLE.can_edit(statuses.get(action.resource)), (action, statuses)
        for action in plan.actions:
            if action.verb in (Verb.UPDATE, Verb.CREATE):
                assert lc.BUNDLE.can_edit(statuses.get(action.resource)), (action, statuses)
        if plan.refused:
            event("an edit was refused")
            self.refusals += 1
            self.profiles[name] = before
            self.write(name)

    def check_requests(self) -> None:
        for submission in self.guard.submissions:
            assert submission.requested == lc.PENDING_REVIEW, submission
            assert submission.before in (lc.DRAFT, lc.REJECTED), submission
        errors = self.guard.errors()
        assert errors == [], errors  # no 70002, nor any other refusal or failure
        self.guard.submissions.clear()
        self.guard.exchanges.clear()

    def close(self) -> None:
        self.session.close()
        self.sandbox.close()


@contextmanager
def loop(names: list[str]) -> Iterator[Loop]:
    root = Path(tempfile.mkdtemp(prefix="trusthub-property-"))
    running = Loop(root / "ws", names)
    try:
        yield running
    finally:
        running.close()
        shutil.rmtree(root, ignore_errors=True)


def _step(kind: str, pick: int = 0, edit: str = "email", n: int = 0) -> tuple[str, int, str, int]:
    return (kind, pick, edit, n)


# Always run: the whole review cycle, with a rejection fixed by an edit and resubmitted.
REVIEW_CYCLE = [
    _step("apply"),
    _step("approve", 0),  # the first bundle under review (acme-isv is adopted approved)
    _step("apply"),
    _step("reject", 3),
    _step("refresh"),
    _step("edit", 1, "email", 5),  # brightsmile-dental: rejected, so editable
    _step("edit", 0, "street", 1),  # acme-isv: the Console's, so drift (and taken back)
    _step("edit", 0, "add number", 2),  # a number joins an approved profile: allowed
    _step("apply"),  # update and resubmit
]

# Always run: derived fields of a draft, edited and removed (the Address's CustomerName from
# the legal name, the bundle's status callback cleared).
DERIVED_FIELDS = [
    _step("edit", 1, "legal name", 3),  # brightsmile-dental: a draft secondary
    _step("edit", 1, "drop callback"),
    _step("apply"),
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@example(names=["brightsmile-dental"], steps=REVIEW_CYCLE)
@example(names=["brightsmile-dental"], steps=DERIVED_FIELDS)
@given(
    names=st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=3),
    steps=st.lists(STEP, min_size=2, max_size=10),
)
def test_apply_then_plan_has_nothing_to_do_and_nothing_forbidden_is_sent(
    names: list[str], steps: list[tuple[str, int, str, int]]
) -> None:
    with loop(names) as running:
        for kind, pick, edit, n in [_step("apply"), *steps, _step("apply")]:
            if kind == "apply":
                running.apply()
            elif kind == "refresh":
                refresh_state(running.session.store, running.target, actor="property")
            elif kind in ("approve", "reject"):
                running.review(kind, pick)
            elif kind == "edit":
                running.edit(pick, edit, n)
            elif kind == "remove":
                running.remove(pick)
            else:
                running.restore(pick)
        assert running.applies > 0
