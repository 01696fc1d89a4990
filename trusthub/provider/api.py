"""What apply and refresh need from Trust Hub: exactly the calls they make, and the values
those calls return. `twilio_sdk.TwilioSdkProvider` implements it with the official twilio
SDK, against real Twilio or the sandbox alike.

Every method raises only the project's errors (`provider.errors`): `RemoteNotFound`,
`RemoteRefused` (e.g. 70002), `AuthenticationFailed`, `Unreachable`,
`AmbiguousCreateError` for a create that may or may not have happened, or another
`ProviderError`. Nothing from the SDK or its HTTP library gets through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, Protocol

from trusthub.model.lifecycle import Status

# Trust Hub's two bundle collections, as its REST paths name them (/v1/CustomerProfiles,
# /v1/TrustProducts). The appliers say which one a kind lives in.
BundleFamily = Literal["CustomerProfiles", "TrustProducts"]
CUSTOMER_PROFILES: Final = "CustomerProfiles"
TRUST_PRODUCTS: Final = "TrustProducts"


@dataclass(frozen=True, slots=True)
class Bundle:
    sid: str
    status: Status  # checked by the adapter: an unknown status is an UnexpectedAnswer
    friendly_name: str
    email: str
    policy_sid: str
    valid_until: str | None
    errors: tuple[str, ...]
    date_created: datetime | None
    status_callback: str | None = None  # what Twilio calls on each status change
    date_updated: datetime | None = None  # refresh reads whole only what moved


@dataclass(frozen=True, slots=True)
class Entity:
    """An end user or a supporting document read whole: what `trusthub import` and
    refresh's drift check turn back into a profile's attributes."""

    sid: str
    type: str
    friendly_name: str
    attributes: Mapping[str, Any]
    date_updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class Address:
    """An API 2010 Address read whole; `params` in the names `mapping.address_params`
    gives (an absent optional field is left out)."""

    sid: str
    friendly_name: str
    params: Mapping[str, str]
    date_updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class Remote:
    """Any listed object: its SID, friendly name, type and creation time."""

    sid: str
    friendly_name: str
    type: str
    date_created: datetime | None


@dataclass(frozen=True, slots=True)
class Evaluation:
    sid: str
    status: str  # compliant | noncompliant
    results: list[dict[str, Any]]

    def failures(self) -> list[str]:
        """Readable failures: '<requirement>: <field> <reason> (code)'."""
        out = []
        for result in self.results:
            if result.get("passed"):
                continue
            name = result.get("requirement_friendly_name") or result.get("requirement_name", "?")
            invalid = result.get("invalid") or []
            if not invalid:
                out.append(f"{name}: {result.get('failure_reason') or 'failed'}")
            for item in invalid:
                code = item.get("error_code")
                field = item.get("object_field") or item.get("friendly_name") or ""
                reason = item.get("failure_reason") or "invalid"
                out.append(f"{name}: {field} {reason}" + (f" ({code})" if code else ""))
        return out


@dataclass(frozen=True, slots=True)
class BrandRegistration:
    """An A2P 10DLC brand registration (messaging API, `BN...`)."""

    sid: str
    status: str  # checked by the adapter: one of the brand lifecycle's statuses
    customer_profile_bundle_sid: str
    a2p_profile_bundle_sid: str
    brand_type: str
    tcr_id: str | None
    identity_status: str | None
    errors: tuple[str, ...]  # "<error_code> [fields]: description"
    failure_reason: str | None  # deprecated by Twilio in favour of errors
    date_created: datetime | None
    # What else Twilio reports that `trusthub import` reads back (skip_automatic_sec_vet,
    # mock); not compared.
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class BrandVetting:
    """A vetting of a brand (`VT...`, `.../BrandRegistrations/{BN}/Vettings`): a political
    brand's imported Campaign Verify token, or a secondary vetting."""

    sid: str
    brand_sid: str
    provider: str  # campaign-verify | aegis
    vetting_class: str | None  # POLITICAL | STANDARD
    vetting_id: str
    status: str  # PENDING | IN_PROGRESS | SUCCESS | FAILED
    date_created: datetime | None


@dataclass(frozen=True, slots=True)
class MessagingService:
    """A Messaging Service (messaging v1, `MG...`)."""

    sid: str
    friendly_name: str
    usecase: str | None
    date_created: datetime | None


@dataclass(frozen=True, slots=True)
class Campaign:
    """A US A2P 10DLC campaign (Usa2p, `QE...`) on a Messaging Service."""

    sid: str
    service_sid: str
    brand_registration_sid: str
    status: str  # checked by the adapter: one of the campaign lifecycle's statuses
    use_case: str
    campaign_id: str | None  # TCR's
    errors: tuple[str, ...]  # "<error_code> [fields]: description"
    date_created: datetime | None
    # The campaign's registered content as Twilio reports it (description, message_flow,
    # samples, keywords, flags, URLs: the SDK's names), which `trusthub import` reads back.
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class TollfreeVerification:
    """A toll-free verification (messaging v1, HH...) as Twilio reports it."""

    sid: str
    status: str  # checked by the adapter: PENDING_REVIEW | IN_REVIEW | TWILIO_APPROVED | ...
    external_reference_id: str | None
    rejection_reasons: tuple[str, ...]  # "<code>: <reason>", or the reason alone
    edit_allowed: bool
    edit_expiration: str | None  # ISO-8601 UTC
    date_created: datetime | None
    # The submission as Twilio reports it (number, customer_profile_sid, business and use
    # case fields: the SDK's names), which `trusthub import` reads back.
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Account:
    """An API 2010 account (the parent or one of its subaccounts), without its credentials."""

    sid: str
    friendly_name: str
    status: str  # active | suspended | closed
    owner_account_sid: str  # the parent's SID for a subaccount; its own for the parent
    date_created: datetime | None


class TrustHubProvider(Protocol):
    """Trust Hub bundles (customer profiles and trust products: `family` says which), their
    end users and supporting documents, and the API 2010
    addresses and phone numbers they lean on."""

    # -- bundles -------------------------------------------------------------------------

    def create_bundle(
        self,
        family: BundleFamily,
        *,
        friendly_name: str,
        email: str,
        policy_sid: str,
        status_callback: str | None,
    ) -> Bundle: ...

    def fetch_bundle(self, family: BundleFamily, sid: str) -> Bundle: ...

    def find_bundles(
        self, family: BundleFamily, *, friendly_name: str, policy_sid: str
    ) -> list[Bundle]: ...

    def update_bundle(
        self,
        family: BundleFamily,
        sid: str,
        *,
        friendly_name: str,
        email: str,
        status_callback: str | None,
    ) -> None:
        """Set the three fields; a None `status_callback` clears the bundle's callback."""
        ...

    def submit(self, family: BundleFamily, sid: str) -> Bundle:
        """Ask for review: `Status=pending-review`."""
        ...

    def delete_bundle(self, family: BundleFamily, sid: str) -> None: ...

    def entity_assignments(self, family: BundleFamily, sid: str) -> dict[str, str]:
        """object SID -> assignment SID."""
        ...

    def assign_entity(self, family: BundleFamily, sid: str, object_sid: str) -> str:
        """The assignment's SID."""
        ...

    def unassign_entity(self, family: BundleFamily, sid: str, assignment_sid: str) -> None: ...

    def channel_assignments(self, family: BundleFamily, sid: str) -> dict[str, str]:
        """phone-number SID (PN...) -> assignment SID."""
        ...

    def assign_number(self, family: BundleFamily, sid: str, number_sid: str) -> str:
        """The assignment's SID."""
        ...

    def unassign_number(self, family: BundleFamily, sid: str, assignment_sid: str) -> None: ...

    def evaluate(self, family: BundleFamily, sid: str, policy_sid: str) -> Evaluation: ...

    # -- reading whole resources (import, drift) ---------------------------------------

    def list_bundles(self, family: BundleFamily) -> list[Bundle]:
        """Every bundle of the family in the account, read page by page."""
        ...

    def fetch_end_user(self, sid: str) -> Entity: ...

    def fetch_document(self, sid: str) -> Entity: ...

    def fetch_address(self, sid: str) -> Address: ...

    # Whole collections, paged (refresh reads these instead of one object at a time).
    def list_end_users(self) -> list[Entity]: ...

    def list_documents(self) -> list[Entity]: ...

    def list_addresses(self) -> list[Address]: ...

    def list_tollfree_verifications(self) -> list[TollfreeVerification]: ...

    def list_numbers(self) -> dict[str, str]:
        """Every phone number of the account: SID (PN...) -> E.164."""
        ...

    # -- end users and supporting documents ----------------------------------------------

    def create_end_user(
        self, *, type_: str, friendly_name: str, attributes: Mapping[str, Any]
    ) -> str: ...

    def update_end_user(
        self, sid: str, *, friendly_name: str, attributes: Mapping[str, Any]
    ) -> None: ...

    def delete_end_user(self, sid: str) -> None: ...

    def find_end_users(self, friendly_name: str) -> list[Remote]: ...

    def create_document(
        self, *, type_: str, friendly_name: str, attributes: Mapping[str, Any]
    ) -> str: ...

    def delete_document(self, sid: str) -> None: ...

    def find_documents(self, friendly_name: str) -> list[Remote]: ...

    # -- API 2010: addresses and phone numbers -------------------------------------------

    def create_address(self, *, friendly_name: str, params: Mapping[str, str]) -> str: ...

    def update_address(self, sid: str, *, friendly_name: str, params: Mapping[str, str]) -> None:
        """Set the fields in `params`; an empty value clears an optional field."""
        ...

    def delete_address(self, sid: str) -> None: ...

    def find_addresses(self, friendly_name: str) -> list[Remote]: ...

    def number_sid(self, e164: str) -> str | None:
        """The SID (PN...) of a number in the account, or None."""
        ...

    def provision_number(self, e164: str) -> str:
        """Buy a number: only the sandbox target does this, so rehearsals need no setup."""
        ...

    # -- messaging: A2P 10DLC brand registrations ------------------------------------------

    def create_brand(
        self,
        *,
        customer_profile_sid: str,
        a2p_profile_sid: str,
        brand_type: str,
        skip_automatic_sec_vet: bool,
        mock: bool,
    ) -> BrandRegistration:
        """Register a brand: fee-bearing, so never retried here (an ambiguous failure raises
        `AmbiguousCreateError`; the caller lists before trying again)."""
        ...

    def fetch_brand(self, sid: str) -> BrandRegistration: ...

    def list_brands(self) -> list[BrandRegistration]: ...

    def resubmit_brand(self, sid: str) -> BrandRegistration:
        """Send a FAILED brand back to TCR (`POST .../BrandRegistrations/{BN}`, 202)."""
        ...

    def retry_brand_authentication(self, sid: str) -> BrandRegistration:
        """Start a new Authentication+ check of a public brand whose check FAILED (`POST
        .../BrandRegistrations/{BN}/2fa`): fee-bearing, so never retried here."""
        ...

    def create_brand_vetting(
        self, brand_sid: str, *, provider: str, vetting_id: str
    ) -> BrandVetting:
        """Import a vetting (a Campaign Verify token): fee-bearing, never retried here."""
        ...

    def list_brand_vettings(
        self, brand_sid: str, *, provider: str | None = None
    ) -> list[BrandVetting]: ...

    def fetch_brand_vetting(self, brand_sid: str, sid: str) -> BrandVetting: ...

    # -- messaging v1: Messaging Services and their numbers ----------------------------

    def create_service(self, *, friendly_name: str, usecase: str) -> MessagingService: ...

    def list_services(self) -> list[MessagingService]: ...

    def fetch_service(self, sid: str) -> MessagingService:
        """`GET /v1/Services/{MG}`; `RemoteNotFound` when it is gone."""
        ...

    def update_service(self, sid: str, *, friendly_name: str, usecase: str) -> None: ...

    def delete_service(self, sid: str) -> None: ...

    def service_numbers(self, sid: str) -> set[str]:
        """The phone-number SIDs (PN...) in the service."""
        ...

    def add_service_number(self, sid: str, number_sid: str) -> None:
        """Raises `RemoteRefused` 21712 when the number is in another service."""
        ...

    def remove_service_number(self, sid: str, number_sid: str) -> None: ...

    # -- messaging v1: US A2P campaigns (Usa2p) -----------------------------------------

    def campaign_use_cases(self, service_sid: str, brand_sid: str) -> list[str]:
        """The use-case codes the brand may register on the service."""
        ...

    def create_campaign(self, service_sid: str, params: Mapping[str, Any]) -> Campaign:
        """Register a campaign: fee-bearing, so never retried here (an ambiguous failure
        raises `AmbiguousCreateError`; the caller lists before trying again). `params` in
        the SDK's snake_case names."""
        ...

    def list_campaigns(self, service_sid: str) -> list[Campaign]: ...

    def fetch_campaign(self, service_sid: str, sid: str) -> Campaign: ...

    def update_campaign(self, service_sid: str, sid: str, params: Mapping[str, Any]) -> Campaign:
        """An edit of a FAILED campaign, which sends it back to review (200)."""
        ...

    def delete_campaign(self, service_sid: str, sid: str) -> None: ...

    # -- messaging v1: toll-free verifications ------------------------------------------

    def create_tollfree_verification(self, params: Mapping[str, Any]) -> TollfreeVerification:
        """`POST /v1/Tollfree/Verifications`; `params` in the SDK's snake_case names."""
        ...

    def fetch_tollfree_verification(self, sid: str) -> TollfreeVerification: ...

    def find_tollfree_verifications(
        self, *, external_reference_id: str
    ) -> list[TollfreeVerification]: ...

    def update_tollfree_verification(
        self, sid: str, params: Mapping[str, Any], *, edit_reason: str
    ) -> TollfreeVerification:
        """An edit of a rejected verification while Twilio allows it (202)."""
        ...

    def delete_tollfree_verification(self, sid: str) -> None: ...

    # -- accounts (API 2010 Accounts; the parent's credentials) ------------------------------

    def account_sid(self) -> str:
        """The SID of the account these credentials act in."""
        ...

    def fetch_account(self, sid: str) -> Account: ...

    def list_subaccounts(self, *, friendly_name: str | None = None) -> list[Account]:
        """The accounts these credentials own besides their own, every status."""
        ...

    def create_subaccount(self, friendly_name: str) -> Account:
        """`POST /2010-04-01/Accounts.json`: a new active subaccount (Twilio: 21101 when
        these credentials are a subaccount's)."""
        ...

    def update_account(self, sid: str, *, friendly_name: str) -> Account: ...

    def close_account(self, sid: str) -> Account:
        """`POST /2010-04-01/Accounts/{sid}.json` with `Status=closed`: for good."""
        ...

    def open_subaccounts(self) -> Mapping[str, tuple[Account, TrustHubProvider | None]]:
        """Every subaccount these credentials own, by SID, read with one paged list of
        Accounts (Twilio answers each subaccount's auth token to its parent, in the list as
        in a fetch): what `in_subaccount` gives for each, without a request apiece. The
        provider is None for a subaccount that is suspended or closed. The credentials stay
        inside the providers' SDK clients, in memory."""
        ...

    def in_subaccount(self, sid: str) -> TrustHubProvider:
        """A provider acting in the subaccount `sid`, with that subaccount's own credentials
        read through the parent (section I of the onboarding reference: Trust Hub and the
        messaging API take the account from the credentials). The credentials stay inside
        the returned provider's SDK client; `AccountUnavailable` when the subaccount is
        suspended or closed."""
        ...

    # -- Event Streams (events.twilio.com v1; in the account these credentials act in) --------

    def list_event_sinks(self) -> list[EventSink]: ...

    def create_webhook_sink(self, description: str, destination: str) -> EventSink:
        """`POST /v1/Sinks`: a webhook sink posting batches of events to `destination`."""
        ...

    def delete_event_sink(self, sid: str) -> None: ...

    def list_event_subscriptions(self) -> list[EventSubscription]: ...

    def create_event_subscription(
        self, description: str, sink_sid: str, types: Mapping[str, int]
    ) -> EventSubscription:
        """`POST /v1/Subscriptions`; `types`: event type -> schema version."""
        ...

    def delete_event_subscription(self, sid: str) -> None: ...

    def subscribed_event_types(self, subscription_sid: str) -> dict[str, int]:
        """The types a subscription selects: event type -> schema version."""
        ...

    def subscribe_event_type(self, subscription_sid: str, type: str, schema_version: int) -> None:
        """Adds a type to a subscription, or sets its schema version."""
        ...

    def unsubscribe_event_type(self, subscription_sid: str, type: str) -> None: ...

    def signing_token(self) -> str:
        """The auth token Twilio signs this account's webhooks with (a subaccount's own,
        read through the parent): for the events receiver's signature check only, held in
        memory; never shown, stored or logged."""
        ...


@dataclass(frozen=True, slots=True)
class EventSink:
    """An Event Streams sink; `destination` and `method` for a webhook sink, else None."""

    sid: str
    description: str
    sink_type: str
    status: str  # initialized | validating | active | failed
    destination: str | None
    method: str | None
    batch_events: bool


@dataclass(frozen=True, slots=True)
class EventSubscription:
    sid: str
    description: str
    sink_sid: str
