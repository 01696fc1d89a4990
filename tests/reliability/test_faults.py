"""Apply a generated workspace while the sandbox fails 10% of the requests (500s, 429s with
Retry-After, dropped connections, 500s after the change was made) and slows some down.
Apply is rerun until a plan has nothing left to do, as a user (or CI) would rerun it; the
end must be exactly the workspace: no duplicates, state and sandbox agreeing, every
transition audited.

Runs in-process (faults are set on the sandbox object, which a CLI process would not see),
with the retry delays shortened; the CLI then confirms the result.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from tests.reliability.checks import check_world
from tests.reliability.conftest import MakeWorkspace, invoke, settings_of
from tests.reliability.traffic import FaultCounter, sandbox_of
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.session import Session
from trusthub.config.settings import Settings
from trusthub.errors import ProviderError
from trusthub.model import lifecycle as lc
from trusthub.provider.retry import RetryPolicy
from trusthub.sandbox import FaultSettings, Sandbox
from trusthub.state import open_store
from trusthub.state.actor import current_holder

# 10% of requests fail, a quarter each way; 5% more are slow. Retry-After is 1 s on the
# wire; the shortened policy caps what it waits, so the test stays fast.
FAULTS = FaultSettings(
    error_rate=0.025,
    throttle_rate=0.025,
    retry_after=1,
    drop_rate=0.025,
    error_after_commit_rate=0.025,
    slow_rate=0.05,
    slow_delay=0.02,
)
FAST_RETRIES = RetryPolicy(base_delay=0.005, max_delay=0.05, max_retry_after=0.05)
MAX_RUNS = 12


@dataclass
class Runs:
    """What the apply runs of one phase went through."""

    runs: int = 0
    failed_runs: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    retries: int = 0


def apply_until_converged(settings: Settings, seed: int, runs: Runs) -> None:
    """Refresh, plan and apply under faults (a new seed per run) until the plan has
    nothing to do; fail after MAX_RUNS."""
    workspace = load_valid(settings)
    for attempt in range(MAX_RUNS):
        with (
            Session(settings) as session,
            session.store.lock(current_holder("apply")),
        ):
            target = session.target()
            sandbox = sandbox_of(target)
            sandbox.set_faults(replace(FAULTS, seed=seed * 1000 + attempt))
            counter = FaultCounter(sandbox)
            target.retrying.policy = FAST_RETRIES
            try:
                refresh_state(session.store, target, actor=session.actor)
                planned = make_plan(settings, session.store, workspace)
                assert not planned.plan.refused, [a.reason for a in planned.plan.refused]
                if not planned.plan.has_changes:
                    return
                runs.runs += 1
                outcome = apply_plan(
                    planned,
                    session.store,
                    target,
                    workspace=settings.name,
                    actor=session.actor,
                    parallelism=settings.parallelism,
                    progress=lambda action, message: None,
                    on_done=lambda action, error: None,
                )
                runs.failed_runs += not outcome.ok
            except ProviderError:  # a refresh whose retries were all faulted: rerun
                runs.failed_runs += 1
            finally:
                runs.faults.update(counter.counts)
                runs.retries += target.retrying.retries
    pytest.fail(f"apply did not converge in {MAX_RUNS} runs under faults")


def cli_converged(ws: Path) -> None:
    """What a user would run next: nothing to plan, nothing to apply."""
    plan = invoke(ws, "plan", "--detailed-exitcode", "--no-refresh")
    assert (
        "0 to create, 0 to update, 0 to assign numbers, 0 to submit, 0 to resubmit, "
        "0 to delete. 0 refused" in plan.stdout
    )
    apply = invoke(ws, "apply", "--auto-approve")
    assert "Nothing to apply." in apply.stdout


def approve(settings: Settings, name: str) -> None:
    with open_store(settings.state, settings.name) as store:
        sid = store.sids("profile", name)["bundle"]
    with Sandbox.from_settings(settings) as sandbox:
        sandbox.approve(sid)


def run_fault_scenario(make_workspace: MakeWorkspace, profiles: int, seed: int) -> None:
    ws = make_workspace("faults", profiles=profiles, review_delay=86400)
    settings = settings_of(ws)
    secondaries = profiles - 1

    # 1. The primary (made in the Console, approved) is adopted; every secondary is created
    # and submitted; the primary's trust products are created and submitted.
    first = Runs()
    apply_until_converged(settings, seed, first)
    world = check_world(settings)
    products = [n for n in world.created if n.startswith("acme-isv/")]
    assert sorted(products) == ["acme-isv/cnam", "acme-isv/shaken_stir", "acme-isv/voice_integrity"]
    assert len(world.created) == profiles + len(products)
    assert world.statuses["acme-isv"] == lc.APPROVED
    under_review = [n for n, s in world.statuses.items() if s in lc.UNDER_REVIEW]
    assert len(under_review) == secondaries + len(products)
    cli_converged(ws)

    # 2. The secondaries are approved: their trust products are created and submitted,
    # again under faults.
    for name in sorted(n for n in world.statuses if "/" not in n and n != "acme-isv"):
        approve(settings, name)
    second = Runs()
    apply_until_converged(settings, seed + 1, second)
    after = check_world(settings)
    assert len(after.created) > len(world.created)  # the secondaries' products
    cli_converged(ws)

    # The faults really happened, of every kind, and were survived.
    faults = first.faults + second.faults
    for kind in ("error", "throttle", "drop", "error_after_commit", "slow"):
        assert faults[kind] > 0, faults
    assert sum(faults.values()) >= profiles, faults
    assert first.retries + second.retries > 0
    assert first.failed_runs > 0, "the faults never made a run fail: the test proves little"


def test_apply_under_injected_faults_converges_without_duplicates(
    make_workspace: MakeWorkspace, no_state_env: None
) -> None:
    run_fault_scenario(make_workspace, profiles=60, seed=6)


@pytest.mark.slow
def test_apply_200_profiles_under_injected_faults(
    make_workspace: MakeWorkspace, no_state_env: None
) -> None:
    run_fault_scenario(make_workspace, profiles=200, seed=200)
