"""Applying an A2P 10DLC brand vetting: `POST /v1/a2p/BrandRegistrations/{BN}/Vettings`
with the Campaign Verify token, and reading it back.

An import may be charged, so it is never retried blindly: on an ambiguous failure (a 5xx
or a dropped connection after the request went out) the `Converger`'s create protocol
lists the brand's Campaign Verify vettings and adopts the one for the same token before it
tries again (reference K, D.9), as brand and campaign creation do. A crashed run is resumed
the same way. Unlike a brand, a vetting is not read back by `trusthub import`, so an import
that the state does not know of yet is looked for before every first POST: the token may
already be on the brand. Twilio has no DELETE of a vetting: deleting one only forgets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from trusthub.apply.kinds.a2p_brand import ROLE as BRAND_ROLE
from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.errors import ApplyError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_BRAND, A2P_BRAND_VETTING, KINDS
from trusthub.provider.api import Remote

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider

ROLE = "vetting"
BRAND = "brand"  # the brand registration's SID, recorded beside the vetting's (to read it)


class A2PBrandVettingApplier(KindApplier):
    kind = KINDS[A2P_BRAND_VETTING]

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        if update:
            return  # nothing of a vetting is edited (the plan replaces a FAILED one)
        brand_sid = c.rec.sids(A2P_BRAND, str(d.attributes["brand"])).get(BRAND_ROLE)
        if brand_sid is None:
            raise ApplyError(f"{d.name}: its brand {d.attributes['brand']} is not registered")
        provider, token = str(d.attributes["provider"]), str(d.attributes["vetting_id"])

        def find() -> list[Remote]:
            return [
                Remote(v.sid, "", v.provider, v.date_created)
                for v in c.api.list_brand_vettings(brand_sid, provider=provider)
                if v.vetting_id == token
            ]

        def cannot_delete(sid: str) -> None:
            c.say(f"a second vetting {sid} exists for the same token; Twilio cannot delete it")

        c.rec.confirm(A2P_BRAND_VETTING, c.name, BRAND, brand_sid)
        c.ensure(
            ROLE,
            create=lambda: (
                c.api.create_brand_vetting(brand_sid, provider=provider, vetting_id=token).sid
            ),
            find=find,
            delete=cannot_delete,
            find_first=True,
        )

    def submit(self, c: Converger) -> None:
        raise ApplyError(f"{c.name}: a vetting is submitted by its import")

    def delete(self, c: Converger) -> None:
        c.say("Twilio's API cannot delete a vetting: forgotten, it stays on the brand")
        c.rec.removed(A2P_BRAND_VETTING, c.name, action=c.action.verb.value)

    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        sid, brand_sid = sids.get(ROLE), sids.get(BRAND)
        if sid is None or brand_sid is None:
            return None
        v = api.fetch_brand_vetting(brand_sid, sid)
        detail = {"sid": v.sid, "vetting_class": v.vetting_class, "provider": v.provider}
        return Observation(v.status, (), None, detail=detail)
