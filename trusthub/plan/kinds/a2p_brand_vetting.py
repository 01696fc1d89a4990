"""Planning A2P 10DLC brand vettings (reference D.4): a political brand's Campaign Verify
token is imported once its brand is registered (`APPROVED`, with a TCR id), paying the
vetting import (`fees.VETTING_IMPORT`). Twilio offers no edit and no DELETE of a vetting,
so a new token for a FAILED vetting is a new import (the failed one stays on the brand), a
token changed while the vetting is under way or successful is refused, and a token
removed from the YAML is only forgotten."""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model import fees
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_BRAND_VETTING, KINDS
from trusthub.model.kinds import a2p_brand as brand
from trusthub.model.kinds import a2p_brand_vetting as vetting
from trusthub.plan.kinds.base import KindPlanner, PlanView, Wait
from trusthub.plan.model import ActionId, Verb


class A2PBrandVettingPlanner(KindPlanner):
    kind = KINDS[A2P_BRAND_VETTING]

    def refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        if view.desired(str(d.attributes["brand"])) is None:
            return (
                f"{d.name} imports a Campaign Verify token into the profile's brand, which it "
                "does not declare: add trust_products.a2p_messaging.brand"
            )
        return None

    def create_wait(self, d: DesiredResource, view: PlanView) -> Wait | None:
        name = str(d.attributes["brand"])
        status = view.status(name)
        if status == brand.APPROVED:
            return None
        return Wait(
            f"create waits for {name} to be {brand.APPROVED} (now {status or 'not created'}): "
            "Twilio imports a vetting only into a brand TCR registered",
            [ActionId(name, Verb.CREATE), ActionId(name, Verb.RESUBMIT)],
        )

    def fees(self, d: DesiredResource, verb: Verb, view: PlanView) -> Sequence[str]:
        return (fees.VETTING_IMPORT,) if verb is Verb.CREATE else ()

    def replacement(
        self,
        d: DesiredResource,
        view: PlanView,
        status: str,
        *,
        attributes_changed: bool,
        numbers_changed: bool,
    ) -> str | None:
        if status != vetting.FAILED or not attributes_changed:
            return None  # under way or successful: the lifecycle refuses the change
        reasons = "; ".join(view.rejection_reasons(d.name))
        return (
            f"the vetting FAILED{f' ({reasons})' if reasons else ''} and the Campaign Verify "
            "token changed: Twilio has no edit or DELETE of a vetting, so the new token is a "
            "new import (a new fee); the failed vetting stays on the brand, forgotten"
        )

    def forget(self, name: str, view: PlanView) -> str | None:
        return (
            f"Twilio's API cannot delete a vetting: trusthub forgets {name}, which stays on "
            "the brand as it is"
        )
