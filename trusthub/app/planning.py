"""Make a plan: load and validate the workspace, read the recorded state, compute."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from trusthub.app.hash_cache import HashCache
from trusthub.app.loading import LoadedWorkspace, load_workspace
from trusthub.app.policy import plan_options
from trusthub.config.settings import Settings
from trusthub.errors import PlanError, Problem, TrusthubError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, PROFILE, SUBACCOUNT, desired_resources
from trusthub.model.kinds.subaccount import account_resources, resource_name
from trusthub.model.privacy import fingerprint_key
from trusthub.plan.engine import (
    PlanOptions,
    compute_plan,
    desired_hashes,
    sids_needed,
    specs_needed,
)
from trusthub.plan.model import Plan
from trusthub.plan.moves import renamed_in
from trusthub.plan.moves import resolve as resolve_moves
from trusthub.plan.partial import target
from trusthub.plan.safety import over_budget, unsafe_reasons
from trusthub.state.base import StateStore


class InvalidWorkspaceError(TrusthubError):
    """The workspace has errors; nothing can be planned from it."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = "\n".join(str(p) for p in problems)
        count = len(problems)
        super().__init__(
            f"the workspace has {count} error{'s' if count != 1 else ''}:\n{lines}",
            hint="fix them (`trusthub validate` lists them with all formats) and plan again",
        )
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Planned:
    plan: Plan
    key: bytes
    desired: dict[str, DesiredResource]
    workspace: LoadedWorkspace


def load_valid(settings: Settings) -> LoadedWorkspace:
    workspace = load_workspace(settings)
    errors = [p for p in workspace.problems if p.severity == "error"]
    if errors:
        raise InvalidWorkspaceError(errors)
    return workspace


def _hashes(
    settings: Settings,
    workspace: LoadedWorkspace,
    desired: dict[str, DesiredResource],
    key: bytes,
) -> dict[str, str]:
    cache = HashCache(settings.state_dir / "cache", key)
    by_profile: dict[str, list[str]] = {}
    for name, resource in desired.items():
        by_profile.setdefault(resource.profile, []).append(name)
    hashes: dict[str, str] = {}
    for profile, names in by_profile.items():
        if profile not in workspace.profiles:  # a subaccount, declared in trusthub.yaml
            hashes.update((n, desired[n].spec_hash(key)) for n in names)
            continue
        digest = workspace.profiles[profile].digest
        hashes.update(cache.hashes(digest, names, lambda n: desired[n].spec_hash(key)))
    cache.save({doc.digest: None for doc in workspace.profiles.values()})
    return hashes


def plan_against_state(
    store: StateStore,
    desired: Mapping[str, DesiredResource],
    *,
    options: PlanOptions,
    hashes: Callable[[bytes], Mapping[str, str]] | None = None,
    moved: Mapping[str, str] | None = None,
) -> tuple[Plan, bytes, int]:
    """The plan from the recorded state of `store` to `desired`, the state's fingerprint
    key, and how many profiles the state records. `hashes(key)` gives the desired spec
    hashes when they are cached; `moved` the renames profiles declare (profile -> its old
    name: `trusthub.plan.moves`), planned against the state as if already recorded."""
    snapshot = store.snapshot()
    key = fingerprint_key(snapshot.lineage)
    recorded = snapshot.by_name()
    moves = resolve_moves(moved or {}, desired, recorded)
    if moves.problems:
        raise PlanError(
            "; ".join(moves.problems),
            hint="fix `moved:` in the profile file and plan again",
        )
    old_of = dict(moves.renames)
    for new, old in old_of.items():
        recorded[new] = recorded.pop(old)._replace(name=new)
    spec_hashes = hashes(key) if hashes is not None else desired_hashes(desired, key)
    needed = specs_needed(spec_hashes, recorded)
    stored = store.specs([old_of.get(n, n) for n in needed])
    bodies = {n: stored[old_of.get(n, n)] for n in needed if old_of.get(n, n) in stored}
    for name in bodies.keys() & old_of.keys():
        new_profile = name.partition("/")[0]
        old_profile = moves.profiles[new_profile]
        bodies[name] = renamed_in(bodies[name], old_profile, new_profile)
    recorded_sids = {}
    for name in sids_needed(desired, recorded):
        kind = desired[name].kind
        was = old_of.get(name, name)
        if (sid := store.sids(kind, was).get(KINDS[kind].root_role)) is not None:
            recorded_sids[name] = sid
    plan = compute_plan(
        desired,
        recorded,
        bodies,
        key=key,
        lineage=snapshot.lineage,
        serial=snapshot.serial,
        hashes=spec_hashes,
        recorded_sids=recorded_sids,
        options=options,
        moves=moves.profiles,
    )
    return plan, key, sum(1 for r in recorded.values() if r.kind == PROFILE)


def workspace_desired(settings: Settings, workspace: LoadedWorkspace) -> dict[str, DesiredResource]:
    """Every resource the workspace asks for: the subaccounts trusthub.yaml declares, then
    what each profile asks for."""
    desired = {
        d.name: d
        for d in account_resources((a.name, a.sid, a.friendly_name) for a in settings.accounts)
    }
    desired.update(
        desired_resources(
            (name, doc.data, doc.path) for name, doc in sorted(workspace.profiles.items())
        )
    )
    return desired


def _check_closing(
    names: Iterable[str], desired: Mapping[str, DesiredResource], store: StateStore
) -> None:
    """`--close-account NAME` names a subaccount the state records and trusthub.yaml no
    longer declares: closing one still declared would contradict the file."""
    for account in sorted(set(names)):
        name = resource_name(account)
        if name in desired:
            raise PlanError(
                f"--close-account {account}: trusthub.yaml still declares it under `accounts:`",
                hint="remove it from trusthub.yaml first (with the profiles that live in it)",
            )
        if store.resource(SUBACCOUNT, name) is None:
            raise PlanError(
                f"--close-account {account}: the state records no subaccount of that name",
                hint="name a subaccount trusthub managed (`trusthub status` lists them)",
            )


def make_plan(
    settings: Settings,
    store: StateStore,
    workspace: LoadedWorkspace,
    *,
    now: str | None = None,
    resubmit: Iterable[str] = (),
    targets: Sequence[str] = (),
    close_accounts: Iterable[str] = (),
) -> Planned:
    """The plan that turns the recorded state into `workspace`, with the options, the
    safety valve and the fee budget of `settings` (see `trusthub.app.policy`). `now` is the
    plan's clock (default: the time of day); `resubmit` names rejected resources to
    resubmit unchanged (`--resubmit`). With `targets`, only the part of it those names need
    (`trusthub.plan.partial.target`); the safety valve and the fee budget then judge that
    part."""
    desired = workspace_desired(settings, workspace)
    _check_closing(close_accounts, desired, store)
    unknown = sorted(set(resubmit) - set(desired))
    if unknown:
        raise PlanError(
            "--resubmit names no resource of the workspace: " + ", ".join(unknown),
            hint="name a profile, trust product or toll-free verification as the plan shows "
            "it (e.g. acme-isv, acme-isv/cnam, brightsmile-dental/tollfree-0142)",
        )
    declared = {
        name: str(doc.data["moved"]["from"])
        for name, doc in workspace.profiles.items()
        if isinstance(doc.data.get("moved"), Mapping)
    }
    plan, key, recorded_profiles = plan_against_state(
        store,
        desired,
        moved=declared,
        options=plan_options(settings, now=now, resubmit=resubmit, close_accounts=close_accounts),
        hashes=lambda key: _hashes(settings, workspace, desired, key),
    )
    plan = target(plan, targets)
    plan = plan.with_unsafe(
        unsafe_reasons(plan, recorded_profiles, settings.safety) + over_budget(plan, settings.fees)
    )
    return Planned(plan, key, desired, workspace)
