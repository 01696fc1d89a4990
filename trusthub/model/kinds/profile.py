"""Customer profiles: the identity every other resource hangs on.

Primary profiles are made in the Twilio Console, never through the API (Twilio answers 400
"restricted via API for Primary Customer Profiles"): a primary's file names its bundle by
`sid: BU...`, and trusthub adopts it, then never creates, updates, submits, resubmits or
deletes that bundle or its end users, address and documents. The one place this choice is
made, for what does go through the API around a primary:

* its phone numbers (channel-endpoint assignments) ARE assigned and unassigned by trusthub
  through the API, as Twilio documents for direct customers (reference section F: numbers
  go onto the primary profile), in any status of the bundle;
* its own trust products (SHAKEN/STIR, CNAM, Voice Integrity) ARE created, submitted and
  deleted by trusthub, with the adopted primary's SID assigned to them;
* a secondary's entity assignment names the adopted primary's SID.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from trusthub.model import lifecycle
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.base import ResourceKind

# Keys of a profile document that are not sent to Trust Hub as profile attributes.
NOT_ATTRIBUTES: Final = frozenset(
    {
        "apiVersion",
        "kind",
        "trust_products",
        "toll_free_verifications",
        "phone_numbers",
        "submit",
        "terms_of_service_accepted",
        "account",  # where its objects are made (`DesiredResource.account`), not what
        "moved",  # a rename of the profile in the workspace (`trusthub.plan.moves`)
    }
)


class ProfileKind(ResourceKind):
    name = "profile"
    lifecycle = lifecycle.BUNDLE
    immutable_fields = ("type", "role", "primary")
    remote_paths = (
        "/v1/CustomerProfiles",
        "/v1/CustomerProfiles/{Bundle}/EntityAssignments",
        "/v1/CustomerProfiles/{Bundle}/ChannelEndpointAssignments",
        "/v1/CustomerProfiles/{Bundle}/Evaluations",
        "/v1/EndUsers",
        "/v1/SupportingDocuments",
        "/2010-04-01/Accounts/{AccountSid}/Addresses.json",
        "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
    )

    def valid_name(self, name: str) -> bool:
        return bool(name) and "/" not in name

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        yield DesiredResource(
            kind=self.name,
            name=profile,
            profile=profile,
            attributes={k: v for k, v in data.items() if k not in NOT_ATTRIBUTES},
            numbers=tuple(sorted(data.get("phone_numbers", []))),
            submit=bool(data.get("submit", True)),
            path=path,
        )
