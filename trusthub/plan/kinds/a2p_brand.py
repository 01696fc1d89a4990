"""Planning A2P 10DLC brands, in Twilio's order (reference D.2, D.3): a brand is created
once its customer profile and its A2P trust product are *submitted*; Twilio says not to wait
for their approval ("no waiting where Twilio says none is needed"). Creating a brand costs
the registration fee (and, for a standard brand, the secondary vetting fee). A FAILED brand
is resubmitted once its profile or trust product is fixed, only with a TCR id (21725), and
at most three times (21724)."""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model import fees
from trusthub.model import lifecycle as lc
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_BRAND, A2P_CAMPAIGN, KINDS
from trusthub.model.kinds import a2p_brand as brand
from trusthub.plan.kinds.base import KindPlanner, PlanView, Wait
from trusthub.plan.model import ActionId, Verb

# Fee kinds as the plan names them (`trusthub.model.fees`, amounts: reference D.9).
REGISTRATION_FEE = fees.BRAND_REGISTRATION
VETTING_FEE = fees.SECONDARY_VETTING

_SUBMITTED = frozenset({lc.PENDING_REVIEW, lc.IN_REVIEW, lc.APPROVED})
_IN_REVIEW = frozenset({lc.PENDING_REVIEW, lc.IN_REVIEW})


def _upstream(d: DesiredResource) -> tuple[str, str]:
    """The customer profile and the A2P trust product a brand is registered from."""
    return d.profile, f"{d.profile}/{brand.PRODUCT}"


class A2PBrandPlanner(KindPlanner):
    kind = KINDS[A2P_BRAND]

    def refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        product = view.desired(_upstream(d)[1])
        if product is not None and product.gaps:
            return (
                f"{d.name} needs the A2P messaging trust product, which this profile can "
                "never get: " + "; ".join(product.gaps)
            )
        return None

    def _submissions(self, d: DesiredResource, view: PlanView) -> tuple[list[ActionId], str]:
        """The upstream submissions this plan makes, and what the brand waits for ("")."""
        after: list[ActionId] = []
        waits = []
        for name in _upstream(d):
            status = view.status(name)
            if status in _SUBMITTED:
                continue
            submits = [
                ActionId(name, verb)
                for verb in (Verb.SUBMIT, Verb.RESUBMIT)
                if view.action(ActionId(name, verb)) is not None
            ]
            if submits:
                after += submits
            else:
                waits.append(f"{name} to be submitted (now {status or 'not created'})")
        return after, " and ".join(waits)

    def create_wait(self, d: DesiredResource, view: PlanView) -> Wait | None:
        _after, waits = self._submissions(d, view)
        if not waits:
            return None
        profile, product = _upstream(d)
        return Wait(
            f"create waits for {waits}: Twilio registers a brand once its profile and "
            "A2P trust product are submitted (their approval need not come first)",
            [ActionId(n, v) for n in (profile, product) for v in (Verb.SUBMIT, Verb.RESUBMIT)],
        )

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return self._submissions(d, view)[0]

    def fees(self, d: DesiredResource, verb: Verb, view: PlanView) -> Sequence[str]:
        if verb is not Verb.CREATE:
            return ()  # resubmissions within the cap are free (D.3, D.9)
        vetted = (
            d.attributes["brand_type"] == "STANDARD" and not d.attributes["skip_automatic_sec_vet"]
        )
        return (REGISTRATION_FEE, VETTING_FEE) if vetted else (REGISTRATION_FEE,)

    def resubmit_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        # The fix of a FAILED brand is upstream: its profile's or its trust product's.
        return [
            ActionId(name, verb)
            for name in _upstream(d)
            for verb in (Verb.UPDATE, Verb.RESUBMIT)
            if view.action(ActionId(name, verb)) is not None
        ]

    def fixed_earlier(self, d: DesiredResource, view: PlanView) -> str | None:
        # A fix applied in an earlier run (the profile or trust product edited and
        # resubmitted after the brand failed, say by `apply --target`, or a run that stopped
        # before the brand's turn) is picked up by resubmitting the brand now. Only an
        # upstream back in review since the failure counts: one merely approved since may
        # have been under review all along (no fix), and a resubmission without a fix
        # would spend one of the three free ones. A brand without a TCR id waits (21725).
        failed = view.status_since(d.name)
        if view.status(d.name) != brand.FAILED or not failed:
            return None
        if not view.recorded_detail(d.name).get("tcr_id"):
            return None
        for name in _upstream(d):
            since = view.status_since(name)
            if view.status(name) in _IN_REVIEW and since is not None and since > failed:
                return (
                    f"{name} was resubmitted ({view.status(name)} since {since}) after "
                    f"{d.name} failed ({failed}): the brand is resubmitted to pick up the fix"
                )
        return None

    def resubmit_refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        # Campaigns (not its vetting, which names the brand too) hold a brand's edits.
        campaigns = [
            n
            for n in (*view.referring("brand", d.name), *view.recorded_referring("brand", d.name))
            if view.status(n) is not None and KINDS[A2P_CAMPAIGN].valid_name(n)
        ]
        if campaigns:
            # Twilio: while any campaign exists under a brand, the brand cannot be edited
            # (reference D.3, TS-CAMP).
            return (
                f"{d.name} has campaigns ({', '.join(sorted(campaigns))}): Twilio does not "
                "allow a brand with campaigns to be edited or resubmitted. Delete the "
                "campaigns first (remove them from the profile), then resubmit the brand."
            )
        detail = view.recorded_detail(d.name)
        cap = self.kind.lifecycle.resubmission_cap
        done = int(detail.get("resubmissions") or 0)
        if cap is not None and done >= cap:
            return (
                f"{d.name} was resubmitted {done} times already: Twilio refuses a fourth "
                f"resubmission (error {brand.RESUBMISSION_REFUSED_CODE}). Contact Twilio "
                "support, or register a new brand in the Console (a new registration fee)."
            )
        if not detail.get("tcr_id"):
            return (
                f"{d.name} is {brand.FAILED} without a TCR id: Twilio resubmits only brands "
                f"TCR registered (error {brand.NOT_FAILED_CODE}). Register a new brand in "
                "the Console (a new registration fee)."
            )
        return None
