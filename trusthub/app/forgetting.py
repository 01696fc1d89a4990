"""`trusthub state rm NAME`: stop managing a profile (offboarding a client, handing it to
the Console) without touching Trust Hub. Its records and those of its trust products and
other resources (`NAME/...`) leave the state, each with an audit entry naming the SIDs left
behind; Trust Hub keeps every object as it is.

Refused while it would not hold: the profile's file is still in the workspace (the next plan
would create it again, a second bundle), or a profile still in the workspace leans on it
(a secondary on its primary, whose SID it assigns)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trusthub.errors import StateError
from trusthub.model.desired import DesiredResource
from trusthub.state.base import StateStore


@dataclass
class Forgotten:
    names: list[str] = field(default_factory=list)
    left: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> role -> SID


def _group(store: StateStore, name: str) -> list[tuple[str, str]]:
    """(kind, name) of NAME and the resources under it, parents last."""
    found = [
        (r.kind, r.name)
        for r in store.snapshot()
        if r.name == name or r.name.startswith(f"{name}/")
    ]
    return sorted(found, key=lambda kn: (kn[1] == name, kn[1]))


def forget_profile(
    store: StateStore,
    name: str,
    desired: Mapping[str, DesiredResource],
    *,
    files: Mapping[str, str],
    actor: str,
) -> Forgotten:
    """Forget `name` and what belongs to it; the caller holds the state lock. `files`: the
    workspace's profile names and the files they are in."""
    group = _group(store, name)
    if not group:
        known = sorted({r.name.split("/")[0] for r in store.snapshot()})
        raise StateError(
            f"{name!r} is not in the state",
            hint=f"the state manages: {', '.join(known)}" if known else "the state is empty",
        )
    wanted = desired.get(name)
    if wanted is not None or name in files:
        file = files.get(wanted.profile if wanted is not None else name, "?")
        raise StateError(
            f"{name} still has its file {file}: the next plan would create it again, "
            "a second copy on Trust Hub",
            hint=f"remove it from {file} (or move the file out of the profiles directory), "
            f"then run `trusthub state rm {name}` again",
        )
    leaning = sorted(d.name for d in desired.values() if name == d.primary)
    if leaning:
        raise StateError(
            f"{name} is the primary of {', '.join(leaning)}, which stay in the workspace and "
            "assign its bundle",
            hint=f"stop managing them first (`trusthub state rm {leaning[0]}`), or keep {name}",
        )
    done = Forgotten()
    with store.transaction() as tx:
        for kind, member in group:
            sids = store.sids(kind, member)
            tx.delete_resource(
                kind,
                member,
                action="rm",
                actor=actor,
                detail={"left_on_trust_hub": dict(sorted(sids.items()))},
            )
            done.names.append(member)
            done.left[member] = sids
    return done
