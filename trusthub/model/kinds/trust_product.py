"""Trust products: what an approved profile unlocks (A2P, SHAKEN/STIR, CNAM, ...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from trusthub.model import lifecycle, mapping, requirements
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.requirements import product_numbers, requirement_gaps


class TrustProductKind(ResourceKind):
    name = "trust_product"
    lifecycle = lifecycle.BUNDLE
    immutable_fields = ("policy",)
    remote_paths = (
        "/v1/TrustProducts",
        "/v1/TrustProducts/{Bundle}/EntityAssignments",
        "/v1/TrustProducts/{Bundle}/ChannelEndpointAssignments",
        "/v1/TrustProducts/{Bundle}/Evaluations",
        "/v1/EndUsers",
    )

    def evaluated(self, d: DesiredResource) -> bool:
        """Declared per product in `requirements.NEEDS` (SHAKEN/STIR has no evaluation)."""
        return requirements.evaluated(d.product or "")

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        submit = bool(data.get("submit", True))
        for product, spec in sorted(data.get("trust_products", {}).items()):
            yield DesiredResource(
                kind=self.name,
                name=f"{profile}/{product}",
                profile=profile,
                attributes={
                    "policy": mapping.TRUST_PRODUCT_POLICY[product],
                    # The A2P brand and campaigns are kinds of their own (`a2p_brand`,
                    # `a2p_campaign`, `messaging_service`), not the product's.
                    **{k: v for k, v in spec.items() if k not in ("numbers", "brand", "campaigns")},
                },
                numbers=tuple(sorted(product_numbers(data, product))),
                submit=submit,
                path=path,
                gaps=tuple(requirement_gaps(data, product)),
            )
