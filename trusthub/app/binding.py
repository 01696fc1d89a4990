"""The state belongs to one target and one account: its SIDs name that account's objects.

The first command that reaches the target binds the state to it; a later plan, apply or
refresh against another target or account is refused (naming both, account SIDs masked)
until `trusthub state rebind` forgets what belongs to the old account, or the workspace
uses a fresh state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trusthub.app.target import Target
from trusthub.errors import ConfigError
from trusthub.model.privacy import fingerprint, fingerprint_key
from trusthub.provider.errors import shown_account
from trusthub.state.base import StateStore
from trusthub.state.model import Binding


class BindingError(ConfigError):
    """The state belongs to another target or account than the one configured."""


def describe(binding: Binding) -> str:
    return f"{binding.target} account {binding.account_shown}"


def binding_of(store: StateStore, target: Target) -> Binding:
    """`target` as the state records it: never the account SID itself."""
    key = fingerprint_key(store.meta().lineage)
    sid = target.account_sid
    return Binding(target.name, shown_account(sid), fingerprint(key, sid))


def check_binding(store: StateStore, target: Target) -> None:
    """Bind an unbound state to `target`; refuse a state bound to another one."""
    current = binding_of(store, target)
    recorded = store.binding()
    if recorded is None:
        with store.transaction() as tx:
            tx.bind(current)
        return
    if not recorded.same_account(current):
        raise BindingError(
            f"the state {store.location} belongs to {describe(recorded)}, and this command "
            f"reaches {describe(current)}; its SIDs name objects of the other account",
            hint=(
                "run `trusthub state rebind` to forget what belongs to the old account and "
                "start over on this one, or use a fresh state (`state:` in trusthub.yaml "
                "or TRUSTHUB_STATE)"
            ),
        )


@dataclass
class Rebound:
    old: Binding | None
    new: Binding
    forgotten: list[str] = field(default_factory=list)  # resource names


def rebind(store: StateStore, target: Target, *, actor: str) -> Rebound:
    """Bind the state to `target`. Every resource recorded with SIDs of the old account is
    forgotten (its record removed, an audit entry kept; nothing on either account is
    touched), so the next plan creates it anew on the new account. The caller holds the
    state lock."""
    old = store.binding()
    new = binding_of(store, target)
    result = Rebound(old, new)
    if old is None or old.same_account(new):  # an unbound state is taken to be the target's already
        with store.transaction() as tx:
            tx.bind(new)
        return result
    snapshot = store.snapshot()
    with store.transaction() as tx:
        for resource in snapshot:
            if not store.remote_objects(resource.kind, resource.name) and resource.status is None:
                continue
            tx.delete_resource(
                resource.kind,
                resource.name,
                action="rebind",
                actor=actor,
                detail={"from": describe(old) if old else "unbound", "to": describe(new)},
            )
            result.forgotten.append(resource.name)
        tx.bind(new)
    return result
