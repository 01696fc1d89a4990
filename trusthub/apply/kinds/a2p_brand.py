"""Applying an A2P 10DLC brand: `POST /v1/a2p/BrandRegistrations` with the customer profile's
and the A2P trust product's bundle SIDs, resubmission of a FAILED brand, and reading it back.

A brand registration costs a fee, so its create is never retried blindly: on an ambiguous
failure (a 5xx or a dropped connection after the request went out) the `Converger`'s create
protocol lists the account's brand registrations and adopts the one registered for the same
two bundles before it tries again (reference K, D.9). A crashed run is resumed the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trusthub.apply import objects
from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.apply.pacing import Pace
from trusthub.errors import ApplyError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_BRAND, KINDS, PROFILE, TRUST_PRODUCT
from trusthub.model.kinds import a2p_brand as brand
from trusthub.provider.api import BrandRegistration, Remote
from trusthub.provider.errors import AmbiguousCreateError, RemoteRefused

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider

ROLE = "brand"
RESUBMISSION = "resubmission:"  # roles "resubmission:1".. count the resubmissions sent


def _resubmissions(sids: Mapping[str, str]) -> int:
    return sum(1 for role in sids if role.startswith(RESUBMISSION))


def _detail(b: BrandRegistration, sids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "sid": b.sid,
        "tcr_id": b.tcr_id,
        "identity_status": b.identity_status,
        "errors": list(b.errors),
        "failure_reason": b.failure_reason,
        "resubmissions": _resubmissions(sids),
    }


def _authentication_failed(b: BrandRegistration) -> bool:
    return brand.authentication_failed(b.status, b.identity_status, b.errors)


def retry_authentication(c: Converger, profile: str) -> None:
    """A new Authentication+ check of the profile's brand (`POST .../{BN}/2fa`), once the
    brand contact was changed on the A2P trust product's end user (reference D.5.7); the
    planned trust product update carries its fee and calls this after the change.

    Fee-bearing, so never sent blindly: it is sent only while the brand's last check is
    FAILED (a crashed run that sent it finds the check under way and stops), and after an
    ambiguous failure the brand is read to learn whether it took effect before it is sent
    again."""
    name = brand.brand_name(profile)
    sids = c.rec.sids(A2P_BRAND, name)
    sid = sids.get(ROLE)
    if sid is None:
        raise ApplyError(f"{name}: no brand is recorded, so no Authentication+ check to retry")
    for _attempt in range(3):
        current = c.api.fetch_brand(sid)
        if not _authentication_failed(current):
            c.say(f"{name}: Authentication+ is {current.identity_status}, no new check is sent")
            break
        try:
            current = c.api.retry_brand_authentication(sid)
        except AmbiguousCreateError:
            continue  # read the brand again: did TCR start the check?
        c.say(f"{name}: a new Authentication+ check was asked for (the contact has 7 days)")
        break
    else:
        raise ApplyError(
            f"{name}: the new Authentication+ check could not be asked for: Twilio kept "
            "failing; apply again (it reads the brand first, so no check is paid twice)"
        )
    c.rec.status(
        A2P_BRAND, name, current.status, action="authentication",
        reasons=current.errors, evaluation=_detail(current, sids),
    )  # fmt: skip


class A2PBrandApplier(KindApplier):
    kind = KINDS[A2P_BRAND]
    # Twilio takes at most one brand registration request a second (reference K); the
    # creates and resubmissions go through `Converger.paced`.
    pace = Pace("a2p brand registrations", per_second=1.0)

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        if update:
            return  # nothing of a brand is edited through the API (all fields immutable)
        profile = c.rec.sids(PROFILE, d.profile).get(objects.BUNDLE)
        product = c.rec.sids(TRUST_PRODUCT, f"{d.profile}/{brand.PRODUCT}").get(objects.BUNDLE)
        if profile is None or product is None:
            raise ApplyError(f"{d.name}: its customer profile or A2P trust product has no bundle")
        brand_type, skip, mock = brand.brand_params(d.attributes)

        def find() -> list[Remote]:
            return [
                Remote(b.sid, "", b.brand_type, b.date_created)
                for b in c.api.list_brands()
                if b.customer_profile_bundle_sid == profile and b.a2p_profile_bundle_sid == product
            ]

        def cannot_delete(sid: str) -> None:
            # Twilio's API has no DELETE for brands: a duplicate stays (and was charged).
            c.say(f"a second brand {sid} exists for the same bundles; only support can remove it")

        c.ensure(
            ROLE,
            create=lambda: (
                c.paced(
                    lambda: c.api.create_brand(
                        customer_profile_sid=profile,
                        a2p_profile_sid=product,
                        brand_type=brand_type,
                        skip_automatic_sec_vet=skip,
                        mock=mock,
                    )
                ).sid
            ),
            find=find,
            delete=cannot_delete,
        )

    def submit(self, c: Converger) -> None:
        """Resubmit a FAILED brand (the plan checked the cap and the TCR id)."""
        sids = c.rec.sids(A2P_BRAND, c.name)
        sid = sids[ROLE]
        current = c.api.fetch_brand(sid)
        if current.status != brand.FAILED:
            c.say(f"already {current.status}")  # a crashed run got this far
            c.rec.status(
                A2P_BRAND, c.name, current.status, action=c.action.verb.value,
                evaluation=_detail(current, sids),
            )  # fmt: skip
            return
        try:
            sent = c.paced(lambda: c.api.resubmit_brand(sid))
        except RemoteRefused as e:
            # A resubmission answered 5xx after it took effect is retried by the transport;
            # the retry is refused because the brand is no longer FAILED: it happened.
            if e.code != brand.NOT_FAILED_CODE:
                raise
            sent = c.api.fetch_brand(sid)
            if sent.status == brand.FAILED:
                raise
        count = _resubmissions(sids) + 1
        c.rec.confirm(A2P_BRAND, c.name, f"{RESUBMISSION}{count}", sid)
        sids = c.rec.sids(A2P_BRAND, c.name)
        c.say(f"resubmitted ({count} of {brand.RESUBMISSION_CAP} free): -> {sent.status}")
        c.rec.status(
            A2P_BRAND, c.name, sent.status, action=c.action.verb.value,
            reasons=sent.errors, evaluation=_detail(sent, sids),
        )  # fmt: skip

    def delete(self, c: Converger) -> None:
        # The plan refuses it (no DELETE in Twilio's API); forget nothing.
        raise ApplyError(f"{c.name}: Twilio's API cannot delete a brand registration")

    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        sid = sids.get(ROLE)
        if sid is None:
            return None
        b = api.fetch_brand(sid)
        return Observation(b.status, b.errors, None, detail=_detail(b, sids))
