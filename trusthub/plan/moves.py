"""Renames declared in the workspace, as Terraform's `moved` block: a profile that says
`moved: {from: OLD}` takes over what the state records under OLD (the profile, its trust
products, brand, campaigns and verifications, `OLD/...`), instead of the plan deleting them
and creating them anew. Nothing on the target changes; apply records the new names.

A move applies while the state records OLD and not the new name. Once applied, the `moved:`
line plans nothing and may stay or go. Pure.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Moves:
    profiles: Mapping[str, str] = field(default_factory=dict)  # new profile -> old profile
    # Every recorded resource to record anew: new name -> old name (profiles and theirs).
    renames: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # declared moves that cannot be made, with the fix


def resolve(
    declared: Mapping[str, str], desired: Collection[str], recorded: Collection[str]
) -> Moves:
    """`declared`: profile -> the name its file says it moved from."""
    profiles: dict[str, str] = {}
    renames: dict[str, str] = {}
    problems: list[str] = []
    claimed: dict[str, str] = {}
    for new, old in sorted(declared.items()):
        if old == new:
            problems.append(f"{new}: `moved: {{from: {old}}}` names the profile itself; remove it")
            continue
        if old in claimed:
            problems.append(
                f"{claimed[old]} and {new} both declare `moved: {{from: {old}}}`; keep one"
            )
            continue
        claimed[old] = new
        if old in desired:
            problems.append(
                f"{new} declares `moved: {{from: {old}}}`, but {old} is still in the workspace; "
                "remove one of them"
            )
            continue
        if old not in recorded:
            continue  # already moved, or never applied: nothing to take over
        if new in recorded:
            problems.append(
                f"{new} declares `moved: {{from: {old}}}`, but the state records both; stop "
                f"managing one with `trusthub state rm` (nothing is deleted on Twilio)"
            )
            continue
        profiles[new] = old
        for name in recorded:
            if name == old or name.startswith(old + "/"):
                renames[new + name[len(old) :]] = name
    return Moves(profiles, renames, tuple(problems))


def renamed_in(value: Any, old: str, new: str) -> Any:
    """A recorded body with the profile's old name replaced wherever a value names it (its
    `name`, a campaign's service `OLD/messaging-service-...`), so the rename alone shows no
    change in the plan."""
    if isinstance(value, str):
        if value == old:
            return new
        return new + value[len(old) :] if value.startswith(old + "/") else value
    if isinstance(value, Mapping):
        return {k: renamed_in(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed_in(v, old, new) for v in value]
    return value
