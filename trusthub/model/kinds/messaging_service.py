"""Messaging Services (`MG...`, messaging API `POST /v1/Services`): the sender pool of one
A2P 10DLC campaign, holding the numbers that send it (`/v1/Services/{MG}/PhoneNumbers`).

Twilio's ISV guide creates a new service for each campaign (reference D.6), so each
declared campaign has one: `<profile>/messaging-service-<campaign>`. A service has no
review: it exists or it does not, and its friendly name and use case may change at any
time. Its numbers are the campaign's `numbers`; a number in another service is removed
from there first (Twilio answers 21712 otherwise, D.8). Numbers are no longer assigned to
the A2P trust product: Twilio's guide never does (issue 12).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.lifecycle import Lifecycle

ACTIVE: Final = "active"  # trusthub's word: Twilio reports no status for a service
NAME_PREFIX: Final = "messaging-service-"
PRODUCT: Final = "a2p_messaging"

NUMBER_IN_THIS_SERVICE: Final = 21710
NUMBER_IN_ANOTHER_SERVICE: Final = 21712

# A2P use case -> the service's `Usecase` (notifications | marketing | verification |
# discussion | poll | undeclared). Twilio refuses incompatible pairs (21719) without
# publishing the table: UNCONFIRMED, so the closest reading is taken, and a use case
# that spans several (MIXED, LOW_VOLUME, SOLE_PROPRIETOR) is `undeclared`.
SERVICE_USECASES: Final[Mapping[str, str]] = {
    "2FA": "verification",
    "MARKETING": "marketing",
    "SWEEPSTAKE": "marketing",
    "CHARITY": "marketing",
    "POLITICAL": "marketing",
    "POLLING_VOTING": "poll",
    "SOCIAL": "discussion",
    "PROXY": "discussion",
    "MIXED": "undeclared",
    "LOW_VOLUME": "undeclared",
    "SOLE_PROPRIETOR": "undeclared",
}
DEFAULT_SERVICE_USECASE: Final = "notifications"

LIFECYCLE: Final = Lifecycle(
    draft=ACTIVE,
    submitted=ACTIVE,
    approved=ACTIVE,
    rejected="(never reviewed)",  # no status a service can be in
    statuses=(ACTIVE,),
    editable=frozenset({ACTIVE}),
    deletable=frozenset({ACTIVE}),
    submittable=frozenset(),
    under_review=frozenset(),
    review_outcome="",
    service="Twilio",
    objects="Messaging Services",
)


def service_name(profile: str, campaign: str) -> str:
    return f"{profile}/{NAME_PREFIX}{campaign}"


def service_usecase(a2p_use_case: str) -> str:
    return SERVICE_USECASES.get(a2p_use_case, DEFAULT_SERVICE_USECASE)


def campaigns(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The campaigns a (schema-valid) profile document declares."""
    a2p = (data.get("trust_products") or {}).get(PRODUCT) or {}
    return list(a2p.get("campaigns") or [])


class MessagingServiceKind(ResourceKind):
    name = "messaging_service"
    lifecycle = LIFECYCLE
    root_role = "service"
    label = "Messaging Service"
    remote_paths = (
        "/v1/Services",
        "/v1/Services/{Sid}",
        "/v1/Services/{ServiceSid}/PhoneNumbers",
        "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
    )

    def valid_name(self, name: str) -> bool:
        profile, _, part = name.partition("/")
        return bool(profile) and part.startswith(NAME_PREFIX) and len(part) > len(NAME_PREFIX)

    def evaluated(self, d: DesiredResource) -> bool:
        return False

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        for campaign in campaigns(data):
            yield DesiredResource(
                kind=self.name,
                name=service_name(profile, campaign["name"]),
                profile=profile,
                attributes={
                    "campaign": campaign["name"],
                    "usecase": service_usecase(campaign["use_case"]),
                },
                numbers=tuple(sorted(campaign.get("numbers") or ())),
                submit=False,
                path=path,
            )
