"""A resource kind registered for the tests only: shaped as an A2P brand registration is,
with statuses that are not Trust Hub's (the `brand` fixture registers it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import ResourceKind
from trusthub.model.lifecycle import Lifecycle

BRAND_STATUSES = ("PENDING", "IN_REVIEW", "APPROVED", "FAILED")
BRAND_LIFECYCLE = Lifecycle(
    draft="PENDING",
    submitted="IN_REVIEW",
    approved="APPROVED",
    rejected="FAILED",
    statuses=BRAND_STATUSES,
    editable=frozenset({"PENDING", "FAILED"}),
    deletable=frozenset({"PENDING", "FAILED"}),
    submittable=frozenset({"PENDING", "FAILED"}),
    under_review=frozenset({"IN_REVIEW"}),
    review_outcome="IN_REVIEW -> APPROVED | FAILED",
)
BRAND = "acme/brands/primary"  # a resource of the kind


class BrandKind(ResourceKind):
    """Names `<profile>/brands/<brand>`: no profile's or trust product's name looks so."""

    name = "test_brand_registration"
    lifecycle = BRAND_LIFECYCLE

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        return ()

    def valid_name(self, name: str) -> bool:
        parts = name.split("/")
        return len(parts) == 3 and all(parts) and parts[1] == "brands"
