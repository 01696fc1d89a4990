"""The plan policy of `trusthub.app.policy`: the options a plan is made with come from the
settings (no permissive default), and one refusal policy decides for plan and apply."""

from __future__ import annotations

import inspect
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.example import copy_example
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.policy import plan_options, refusal
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.plan.model import Action, Plan, Verb
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]
PRIMARIES = {"acme-isv", "jordan-rivera"}  # the example workspace's primary profiles


def _settings(tmp_path: Path, target: str) -> Settings:
    copy_example(tmp_path)
    return replace(load_settings(tmp_path, environ={}), target=target)  # type: ignore[arg-type]


def _plan(settings: Settings) -> Plan:
    workspace = load_valid(settings)
    with open_store(settings.state, settings.name) as store:
        return make_plan(settings, store, workspace).plan


def test_make_plan_takes_no_options_its_settings_decide() -> None:
    # The clock, the unchanged resubmissions asked for, `targets` (--target, a part of the
    # plan) and the subaccounts to close (--close-account) are the only other inputs; what
    # the target allows comes from the settings.
    parameters = inspect.signature(make_plan).parameters
    assert list(parameters) == [
        "settings",
        "store",
        "workspace",
        "now",
        "resubmit",
        "targets",
        "close_accounts",
    ]
    assert all(
        parameters[p].kind is inspect.Parameter.KEYWORD_ONLY for p in ("now", "resubmit", "targets")
    )


@pytest.mark.parametrize("target", ["sandbox", "twilio"])
def test_on_every_target_a_primary_is_adopted_never_created_or_submitted(
    tmp_path: Path, target: str
) -> None:
    plan = _plan(_settings(tmp_path, target))
    verbs = {(a.resource, a.verb) for a in plan.actions}
    for name in PRIMARIES:
        assert (name, Verb.ADOPT) in verbs
        for verb in (Verb.CREATE, Verb.SUBMIT, Verb.UPDATE, Verb.RESUBMIT, Verb.DELETE):
            assert (name, verb) not in verbs


def test_plan_options_do_not_depend_on_the_target(tmp_path: Path) -> None:
    options = {
        plan_options(replace(load_settings(tmp_path, environ={}), target=t))  # type: ignore[arg-type]
        for t in ("sandbox", "twilio", "elsewhere")
    }
    assert len(options) == 1


def _with(*verbs: Verb, unsafe: tuple[str, ...] = ()) -> Plan:
    actions = tuple(
        Action(verb=v, kind="profile", resource=f"p{i}", profile=f"p{i}")
        for i, v in enumerate(verbs)
    )
    return Plan(actions, (), (), "lineage", 1, unsafe)


def test_a_plan_that_refuses_a_change_is_refused_even_with_force() -> None:
    plan = _with(Verb.CREATE, Verb.REFUSED, Verb.REFUSED, unsafe=("too big",))
    for force in (False, True):
        error = refusal(plan, force=force)
        assert error is not None
        assert error.message == "the plan refuses 2 change(s); nothing was applied"
        assert error.hint == "resolve what the plan says is refused, then apply again"


def test_an_unsafe_plan_is_refused_unless_forced() -> None:
    plan = _with(Verb.UPDATE, unsafe=("first reason", "second reason"))
    error = refusal(plan, force=False)
    assert error is not None
    assert str(error) == "first reason; second reason"
    assert refusal(plan, force=True) is None


def test_a_plan_with_nothing_refused_or_unsafe_goes_ahead() -> None:
    assert refusal(_with(Verb.CREATE, Verb.SUBMIT, Verb.WAITING), force=False) is None
    assert refusal(_with(), force=False) is None
