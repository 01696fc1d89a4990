"""The appliers of the registered kinds, by kind name (see `trusthub.model.kinds`)."""

from __future__ import annotations

from typing import Final

from trusthub.apply.kinds.a2p_brand import A2PBrandApplier
from trusthub.apply.kinds.a2p_brand_vetting import A2PBrandVettingApplier
from trusthub.apply.kinds.a2p_campaign import A2PCampaignApplier
from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.apply.kinds.messaging_service import MessagingServiceApplier
from trusthub.apply.kinds.profile import ProfileApplier
from trusthub.apply.kinds.subaccount import SubaccountApplier
from trusthub.apply.kinds.tollfree_verification import TollfreeVerificationApplier
from trusthub.apply.kinds.trust_product import TrustProductApplier

APPLIERS: Final[dict[str, KindApplier]] = {
    applier.kind.name: applier
    for applier in (
        SubaccountApplier(),
        ProfileApplier(),
        TrustProductApplier(),
        A2PBrandApplier(),
        A2PBrandVettingApplier(),
        TollfreeVerificationApplier(),
        MessagingServiceApplier(),
        A2PCampaignApplier(),
    )
}

__all__ = ["APPLIERS", "KindApplier", "Observation"]
