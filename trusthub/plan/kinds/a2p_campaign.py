"""Planning A2P 10DLC campaigns (`trusthub.model.kinds.a2p_campaign`), in Twilio's order
(reference D.7, M.1): a campaign is registered only once its brand is `APPROVED` (the
plan waits for it, and says so), on its Messaging Service. Creating it costs the campaign
vetting fee, and so may its resubmission (an edit of a FAILED campaign). A change of its
use case (or of its keywords and auto-replies, which Twilio's edit does not take) deletes
the campaign and creates it anew, said on both actions."""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model import fees
from trusthub.model import sole_proprietor as sole
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_CAMPAIGN, KINDS
from trusthub.model.kinds import a2p_brand as brand
from trusthub.model.kinds import a2p_campaign as campaign
from trusthub.plan.kinds.base import KindPlanner, PlanView, Wait
from trusthub.plan.model import ActionId, Verb

VETTING_FEE = fees.CAMPAIGN_VETTING


class A2PCampaignPlanner(KindPlanner):
    kind = KINDS[A2P_CAMPAIGN]

    def refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        name = d.attributes["brand"]
        if view.status(name) == brand.SUSPENDED:
            return (
                f"{d.name}: its brand {name} is {brand.SUSPENDED}: Twilio takes no new or "
                f"changed campaigns for it (error {brand.SUSPENDED_CODE}); contact Twilio support"
            )
        return None

    def create_wait(self, d: DesiredResource, view: PlanView) -> Wait | None:
        name = d.attributes["brand"]
        status = view.status(name)
        if status == brand.APPROVED:
            step = brand.identity_step(
                view.attribute(name, "brand_type"),
                view.attribute(f"{d.profile}/{brand.PRODUCT}", "company_type"),
            )
            identity = view.recorded_detail(name).get("identity_status")
            if step == brand.OTP and not sole.CAMPAIGN_WAITS_FOR_OTP:
                return None
            if brand.identity_pending(step, identity):
                assert step is not None
                return Wait(
                    "create waits: "
                    + brand.identity_wait_text(
                        name, step, identity, view.recorded_detail(name).get("errors")
                    )
                    + "; Twilio takes campaigns once the brand's identity is verified"
                )
            return None
        return Wait(
            f"create waits for {name} to be {brand.APPROVED} (now {status or 'not created'}): "
            "Twilio registers a campaign only on an approved brand",
            [ActionId(name, Verb.CREATE), ActionId(name, Verb.RESUBMIT)],
        )

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        service = d.attributes["service"]
        return [ActionId(service, Verb.CREATE), ActionId(service, Verb.UPDATE)]

    def fees(self, d: DesiredResource, verb: Verb, view: PlanView) -> Sequence[str]:
        # Each vetting submission may be charged (reference D.7, D.9; UNCONFIRMED whether a
        # resubmission is: counted, the stricter reading).
        return (VETTING_FEE,) if verb in (Verb.CREATE, Verb.RESUBMIT) else ()

    def replacement(
        self,
        d: DesiredResource,
        view: PlanView,
        status: str,
        *,
        attributes_changed: bool,
        numbers_changed: bool,
    ) -> str | None:
        if not attributes_changed:
            return None
        old = view.recorded_attributes(d.name)
        fixed = sorted(
            key
            for key, value in d.attributes.items()
            if key not in campaign.EDITABLE_FIELDS and old.get(key) != value
        )
        if not fixed:
            # Edited in place when FAILED (then back to review); otherwise the lifecycle's
            # lock refuses it (whether Twilio edits a VERIFIED campaign is UNCONFIRMED).
            return None
        if "use_case" in fixed:
            why = (
                f"{d.name}: a campaign's use case cannot change "
                f"({old.get('use_case')} -> {d.attributes['use_case']}); Twilio's way is to "
                "delete the campaign and create it anew"
            )
        else:
            why = (
                f"{d.name}: Twilio's campaign edit does not take {', '.join(fixed)}; the "
                "campaign is deleted and created anew"
            )
        return why + " (a new vetting fee; its numbers stay in its Messaging Service)"
