"""Applying a Messaging Service: `POST /v1/Services` under a friendly name unique to the
resource (so a create whose answer was lost, or a run killed after it, is found again by
listing), then its numbers: each missing one added (`POST .../PhoneNumbers`), each extra
one removed. A number another service holds (Twilio: 21712) is removed from that service
first, then added: moving a number between services never leaves it in two."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, MESSAGING_SERVICE
from trusthub.model.kinds import messaging_service as ms
from trusthub.provider.api import Remote
from trusthub.provider.errors import RemoteRefused

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider

ROLE: Final = "service"


def _add(c: Converger, service: str, number: str) -> None:
    try:
        c.api.add_service_number(service, number)
    except RemoteRefused as e:
        if e.code == ms.NUMBER_IN_THIS_SERVICE:
            return  # an earlier attempt got through
        if e.code != ms.NUMBER_IN_ANOTHER_SERVICE:
            raise
        for other in c.api.list_services():
            if other.sid != service and number in c.api.service_numbers(other.sid):
                c.ignore_missing(lambda o=other.sid: c.api.remove_service_number(o, number))  # type: ignore[misc]
                c.say(f"removed number {number} from Messaging Service {other.sid} first")
        c.api.add_service_number(service, number)
    c.say(f"added number {number}")


class MessagingServiceApplier(KindApplier):
    kind = KINDS[MESSAGING_SERVICE]

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        fname = c.object_name(ROLE)
        usecase = str(d.attributes["usecase"])
        api = c.api
        sid, new = c.ensure(
            ROLE,
            create=lambda: api.create_service(friendly_name=fname, usecase=usecase).sid,
            find=lambda: [
                Remote(s.sid, s.friendly_name, MESSAGING_SERVICE, s.date_created)
                for s in api.list_services()
                if s.friendly_name == fname
            ],
            delete=api.delete_service,
        )
        if update and not new and "usecase" in c.touched():
            api.update_service(sid, friendly_name=fname, usecase=usecase)
            c.say(f"updated use case: {usecase}")
        wanted = {c.number_sid(n) for n in d.numbers}
        present = api.service_numbers(sid)
        for number in sorted(wanted - present):
            _add(c, sid, number)
        for number in sorted(present - wanted):
            c.ignore_missing(lambda n=number: api.remove_service_number(sid, n))  # type: ignore[misc]
            c.say(f"removed number {number}")

    def submit(self, c: Converger) -> None:
        """A Messaging Service is never reviewed (the plan submits none)."""

    def delete(self, c: Converger) -> None:
        sid = c.rec.sids(self.kind.name, c.name).get(ROLE)
        if sid is not None:
            c.ignore_missing(lambda: c.api.delete_service(sid))
            c.say(f"deleted Messaging Service {sid}")
        c.rec.removed(self.kind.name, c.name, action=c.action.verb.value)

    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        sid = sids.get(ROLE)
        if sid is None:
            return None
        # Raises not-found when the service is gone. A refresh answers it from one listing
        # of the account's services (`trusthub.app.listing`), not a request apiece.
        api.fetch_service(sid)
        return Observation(ms.ACTIVE, (), None)
