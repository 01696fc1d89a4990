"""What customer profiles and trust products share: they are Trust Hub bundles, submitted
after a passing evaluation, deleted with the objects made for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from trusthub.apply import objects
from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.errors import ApplyError
from trusthub.plan.engine import FORGOTTEN
from trusthub.provider.api import BundleFamily
from trusthub.provider.errors import RemoteRefused

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider


class BundleApplier(KindApplier):
    family: ClassVar[BundleFamily]  # the Trust Hub collection the kind's bundles live in

    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        sid = sids.get(objects.BUNDLE)
        if sid is None:
            return None
        bundle = api.fetch_bundle(self.family, sid)
        return Observation(bundle.status, bundle.errors, bundle.valid_until, bundle.policy_sid)

    def submit(self, c: Converger) -> None:
        lifecycle = self.kind.lifecycle
        kind = self.kind.name
        sid = c.rec.sids(kind, c.name)[objects.BUNDLE]
        status = c.rec.recorded_status(kind, c.name)
        policy = c.rec.recorded_policy(kind, c.name)
        if status is None or policy is None or not lifecycle.can_submit(status):
            # Nothing recorded to go by: what Trust Hub holds decides.
            bundle = c.api.fetch_bundle(self.family, sid)
            status, policy = bundle.status, bundle.policy_sid
        # Otherwise the state's record is enough: should a crashed run have submitted it
        # already, the submission is refused and the bundle's status read then (below).
        if not lifecycle.can_submit(status):
            c.say(f"already {status}")  # a crashed run got this far
            c.rec.status(kind, c.name, status, action=c.action.verb.value)
            return
        result: dict[str, Any] | None = None
        desired = c.ctx.desired.get(c.name)
        if desired is None or self.kind.evaluated(desired):
            evaluation = c.api.evaluate(self.family, sid, policy)
            result = {
                "sid": evaluation.sid,
                "status": evaluation.status,
                "failures": evaluation.failures(),
            }
            c.rec.evaluation(kind, c.name, result)
            if evaluation.status != "compliant":
                raise ApplyError(
                    f"{c.name}: evaluation is {evaluation.status}; not submitted: "
                    + "; ".join(evaluation.failures())
                )
        try:
            submitted = c.api.submit(self.family, sid)
        except RemoteRefused:
            # A submit answered 500 after it took effect is retried, and the retry is refused
            # because the bundle is now under review. Whatever code the refusal carries, the
            # bundle's status says whether the submission happened.
            submitted = c.api.fetch_bundle(self.family, sid)
            if lifecycle.can_submit(submitted.status):
                raise
        c.say(f"submitted: {status} -> {submitted.status}")
        c.rec.status(kind, c.name, submitted.status, action=c.action.verb.value, evaluation=result)

    def delete(self, c: Converger) -> None:
        kind = self.kind.name
        if c.action.transitions and c.action.transitions[-1][1] == FORGOTTEN:
            c.rec.removed(kind, c.name, action=c.action.verb.value)
            c.say("forgotten: left on Trust Hub as it is")
            return
        sids = c.rec.sids(kind, c.name)
        bundle = sids.get(objects.BUNDLE)
        if bundle is not None:
            c.ignore_missing(lambda: c.api.delete_bundle(self.family, bundle))
            c.say(f"deleted bundle {bundle}")
        for role, sid in sorted(sids.items()):
            if role.startswith("end_user:"):
                c.ignore_missing(lambda s=sid: c.api.delete_end_user(s))  # type: ignore[misc]
            elif role == objects.DOCUMENT:
                c.ignore_missing(lambda s=sid: c.api.delete_document(s))  # type: ignore[misc]
        if objects.ADDRESS in sids:
            c.ignore_missing(lambda: c.api.delete_address(sids[objects.ADDRESS]))
        c.rec.removed(kind, c.name, action=c.action.verb.value)
