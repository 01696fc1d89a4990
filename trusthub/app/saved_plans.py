"""Saved plans (`trusthub plan --out FILE`, `trusthub apply FILE`): the file format in one
place. Writing it, reading it back, and checking it against a fresh plan.

The file holds the masked plan data and what apply checks (lineage, serial, checksum). It
has no personal data, so it can be kept as a CI artifact. It is still written privately
(0600) and atomically, so a reader never sees half a plan.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from trusthub import __version__
from trusthub.app.planning import Planned
from trusthub.common.files import write_private
from trusthub.errors import LoadError, PlanError
from trusthub.report.plan_json import plan_data

SAVED_PLAN_KIND: Final = "trusthub-plan"


def saved_plan_data(
    planned: Planned,
    workspace: str,
    *,
    resubmit: Iterable[str] = (),
    close_accounts: Iterable[str] = (),
) -> dict[str, Any]:
    """The content of a saved plan made in the workspace named `workspace` (with the names
    it resubmits unchanged, `--resubmit`, which apply plans with again)."""
    data = {
        "kind": SAVED_PLAN_KIND,
        "trusthub_version": __version__,
        "workspace": workspace,
        "plan": plan_data(planned.plan, planned.key),
    }
    if resubmit:
        data["resubmit"] = sorted(set(resubmit))
    if close_accounts:
        data["close_accounts"] = sorted(set(close_accounts))
    return data


def write_saved_plan(
    path: Path,
    planned: Planned,
    workspace: str,
    *,
    resubmit: Iterable[str] = (),
    close_accounts: Iterable[str] = (),
) -> None:
    data = saved_plan_data(planned, workspace, resubmit=resubmit, close_accounts=close_accounts)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    try:
        write_private(path, text.encode("utf-8"))
    except OSError as e:
        raise PlanError(
            f"cannot save the plan to {path}: {e.strerror or e}",
            hint="pick a path in a directory you can write to",
        ) from None


@dataclass(frozen=True, slots=True)
class SavedPlan:
    path: Path
    plan: Mapping[str, Any]  # the saved plan data (`plan_data`)
    resubmit: tuple[str, ...] = ()  # what it was planned with (`--resubmit`)
    close_accounts: tuple[str, ...] = ()  # and `--close-account`

    def targets(self, given: Sequence[str]) -> tuple[str, ...]:
        """The `--target` names the saved plan was made with. `given` (apply's own
        `--target`) must be empty or name the same ones: a saved plan is applied whole."""
        saved = self.plan.get("targets", [])
        names = tuple(sorted(str(n) for n in saved)) if isinstance(saved, list) else ()
        if given and tuple(sorted(set(given))) != names:
            made = ", ".join(names) if names else "no --target"
            raise PlanError(
                f"{self.path} was made with {made}; apply cannot change its targets",
                hint="apply the saved plan without --target, or make a new one with "
                "`trusthub plan --target ... --out FILE`",
            )
        return names

    def check(self, planned: Planned) -> None:
        """Refuse a saved plan that no longer describes what would happen (Terraform's
        stale plan guard plus octoDNS's checksum): the state moved, or the workspace
        changed."""
        plan, old, path = planned.plan, self.plan, self.path
        if old.get("lineage") != plan.lineage:
            raise PlanError(
                f"{path} was made for another state (lineage {old.get('lineage')}, this state "
                f"is {plan.lineage})",
                hint="run `trusthub plan --out FILE` again against this state",
            )
        if old.get("serial") != plan.serial:
            raise PlanError(
                f"{path} is stale: the state moved from serial {old.get('serial')} to "
                f"{plan.serial} since the plan was made",
                hint="run `trusthub plan --out FILE` again, review it, then apply it",
            )
        if old.get("checksum") != plan.checksum():
            raise PlanError(
                f"{path} no longer matches the workspace: the profiles changed since the plan "
                "was made",
                hint="run `trusthub plan --out FILE` again, review it, then apply it",
            )


def read_saved_plan(path: Path) -> SavedPlan:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise LoadError(f"cannot read the saved plan: {e}", location=None) from None
    except json.JSONDecodeError as e:
        raise LoadError(
            f"{path}:{e.lineno}:{e.colno}: not a saved plan (invalid JSON: {e.msg})"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("kind") != SAVED_PLAN_KIND
        or not isinstance(data.get("plan", {}), dict)
    ):
        raise LoadError(f"{path} is not a plan saved by `trusthub plan --out`")
    lists = {}
    for key in ("resubmit", "close_accounts"):
        names = data.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise LoadError(f"{path} is not a plan saved by `trusthub plan --out` ({key})")
        lists[key] = tuple(names)
    return SavedPlan(path, data.get("plan", {}), lists["resubmit"], lists["close_accounts"])
