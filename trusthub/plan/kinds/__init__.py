"""The planners of the registered kinds, by kind name (see `trusthub.model.kinds`)."""

from __future__ import annotations

from typing import Final

from trusthub.plan.kinds.a2p_brand import A2PBrandPlanner
from trusthub.plan.kinds.a2p_brand_vetting import A2PBrandVettingPlanner
from trusthub.plan.kinds.a2p_campaign import A2PCampaignPlanner
from trusthub.plan.kinds.base import KindPlanner, PlanOptions, PlanView, Wait
from trusthub.plan.kinds.messaging_service import MessagingServicePlanner
from trusthub.plan.kinds.profile import ProfilePlanner
from trusthub.plan.kinds.subaccount import SubaccountPlanner
from trusthub.plan.kinds.tollfree_verification import TollfreeVerificationPlanner
from trusthub.plan.kinds.trust_product import TrustProductPlanner

PLANNERS: Final[dict[str, KindPlanner]] = {
    planner.kind.name: planner
    for planner in (
        SubaccountPlanner(),
        ProfilePlanner(),
        TrustProductPlanner(),
        A2PBrandPlanner(),
        A2PBrandVettingPlanner(),
        TollfreeVerificationPlanner(),
        MessagingServicePlanner(),
        A2PCampaignPlanner(),
    )
}

__all__ = ["PLANNERS", "KindPlanner", "PlanOptions", "PlanView", "Wait"]
