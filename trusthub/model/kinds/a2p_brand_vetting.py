"""A2P 10DLC brand vettings: a political brand's Campaign Verify token, imported into its
registered brand through `POST /v1/a2p/BrandRegistrations/{BN}/Vettings` (reference D.4),
the resource `<profile>/a2p-brand-vetting` (kind `a2p_brand_vetting`).

A political organisation proves itself to TCR with a token from Campaign Verify rather
than a secondary vetting; it registers its brand with `skip_automatic_sec_vet` (D.1) and
imports the token (`VettingProvider=campaign-verify`, vetting class `POLITICAL`) once the
brand is registered (`APPROVED`). The vetting goes `IN_PROGRESS -> SUCCESS | FAILED`; a
token Campaign Verify does not take is refused (30713-30715). Twilio has no edit and no
DELETE of a vetting: a FAILED vetting is followed by a new import of a new token (the old
one stays on the brand), one still under way or successful is left as it is. Each import
may be charged (D.9 gives no amount; UNCONFIRMED: counted, the stricter reading).

The automatic secondary vetting of a standard brand (`aegis`) is TCR's own doing, paid
with the brand (`fees.SECONDARY_VETTING`); it is read back with the brand, not declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.a2p_brand import PRODUCT, brand_name
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.lifecycle import Lifecycle

PENDING: Final = "PENDING"
IN_PROGRESS: Final = "IN_PROGRESS"
SUCCESS: Final = "SUCCESS"
FAILED: Final = "FAILED"
STATUSES: Final = (PENDING, IN_PROGRESS, SUCCESS, FAILED)

NAME_SUFFIX: Final = "a2p-brand-vetting"  # "<profile>/a2p-brand-vetting"
CAMPAIGN_VERIFY: Final = "campaign-verify"  # Twilio's VettingProvider
TOKEN_CODES: Final = (30713, 30714, 30715)  # Campaign Verify token problems (reference L)

VETTING: Final = Lifecycle(
    draft=IN_PROGRESS,  # an import goes straight to the provider: there is no draft
    submitted=IN_PROGRESS,
    approved=SUCCESS,
    rejected=FAILED,
    statuses=STATUSES,
    editable=frozenset(),  # no edit in the API: a new token is a new import
    deletable=frozenset(),  # no DELETE in the API
    submittable=frozenset(),
    under_review=frozenset({PENDING, IN_PROGRESS}),
    review_outcome=f"{IN_PROGRESS} -> {SUCCESS} | {FAILED}",
    service="Twilio",
    objects="vettings",
)


def vetting_name(profile: str) -> str:
    return f"{profile}/{NAME_SUFFIX}"


class A2PBrandVettingKind(ResourceKind):
    name = "a2p_brand_vetting"
    lifecycle = VETTING
    # A vetting belongs to its brand; the token may change only by a new import (the
    # planner's `replacement`, for a FAILED one).
    immutable_fields = ("brand", "provider")
    root_role = "vetting"
    label = "A2P 10DLC brand vetting"
    remote_paths = (
        "/v1/a2p/BrandRegistrations/{BrandSid}/Vettings",
        "/v1/a2p/BrandRegistrations/{BrandSid}/Vettings/{BrandVettingSid}",
    )

    def valid_name(self, name: str) -> bool:
        profile, _, part = name.partition("/")
        return bool(profile) and part == NAME_SUFFIX

    def evaluated(self, d: DesiredResource) -> bool:
        return False  # no Trust Hub policy: TCR and the vetting provider decide

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        brand = ((data.get("trust_products") or {}).get(PRODUCT) or {}).get("brand") or {}
        token = brand.get("campaign_verify_token")
        if not token:
            return
        yield DesiredResource(
            kind=self.name,
            name=vetting_name(profile),
            profile=profile,
            attributes={
                "brand": brand_name(profile),
                "provider": CAMPAIGN_VERIFY,
                "vetting_id": str(token).strip(),
            },
            numbers=(),
            submit=False,  # importing it submits it
            path=path,
        )
