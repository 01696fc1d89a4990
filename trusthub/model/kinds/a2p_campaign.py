"""A2P 10DLC campaigns: a use case registered with TCR for a brand, on its own Messaging
Service, through Twilio's `POST /v1/Services/{MG}/Compliance/Usa2p` (reference D.7).

Twilio's rules: a campaign is registered only on an `APPROVED` brand (the plan waits for
it); creating it submits it (`PENDING`, then `IN_PROGRESS` while TCR and the carriers
review it, then `VERIFIED` or `FAILED` with `errors[]`). A `FAILED` campaign is edited in
place (`POST .../Usa2p/{QE}`), which takes only the description, message flow, samples,
the embedded-link/phone, age-gating and direct-lending flags and the two URLs; its use
case, keywords and auto-reply messages cannot change: the campaign is deleted and created
anew. Each vetting submission may cost the campaign vetting fee (stricter reading of an
UNCONFIRMED point: a resubmission is counted too).

Names: `<profile>/a2p-campaign-<name>`, the campaign's `name` in the YAML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from trusthub.model.desired import DesiredResource
from trusthub.model.kinds.a2p_brand import brand_name
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.kinds.messaging_service import campaigns, service_name
from trusthub.model.lifecycle import Lifecycle

PENDING: Final = "PENDING"
IN_PROGRESS: Final = "IN_PROGRESS"
VERIFIED: Final = "VERIFIED"
FAILED: Final = "FAILED"
SUSPENDED: Final = "SUSPENDED"
STATUSES: Final = (PENDING, IN_PROGRESS, VERIFIED, FAILED, SUSPENDED)

NAME_PREFIX: Final = "a2p-campaign-"

# Twilio's use-case codes (the Usecases endpoint's examples, reference D.7); those
# carriers must approve further after TCR are marked post-approval.
USE_CASES: Final = (
    "2FA",
    "ACCOUNT_NOTIFICATION",
    "AGENTS_FRANCHISES",
    "CHARITY",
    "CUSTOMER_CARE",
    "DELIVERY_NOTIFICATION",
    "EMERGENCY",
    "FRAUD_ALERT",
    "HIGHER_EDUCATION",
    "K12_EDUCATION",
    "LOW_VOLUME",
    "MARKETING",
    "MIXED",
    "POLITICAL",
    "POLLING_VOTING",
    "PROXY",
    "PUBLIC_SERVICE_ANNOUNCEMENT",
    "SECURITY_ALERT",
    "SOCIAL",
    "SOLE_PROPRIETOR",
    "SWEEPSTAKE",
)
POST_APPROVAL: Final = frozenset(
    {"AGENTS_FRANCHISES", "PROXY", "EMERGENCY", "K12_EDUCATION", "SOCIAL", "SWEEPSTAKE"}
)
SOLE_PROPRIETOR_USE_CASE: Final = "SOLE_PROPRIETOR"
MAX_CAMPAIGNS_PER_BRAND: Final = 5  # "unless justified" (ISV guide); TCR's cap is 30930

# The fields Twilio's campaign edit takes (UpdateUsAppToPerson); a change of any other
# field means deleting the campaign and creating it anew.
EDITABLE_FIELDS: Final = (
    "description",
    "message_flow",
    "message_samples",
    "has_embedded_links",
    "has_embedded_phone",
    "age_gated",
    "direct_lending",
    "privacy_policy_url",
    "terms_url",
)

# Twilio's campaign error codes trusthub and its sandbox use, with their meanings
# (reference L; kept here until `trusthub.model.twilio_codes` takes them in). Which code
# TCR gives a sample without the brand name or opt-out language is UNCONFIRMED: the
# sandbox uses 30893 (samples do not fit the campaign) and 30897 (the message flow lacks
# what consumers are told), the codes of the range whose meanings come closest.
SAMPLES_MISMATCH: Final = 30893
MESSAGE_FLOW_CONTENT: Final = 30897
PRIVACY_URL_MISSING: Final = 30933
TERMS_URL_MISSING: Final = 30934
CAMPAIGN_CAP: Final = 30930
BRAND_NOT_VALID: Final = 21717
CAMPAIGN_PARAMETERS_MISSING: Final = 21727
CAMPAIGN_PARAMETERS_LENGTH: Final = 21728
CAMPAIGN_CODES: Final[Mapping[int, str]] = {
    SAMPLES_MISMATCH: "the sample messages do not fit the campaign (use case, brand name)",
    MESSAGE_FLOW_CONTENT: "disallowed or missing content (opt-in, opt-out or help language)",
    PRIVACY_URL_MISSING: "the privacy policy URL is missing",
    TERMS_URL_MISSING: "the terms and conditions URL is missing",
    CAMPAIGN_CAP: "the brand has reached its campaign limit",
    BRAND_NOT_VALID: "the brand is not registered or not valid for the campaign",
    CAMPAIGN_PARAMETERS_MISSING: "campaign parameters are missing",
    CAMPAIGN_PARAMETERS_LENGTH: "a campaign parameter is too long or too short",
    21729: "the campaign is suspended",
    21732: "the campaign limit is reached",
}

LIFECYCLE: Final = Lifecycle(
    draft=PENDING,  # created straight into TCR's review: there is no draft campaign
    submitted=PENDING,  # an edit of a FAILED campaign sends it back
    approved=VERIFIED,
    rejected=FAILED,
    statuses=STATUSES,
    editable=frozenset({FAILED}),
    # Twilio deletes a campaign in any status (DELETE .../Usa2p/{QE}, 204).
    deletable=frozenset(STATUSES),
    submittable=frozenset({FAILED}),
    under_review=frozenset({PENDING, IN_PROGRESS}),
    review_outcome=f"{PENDING} -> {IN_PROGRESS} -> {VERIFIED} | {FAILED}",
    service="Twilio",
    objects="campaigns",
)


def campaign_name(profile: str, campaign: str) -> str:
    return f"{profile}/{NAME_PREFIX}{campaign}"


def explain_error(reason: str) -> str:
    """A recorded campaign error ("30893 [MESSAGE_SAMPLES]: ...") with its code's meaning."""
    head = reason.split(" ", 1)[0].split(":", 1)[0]
    meaning = CAMPAIGN_CODES.get(int(head)) if head.isdigit() else None
    return f"error {reason} ({meaning})" if meaning else reason


def _keywords(section: Mapping[str, Any] | None) -> tuple[list[str], str | None]:
    if not section:
        return [], None
    return list(section.get("keywords") or []), section.get("message")


class A2PCampaignKind(ResourceKind):
    name = "a2p_campaign"
    lifecycle = LIFECYCLE
    # A campaign stays on its Messaging Service (a move is another campaign).
    immutable_fields = ("service", "brand")
    root_role = "campaign"
    label = "A2P 10DLC campaign"
    remote_paths = (
        "/v1/Services/{MessagingServiceSid}/Compliance/Usa2p",
        "/v1/Services/{MessagingServiceSid}/Compliance/Usa2p/{Sid}",
        "/v1/Services/{MessagingServiceSid}/Compliance/Usa2p/Usecases",
    )

    def valid_name(self, name: str) -> bool:
        profile, _, part = name.partition("/")
        return bool(profile) and part.startswith(NAME_PREFIX) and len(part) > len(NAME_PREFIX)

    def evaluated(self, d: DesiredResource) -> bool:
        return False

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        for c in campaigns(data):
            opt_in, opt_in_message = _keywords(c.get("opt_in"))
            opt_out, opt_out_message = _keywords(c.get("opt_out"))
            help_, help_message = _keywords(c.get("help"))
            yield DesiredResource(
                kind=self.name,
                name=campaign_name(profile, c["name"]),
                profile=profile,
                attributes={
                    "brand": brand_name(profile),
                    "service": service_name(profile, c["name"]),
                    "use_case": c["use_case"],
                    "description": c["description"],
                    "message_flow": c["message_flow"],
                    "message_samples": list(c["message_samples"]),
                    "opt_in_keywords": opt_in,
                    "opt_in_message": opt_in_message,
                    "opt_out_keywords": opt_out,
                    "opt_out_message": opt_out_message,
                    "help_keywords": help_,
                    "help_message": help_message,
                    "has_embedded_links": bool(c["has_embedded_links"]),
                    "has_embedded_phone": bool(c["has_embedded_phone"]),
                    "subscriber_opt_in": bool(c.get("subscriber_opt_in", True)),
                    "age_gated": bool(c.get("age_gated", False)),
                    "direct_lending": bool(c.get("direct_lending", False)),
                    "privacy_policy_url": c.get("privacy_policy_url"),
                    "terms_url": c.get("terms_url"),
                },
                numbers=(),  # a campaign's numbers are its Messaging Service's
                submit=False,  # created submitted
                path=path,
            )
