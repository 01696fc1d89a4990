"""Planning Messaging Services (`trusthub.model.kinds.messaging_service`): created as soon
as the profile exists (Twilio lets a service be made while the brand is under review,
reference D.6), after the profile's numbers are in the account; its numbers (the
campaign's) are assigned in any state and moved from another service first. Deleted after
its campaign."""

from __future__ import annotations

from collections.abc import Sequence

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, MESSAGING_SERVICE
from trusthub.model.kinds import a2p_campaign as campaign
from trusthub.model.kinds import messaging_service as service
from trusthub.plan.kinds.base import KindPlanner, PlanView
from trusthub.plan.model import ActionId, Verb


def _campaign_of(name: str) -> str:
    profile, _, part = name.partition("/")
    return campaign.campaign_name(profile, part.removeprefix(service.NAME_PREFIX))


class MessagingServicePlanner(KindPlanner):
    kind = KINDS[MESSAGING_SERVICE]

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        # The numbers must be in the account: the profile's assignment provisions them.
        return [ActionId(d.profile, Verb.CREATE), ActionId(d.profile, Verb.ASSIGN)]

    def assign_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return [ActionId(d.profile, Verb.ASSIGN)]

    def delete_after(self, name: str, view: PlanView) -> Sequence[ActionId]:
        c = _campaign_of(name)
        known = view.desired(c) is not None or view.status(c) is not None
        return [ActionId(c, Verb.DELETE)] if known else []

    def delete_note(self, name: str, view: PlanView) -> str:
        return "its numbers leave it with it (they stay in the account)"
