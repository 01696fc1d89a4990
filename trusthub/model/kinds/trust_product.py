"""Trust products: what an approved profile unlocks (A2P, SHAKEN/STIR, CNAM, ...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from trusthub.model import lifecycle, mapping, requirements
from trusthub.model import sole_proprietor as sole
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.requirements import product_numbers, requirement_gaps

# Products Twilio lets a client delete once approved, besides the draft or rejected bundles
# every product may delete: CNAM ("remove it by unassigning the number or deleting the
# trust product", section G of the onboarding reference). While one is under review the
# lifecycle's lock holds (whether Twilio deletes it then is UNCONFIRMED: the stricter
# reading). The planner and the sandbox both read this.
DELETABLE_WHEN_APPROVED: Final = frozenset({"cnam"})


def product_of(name: str, policy: object = None) -> str:
    """The product of a trust product named `<profile>/<product>` (or with that policy)."""
    by_policy = {sid: product for product, sid in mapping.TRUST_PRODUCT_POLICY.items()}
    if isinstance(policy, str) and policy in by_policy:
        return by_policy[policy]
    return name.partition("/")[2]


def can_delete(product: str, status: str | None) -> bool:
    """Whether Twilio deletes a trust product of `product` in `status`."""
    if status == lifecycle.APPROVED and product in DELETABLE_WHEN_APPROVED:
        return True
    return lifecycle.BUNDLE.can_delete(status)


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
            if product == "a2p_messaging" and sole.is_starter(data):
                # A starter profile's A2P product is the sole-proprietor trust product.
                yield DesiredResource(
                    kind=self.name,
                    name=f"{profile}/{product}",
                    profile=profile,
                    attributes={"policy": sole.POLICY_TRUST_PRODUCT, **sole.product_spec(data)},
                    numbers=(),
                    submit=submit,
                    path=path,
                    gaps=tuple(requirement_gaps(data, product)),
                )
                continue
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
