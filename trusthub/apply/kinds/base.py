"""What apply and refresh ask a kind: how its objects are made, submitted, deleted and
read back. The shared create protocol and building blocks live in `Converger`
(`trusthub.apply.converge`); an applier composes them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from trusthub.apply.pacing import Pace
from trusthub.errors import ApplyError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import ResourceKind

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider


@dataclass(frozen=True, slots=True)
class Observation:
    """A resource as the target holds it now (what refresh records)."""

    status: str
    reasons: tuple[str, ...]
    valid_until: str | None
    policy_sid: str = ""
    # A kind's own detail beyond the status (a brand's TCR id, identity status, how often
    # it was resubmitted): recorded where bundles keep their last evaluation. None: keep.
    detail: Mapping[str, Any] | None = None


class KindApplier(ABC):
    kind: ClassVar[ResourceKind]
    # Twilio's pacing of the kind's fee-bearing requests (those its applier sends through
    # `Converger.paced`); None: not paced.
    pace: ClassVar[Pace | None] = None

    @abstractmethod
    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        """Create or update the resource's objects so the target holds `d`."""

    @abstractmethod
    def submit(self, c: Converger) -> None:
        """Submit (or resubmit) the resource for review."""

    @abstractmethod
    def delete(self, c: Converger) -> None:
        """Delete the resource's objects (each absent one is fine)."""

    def adopt(self, c: Converger, d: DesiredResource) -> None:
        """Read the existing object `d` names by SID (made outside trusthub), check it, and
        record it; nothing on the target changes. Only kinds whose planner names a
        `console_sid` are ever asked."""
        raise ApplyError(f"{d.name}: a {self.kind.name} cannot be adopted")

    def recorded_body(self, c: Converger, d: DesiredResource) -> tuple[dict[str, Any], str]:
        """The body (sealed) and spec hash recorded once `d` is converged: the desired ones,
        unless the kind records less than it was asked (a Console-owned object keeps what
        was adopted, so its drift stays visible)."""
        return d.sealed(c.ctx.key).to_data(), d.spec_hash(c.ctx.key)

    @abstractmethod
    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        """The resource's status on the target, from its recorded objects' SIDs; None when
        nothing was created for it yet. A resource gone from the target raises the
        provider's not-found error."""
