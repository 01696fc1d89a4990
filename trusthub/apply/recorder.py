"""What the apply steps need from recorded state. Every write is one short transaction, so a
run killed at any point leaves the state describing exactly what happened up to there.
Statuses are the kind's own (its lifecycle's); the state checks them against the kinds
registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from trusthub.model.desired import PARENT_ACCOUNT


class Recorder(Protocol):
    def sids(self, kind: str, name: str) -> dict[str, str]:
        """role -> SID of every object created for the resource."""
        ...

    def intents(self, kind: str, name: str) -> set[str]:
        """Roles with a create recorded as intended but not confirmed (a crash, or an
        ambiguous failure): what the create may have made must be adopted."""
        ...

    def intent(self, kind: str, name: str, role: str, detail: Mapping[str, Any]) -> None: ...

    def confirm(self, kind: str, name: str, role: str, sid: str) -> None: ...

    def forget(self, kind: str, name: str, role: str) -> None: ...

    def recorded_status(self, kind: str, name: str) -> str | None:
        """The status recorded for the resource (None: not recorded, or not created)."""
        ...

    def recorded_policy(self, kind: str, name: str) -> str | None:
        """The policy SID recorded for a bundle (None: not recorded)."""
        ...

    def body(self, kind: str, name: str) -> Mapping[str, Any] | None:
        """The sealed body recorded for the resource, or None."""
        ...

    def applied(
        self,
        kind: str,
        name: str,
        *,
        body: Mapping[str, Any],
        spec_hash: str,
        status: str | None,
        policy_sid: str,
        action: str,
        account: str = PARENT_ACCOUNT,
    ) -> None:
        """The resource now matches `body` (sealed) on the target, in `account`."""
        ...

    def status(
        self,
        kind: str,
        name: str,
        status: str,
        *,
        action: str,
        reasons: tuple[str, ...] = (),
        evaluation: Mapping[str, Any] | None = None,
        valid_until: str | None = None,
    ) -> None: ...

    def evaluation(self, kind: str, name: str, evaluation: Mapping[str, Any]) -> None: ...

    def removed(self, kind: str, name: str, *, action: str) -> None: ...

    def renamed(self, old: str, new: str) -> None:
        """Record the profile `old` and everything it owns (`old/...`) under `new`, in one
        transaction (a declared rename: `trusthub.plan.moves`)."""
        ...
