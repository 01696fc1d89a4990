"""Applying an A2P 10DLC campaign: `POST /v1/Services/{MG}/Compliance/Usa2p` for the
brand, after checking the use case against the brand's (`.../Usa2p/Usecases`), an edit of
a FAILED campaign (`POST .../Usa2p/{QE}`), deletion, and reading it back.

A campaign registration costs the vetting fee, so its create is never retried blindly: on
an ambiguous failure (a 5xx or a dropped connection) the `Converger`'s create protocol
lists the service's campaigns and adopts the one for the same brand before it tries
again, and a run killed mid-create is resumed the same way (a Messaging Service holds one
campaign, so a second could not exist anyway). Creates and edits keep Twilio's pace of
one brand or campaign request a second, shared with brand registrations.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from trusthub.apply.kinds.a2p_brand import ROLE as BRAND_ROLE
from trusthub.apply.kinds.a2p_brand import A2PBrandApplier
from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.apply.kinds.messaging_service import ROLE as SERVICE_ROLE
from trusthub.errors import ApplyError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import A2P_BRAND, A2P_CAMPAIGN, KINDS, MESSAGING_SERVICE
from trusthub.plan.model import ActionId, Verb
from trusthub.provider.api import Campaign, Remote

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider

ROLE: Final = "campaign"
SERVICE: Final = "service"  # the Messaging Service it is on (recorded, not created, here)
# Twilio: wait at least 5 s after deleting a campaign before creating one on the same
# Messaging Service (reference K).
RECREATE_DELAY: Final = 5.0

# The campaign's attributes -> the SDK's parameters, for a create and for an edit.
_CREATE: Final = {
    "description": "description",
    "message_flow": "message_flow",
    "message_samples": "message_samples",
    "use_case": "us_app_to_person_usecase",
    "has_embedded_links": "has_embedded_links",
    "has_embedded_phone": "has_embedded_phone",
    "subscriber_opt_in": "subscriber_opt_in",
    "age_gated": "age_gated",
    "direct_lending": "direct_lending",
    "opt_in_keywords": "opt_in_keywords",
    "opt_in_message": "opt_in_message",
    "opt_out_keywords": "opt_out_keywords",
    "opt_out_message": "opt_out_message",
    "help_keywords": "help_keywords",
    "help_message": "help_message",
    "privacy_policy_url": "privacy_policy_url",
    "terms_url": "terms_and_conditions_url",
}
_EDIT: Final = (
    "has_embedded_links",
    "has_embedded_phone",
    "message_samples",
    "message_flow",
    "description",
    "age_gated",
    "direct_lending",
    "privacy_policy_url",
    "terms_url",
)


def _present(value: Any) -> bool:
    return value is not None and value != []


def create_params(d: DesiredResource, brand_sid: str) -> dict[str, Any]:
    a = d.attributes
    sent = {param: a[attr] for attr, param in _CREATE.items() if _present(a.get(attr))}
    return {"brand_registration_sid": brand_sid, **sent}


def edit_params(d: DesiredResource) -> dict[str, Any]:
    a = d.attributes
    return {_CREATE[attr]: a[attr] for attr in _EDIT if _present(a.get(attr))}


def detail(x: Campaign) -> dict[str, Any]:
    return {
        "sid": x.sid,
        "service_sid": x.service_sid,
        "campaign_id": x.campaign_id,
        "use_case": x.use_case,
        "errors": list(x.errors),
    }


class A2PCampaignApplier(KindApplier):
    kind = KINDS[A2P_CAMPAIGN]
    # One pace for brand and campaign requests: Twilio limits them together (reference K).
    pace = A2PBrandApplier.pace

    def _sids(self, c: Converger, d: DesiredResource) -> tuple[str, str]:
        brand = c.rec.sids(A2P_BRAND, str(d.attributes["brand"])).get(BRAND_ROLE)
        service = c.rec.sids(MESSAGING_SERVICE, str(d.attributes["service"])).get(SERVICE_ROLE)
        if brand is None or service is None:
            raise ApplyError(f"{d.name}: its brand or its Messaging Service was not created")
        return brand, service

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        brand, service = self._sids(c, d)
        api = c.api
        c.rec.confirm(self.kind.name, c.name, SERVICE, service)
        sid = c.rec.sids(self.kind.name, c.name).get(ROLE)
        if sid is None:
            use_case = str(d.attributes["use_case"])
            allowed = api.campaign_use_cases(service, brand)
            if use_case not in allowed:
                raise ApplyError(
                    f"{d.name}: Twilio does not offer the use case {use_case} to this brand "
                    f"(it offers {', '.join(allowed) or 'none'}); choose one of those"
                )
            recreated = ActionId(c.name, Verb.DELETE) in c.action.depends_on

            def create() -> str:
                if recreated:
                    time.sleep(RECREATE_DELAY)
                return c.paced(lambda: api.create_campaign(service, create_params(d, brand))).sid

            c.ensure(
                ROLE,
                create=create,
                find=lambda: [
                    Remote(x.sid, "", x.use_case, x.date_created)
                    for x in api.list_campaigns(service)
                    if x.brand_registration_sid == brand
                ],
                delete=lambda s: api.delete_campaign(service, s),
            )
            return
        if update and c.action.changes:
            edited = c.paced(lambda: api.update_campaign(service, sid, edit_params(d)))
            c.say(f"edited: back in review ({edited.status})")

    def submit(self, c: Converger) -> None:
        """A campaign is submitted by its create and resubmitted by its edit: this records
        what Twilio holds after them."""
        sids = c.rec.sids(self.kind.name, c.name)
        x = c.api.fetch_campaign(sids[SERVICE], sids[ROLE])
        c.rec.status(
            self.kind.name, c.name, x.status, action=c.action.verb.value,
            reasons=x.errors, evaluation=detail(x),
        )  # fmt: skip

    def delete(self, c: Converger) -> None:
        sids = c.rec.sids(self.kind.name, c.name)
        sid, service = sids.get(ROLE), sids.get(SERVICE)
        if sid is not None and service is not None:
            c.ignore_missing(lambda: c.api.delete_campaign(service, sid))
            c.say(f"deleted campaign {sid}")
        c.rec.removed(self.kind.name, c.name, action=c.action.verb.value)

    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        sid, service = sids.get(ROLE), sids.get(SERVICE)
        if sid is None or service is None:
            return None
        x = api.fetch_campaign(service, sid)
        return Observation(x.status, x.errors, None, detail=detail(x))
