"""Planning trust products: created once their profile is approved, after the profile's
numbers are assigned; reported as eligible, pending, granted or never."""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model import fees, mapping
from trusthub.model import lifecycle as lc
from trusthub.model import sole_proprietor as sole
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_CAMPAIGN, KINDS, TRUST_PRODUCT
from trusthub.model.kinds import a2p_brand as brand
from trusthub.model.kinds import a2p_campaign as campaign
from trusthub.model.kinds import trust_product as products
from trusthub.model.kinds.tollfree_verification import (
    LEGACY_TRUST_PRODUCT,
    LEGACY_TRUST_PRODUCT_POLICY,
)
from trusthub.plan.kinds.base import (
    KindPlanner,
    LockedEdit,
    PlanView,
    Wait,
    profile_approval_wait,
)
from trusthub.plan.model import ActionId, Eligibility, FieldChange, ProductEligibility, Verb


def _a2p_eligibility(d: DesiredResource, view: PlanView) -> tuple[Eligibility, str]:
    """An approved A2P trust product sends nothing yet: TCR must approve the brand, and a
    campaign must be VERIFIED, before a single A2P message goes out."""
    product = d.product or ""
    name = brand.brand_name(d.profile)
    bstatus = view.status(name)
    if view.desired(name) is None:
        return Eligibility.PENDING, (
            f"{product} is {lc.APPROVED}; declare its brand "
            "(trust_products.a2p_messaging.brand) and have it APPROVED"
        )
    if bstatus != brand.APPROVED:
        return (
            Eligibility.PENDING,
            f"once {name} is {brand.APPROVED} (now {bstatus or 'not created'})",
        )
    step = brand.identity_step(view.attribute(name, "brand_type"), d.attributes.get("company_type"))
    identity = view.recorded_detail(name).get("identity_status")
    if brand.identity_pending(step, identity):
        assert step is not None
        errors = view.recorded_detail(name).get("errors")
        return Eligibility.PENDING, brand.identity_wait_text(name, step, identity, errors)
    names = [
        n
        for n in view.children(d.profile)
        if (c := view.desired(n)) is not None and c.kind == A2P_CAMPAIGN
    ]
    verified = [n for n in names if view.status(n) == campaign.VERIFIED]
    if verified:
        return (
            Eligibility.GRANTED,
            f"{name} is {brand.APPROVED} and {verified[0]} is {campaign.VERIFIED}",
        )
    if not names:
        return Eligibility.PENDING, (
            f"{name} is {brand.APPROVED}; declare a campaign "
            "(trust_products.a2p_messaging.campaigns) and have it VERIFIED"
        )
    states = ", ".join(f"{n}: {view.status(n) or 'not created'}" for n in names)
    return Eligibility.PENDING, f"once a campaign is {campaign.VERIFIED} ({states})"


_SUBMITTED = frozenset({lc.PENDING_REVIEW, lc.IN_REVIEW, lc.APPROVED})


def _starter_submission_wait(d: DesiredResource, view: PlanView) -> Wait | None:
    """The sole-proprietor trust product follows its starter profile's *submission*: Twilio's
    SP guide says not to wait for approvals along the chain, and the starter profile is
    approved only after the brand's OTP (reference C)."""
    status = view.status(d.profile)
    if status in _SUBMITTED:
        return None
    submits = [ActionId(d.profile, v) for v in (Verb.SUBMIT, Verb.RESUBMIT)]
    if any(view.action(a) is not None for a in submits):
        return None  # submitted in this apply: the create follows it (create_after)
    return Wait(
        f"create waits for {d.profile} to be submitted (now {status or 'not created'}): "
        "the sole-proprietor trust product follows its starter profile's submission",
        submits,
    )


class TrustProductPlanner(KindPlanner):
    kind = KINDS[TRUST_PRODUCT]

    def locked_edit(
        self, d: DesiredResource, view: PlanView, status: str, changes: Sequence[FieldChange]
    ) -> LockedEdit | None:
        # Twilio's fix of a failed Authentication+ (reference D.5.7): a new brand contact on
        # the A2P trust product's end user, whatever the product's status, then a new check
        # (`POST .../{BN}/2fa`, a new fee); the brand kind decides when it applies.
        if d.product != brand.PRODUCT or {c.path[0] for c in changes} != {brand.CONTACT}:
            return None
        name = brand.brand_name(d.profile)
        detail = view.recorded_detail(name)
        if not brand.authentication_failed(
            view.status(name), detail.get("identity_status"), detail.get("errors")
        ):
            return None
        return LockedEdit(
            f"{d.name} is {status}, but Twilio takes this one edit: {name}'s Authentication+ "
            f"check FAILED, so apply changes {brand.CONTACT} on the trust product's end user "
            "and asks TCR for a new check (POST .../2fa), which mails the new contact",
            (fees.AUTHENTICATION_PLUS,),
        )

    def eligibility(self, d: DesiredResource, view: PlanView) -> ProductEligibility | None:
        product = d.product or ""
        if d.gaps:
            return ProductEligibility(d.profile, product, Eligibility.NEVER, "; ".join(d.gaps))
        pstatus = view.status(d.profile)
        if view.status(d.name) == lc.APPROVED and product == brand.PRODUCT:
            # An approved A2P trust product sends nothing yet: TCR must approve the brand.
            # Campaigns come next: then `granted` once a campaign is VERIFIED.
            state, detail = _a2p_eligibility(d, view)
        elif view.status(d.name) == lc.APPROVED:
            state, detail = Eligibility.GRANTED, f"{product} is {lc.APPROVED}"
        elif pstatus == lc.APPROVED:
            state, detail = Eligibility.ELIGIBLE, f"{d.profile} is {lc.APPROVED}"
        else:
            state, detail = (
                Eligibility.PENDING,
                f"once {d.profile} is {lc.APPROVED} (now {pstatus or 'not created'})",
            )
        return ProductEligibility(d.profile, product, state, detail)

    def refusal(self, d: DesiredResource, view: PlanView) -> str | None:
        return f"{d.name} can never be granted: " + "; ".join(d.gaps) if d.gaps else None

    def create_wait(self, d: DesiredResource, view: PlanView) -> Wait | None:
        if d.attributes.get("policy") == sole.POLICY_TRUST_PRODUCT:
            return _starter_submission_wait(d, view)
        return profile_approval_wait(d, view)

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        after = [ActionId(d.profile, Verb.ADOPT), ActionId(d.profile, Verb.ASSIGN)]
        if d.attributes.get("policy") == sole.POLICY_TRUST_PRODUCT:
            after += [ActionId(d.profile, v) for v in (Verb.SUBMIT, Verb.RESUBMIT)]
        return after

    def assign_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return [ActionId(d.profile, Verb.ASSIGN)]

    def deletable(self, name: str, view: PlanView) -> bool:
        product = products.product_of(name, view.recorded_attributes(name).get("policy"))
        return products.can_delete(product, view.status(name))

    def delete_note(self, name: str, view: PlanView) -> str:
        if self._legacy_toll_free(name, view):
            return (
                f"delete the trust product {name}: toll-free verification is no longer a "
                "trust product trusthub makes (Twilio builds the toll-free objects itself, "
                "behind a verification; see toll_free_verifications)"
            )
        product = products.product_of(name, view.recorded_attributes(name).get("policy"))
        if view.status(name) == lc.APPROVED and product in products.DELETABLE_WHEN_APPROVED:
            return (
                f"delete the {lc.APPROVED} trust product {name}: Twilio lets a "
                f"{mapping.TRUST_PRODUCT_LABELS.get(product, product)} trust product be "
                "deleted; its numbers lose what it gave them"
            )
        return ""

    # -- the toll-free trust product of older trusthub versions ------------------------------

    @staticmethod
    def _legacy_toll_free(name: str, view: PlanView) -> bool:
        return (
            name.partition("/")[2] == LEGACY_TRUST_PRODUCT
            or view.recorded_attributes(name).get("policy") == LEGACY_TRUST_PRODUCT_POLICY
        )

    def forget(self, name: str, view: PlanView) -> str | None:
        if not self._legacy_toll_free(name, view) or self.kind.lifecycle.can_delete(
            view.status(name)
        ):
            return None
        return (
            f"forget the trust product {name}: toll-free verification is no longer a trust "
            "product trusthub makes (Twilio builds the toll-free objects itself, behind a "
            "verification; see toll_free_verifications). trusthub stops managing it and "
            "leaves it on Trust Hub as it is"
        )
