"""The twilio SDK adapter: `TrustHubProvider` (see `provider.api`) on the official twilio
SDK. Works the same against real Twilio and the sandbox, because both are reached through
the same `twilio.rest.Client`.

Every public method is `@translated`: whatever the SDK or `requests` raises leaves as one
of the project's errors (`provider.errors`). Twilio's statuses are checked here, once.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, ParamSpec, TypeVar

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client
from twilio.rest.messaging.v1.brand_registration import BrandRegistrationInstance

from trusthub.errors import ProviderError
from trusthub.model import lifecycle as lc
from trusthub.model import twilio_codes
from trusthub.model.kinds import a2p_brand, a2p_campaign
from trusthub.model.kinds import tollfree_verification as tfv
from trusthub.provider.api import (
    Account,
    Address,
    BrandRegistration,
    BrandVetting,
    Bundle,
    BundleFamily,
    Campaign,
    Entity,
    Evaluation,
    EventSink,
    EventSubscription,
    MessagingService,
    Remote,
    TollfreeVerification,
)
from trusthub.provider.errors import (
    AccountUnavailable,
    UnexpectedAnswer,
    Unreachable,
    remote_error,
    scrub,
)

ACCOUNT_STATUSES: Final = frozenset({"active", "suspended", "closed"})

P = ParamSpec("P")
R = TypeVar("R")

# Brand registrations on Twilio's messaging host, for the one request the SDK has no method
# for (`/2fa`); the SDK's client maps the host to the target (the sandbox's transport too).
MESSAGING_URL: Final = "https://messaging.twilio.com/v1/a2p/BrandRegistrations"


def translated(call: Callable[P, R]) -> Callable[P, R]:
    """`call`, raising the project's errors instead of the SDK's and `requests`'.

    `AmbiguousCreateError` (raised by the retrying transport under the SDK) and every other
    `ProviderError` pass as they are. The originals are not chained: their text may carry
    the account SID."""

    @functools.wraps(call)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return call(*args, **kwargs)
        except TwilioException as e:
            raise _from_sdk(e) from None
        except (requests.RequestException, ConnectionError) as e:
            # What is left once the retries gave up: the network, a timeout, 5xx or 429
            # answers again and again.
            raise Unreachable(type(e).__name__, str(e)) from None

    return wrapper


def _from_sdk(e: TwilioException) -> ProviderError:
    # TwilioRestException (status, code, msg, method, uri) and, in newer SDKs,
    # TwilioServiceException (status, code, detail, title, method, uri): an answer.
    status = getattr(e, "status", None)
    if isinstance(status, int):
        detail = getattr(e, "msg", None) or getattr(e, "detail", None) or getattr(e, "title", None)
        code = getattr(e, "code", None)
        return remote_error(
            status=status,
            code=code if isinstance(code, int) else None,
            detail=str(detail or ""),
            method=str(getattr(e, "method", "") or ""),
            url=str(getattr(e, "uri", "") or ""),
        )
    # A page of a list that failed: TwilioException("Unable to fetch page", response).
    response = e.args[1] if len(e.args) == 2 else None
    page_status = getattr(response, "status_code", None)
    if isinstance(page_status, int):
        body = _json_object(getattr(response, "text", ""))
        code = body.get("code")
        return remote_error(
            status=page_status,
            code=code if isinstance(code, int) else None,
            detail=f"{e.args[0]}: {body.get('message') or f'HTTP {page_status}'}",
        )
    # Anything else the SDK refuses before a request is made.
    return ProviderError(f"{type(e).__name__}: {scrub(str(e))}")


def _json_object(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _attributes(raw: Any) -> dict[str, Any]:
    """An end user's or document's attributes: the SDK gives the JSON object decoded."""
    return dict(raw) if isinstance(raw, dict) else _json_object(raw)


def _status(raw: Any, what: str) -> lc.Status:
    for status in lc.STATUSES:
        if raw == status:
            return status
    raise UnexpectedAnswer(
        f"Trust Hub answered status {raw!r} for {what}, which is none of " + ", ".join(lc.STATUSES)
    )


def _errors(raw: Any) -> tuple[str, ...]:
    if not raw:
        return ()
    out = []
    for item in raw:
        if isinstance(item, Mapping):
            # Recorded as "CODE: message" (twilio_codes.reason_text): both can be shown.
            code = item.get("code")
            text = item.get("message") or item.get("failure_reason")
            out.append(
                twilio_codes.reason_text(
                    int(code) if isinstance(code, int | str) and str(code).isdigit() else None,
                    None if text is None else str(text),
                )
            )
        else:
            out.append(str(item))
    return tuple(out)


def _brand_errors(raw: Any) -> tuple[str, ...]:
    """A brand's `errors[]` ({error_code, description, fields[], url}) as readable lines."""
    out = []
    for item in raw or ():
        if isinstance(item, Mapping):
            fields = item.get("fields") or []
            where = f" [{', '.join(str(f) for f in fields)}]" if fields else ""
            text = item.get("description") or item.get("message") or "failed"
            out.append(f"{item.get('error_code') or item.get('code') or '?'}{where}: {text}")
        else:
            out.append(str(item))
    return tuple(out)


# What `trusthub import` reads back of each (the SDK's attribute names); absent ones are
# left out.
_BRAND_FIELDS: Final = ("skip_automatic_sec_vet", "mock")
_CAMPAIGN_FIELDS: Final = (
    "description", "message_flow", "message_samples", "has_embedded_links",
    "has_embedded_phone", "subscriber_opt_in", "age_gated", "direct_lending",
    "opt_in_keywords", "opt_in_message", "opt_out_keywords", "opt_out_message",
    "help_keywords", "help_message", "privacy_policy_url", "terms_and_conditions_url", "mock",
)  # fmt: skip
_VERIFICATION_FIELDS: Final = (
    "customer_profile_sid", "tollfree_phone_number_sid", "tollfree_phone_number",
    "business_name", "business_website", "notification_email", "use_case_categories",
    "use_case_summary", "production_message_sample", "opt_in_image_urls", "opt_in_type",
    "message_volume", "age_gated_content", "opt_in_keywords", "business_type",
    "business_registration_authority", "business_registration_number",
    "business_registration_country",
)  # fmt: skip


def _fields(raw: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(raw, n) for n in names if getattr(raw, n, None) is not None}


def _to_brand(raw: Any) -> BrandRegistration:
    if raw.status not in a2p_brand.STATUSES:
        raise UnexpectedAnswer(
            f"Twilio answered status {raw.status!r} for brand {raw.sid}, which is none of "
            + ", ".join(a2p_brand.STATUSES)
        )
    return BrandRegistration(
        sid=raw.sid,
        status=raw.status,
        customer_profile_bundle_sid=raw.customer_profile_bundle_sid or "",
        a2p_profile_bundle_sid=raw.a2p_profile_bundle_sid or "",
        brand_type=raw.brand_type or "",
        tcr_id=raw.tcr_id,
        identity_status=raw.identity_status,
        errors=_brand_errors(raw.errors),
        failure_reason=raw.failure_reason,
        date_created=raw.date_created,
        fields=_fields(raw, _BRAND_FIELDS),
    )


def _to_vetting(raw: Any) -> BrandVetting:
    return BrandVetting(
        sid=raw.brand_vetting_sid,
        brand_sid=raw.brand_sid or "",
        provider=raw.vetting_provider or "",
        vetting_class=raw.vetting_class,
        vetting_id=raw.vetting_id or "",
        status=raw.vetting_status or "",
        date_created=raw.date_created,
    )


def _to_campaign(raw: Any) -> Campaign:
    if raw.campaign_status not in a2p_campaign.STATUSES:
        raise UnexpectedAnswer(
            f"Twilio answered status {raw.campaign_status!r} for campaign {raw.sid}, which is "
            "none of " + ", ".join(a2p_campaign.STATUSES)
        )
    return Campaign(
        sid=raw.sid,
        service_sid=raw.messaging_service_sid or "",
        brand_registration_sid=raw.brand_registration_sid or "",
        status=raw.campaign_status,
        use_case=raw.us_app_to_person_usecase or "",
        campaign_id=raw.campaign_id,
        errors=_brand_errors(raw.errors),
        date_created=raw.date_created,
        fields=_fields(raw, _CAMPAIGN_FIELDS),
    )


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _rejection_reasons(raw: Any) -> tuple[str, ...]:
    """`rejection_reasons` ([{"code", "reason"}], as Twilio lists them) as text."""
    out = []
    for item in raw or []:
        if isinstance(item, Mapping):
            code, reason = item.get("code"), item.get("reason") or item.get("message") or ""
            out.append(f"{code}: {reason}" if code else str(reason))
        else:
            out.append(str(item))
    return tuple(out)


def _to_entity(raw: Any) -> Entity:
    return Entity(
        raw.sid,
        raw.type,
        raw.friendly_name,
        _attributes(raw.attributes),
        getattr(raw, "date_updated", None),
    )


def _to_address(raw: Any) -> Address:
    fields = ("customer_name", "street", "street_secondary", "city", "region")
    params = {f: str(getattr(raw, f)) for f in fields if getattr(raw, f, None)}
    params.update(postal_code=str(raw.postal_code or ""), iso_country=str(raw.iso_country))
    return Address(raw.sid, raw.friendly_name or "", params, getattr(raw, "date_updated", None))


def _to_verification(raw: Any) -> TollfreeVerification:
    if raw.status not in tfv.STATUSES:
        raise UnexpectedAnswer(
            f"Twilio answered status {raw.status!r} for toll-free verification {raw.sid}, "
            "which is none of " + ", ".join(tfv.STATUSES)
        )
    reasons = _rejection_reasons(getattr(raw, "rejection_reasons", None))
    if not reasons and getattr(raw, "rejection_reason", None):
        code = getattr(raw, "error_code", None)
        reasons = (f"{code}: {raw.rejection_reason}" if code else str(raw.rejection_reason),)
    return TollfreeVerification(
        sid=raw.sid,
        status=str(raw.status),
        external_reference_id=getattr(raw, "external_reference_id", None),
        rejection_reasons=reasons,
        edit_allowed=bool(getattr(raw, "edit_allowed", False)),
        edit_expiration=_iso(getattr(raw, "edit_expiration", None)),
        date_created=raw.date_created,
        fields=_fields(raw, _VERIFICATION_FIELDS),
    )


@dataclass(frozen=True, slots=True)
class _Family:
    """Where the SDK keeps one bundle collection and its sub-resources."""

    collection: str
    entity_assignments: str
    channel_assignments: str
    evaluations: str
    label: str  # for messages


_FAMILIES: Final[Mapping[BundleFamily, _Family]] = {
    "CustomerProfiles": _Family(
        "customer_profiles",
        "customer_profiles_entity_assignments",
        "customer_profiles_channel_endpoint_assignment",
        "customer_profiles_evaluations",
        "customer profile",
    ),
    "TrustProducts": _Family(
        "trust_products",
        "trust_products_entity_assignments",
        "trust_products_channel_endpoint_assignment",
        "trust_products_evaluations",
        "trust product",
    ),
}


class TwilioSdkProvider:
    """`TrustHubProvider` on a `twilio.rest.Client`."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.v1 = client.trusthub.v1

    # -- bundles (customer profiles and trust products) --------------------------------

    def _bundles(self, family: BundleFamily) -> Any:
        return getattr(self.v1, _FAMILIES[family].collection)

    def _bundle(self, family: BundleFamily, sid: str) -> Any:
        return self._bundles(family)(sid)

    @staticmethod
    def _to_bundle(family: BundleFamily, raw: Any) -> Bundle:
        what = f"{_FAMILIES[family].label} {raw.sid}"
        return Bundle(
            sid=raw.sid,
            status=_status(raw.status, what),
            friendly_name=raw.friendly_name,
            email=raw.email,
            policy_sid=raw.policy_sid,
            valid_until=_iso(raw.valid_until),
            errors=_errors(getattr(raw, "errors", None)),
            date_created=raw.date_created,
            status_callback=getattr(raw, "status_callback", None) or None,
            date_updated=getattr(raw, "date_updated", None),
        )

    @translated
    def create_bundle(
        self,
        family: BundleFamily,
        *,
        friendly_name: str,
        email: str,
        policy_sid: str,
        status_callback: str | None,
    ) -> Bundle:
        extra = {"status_callback": status_callback} if status_callback else {}
        raw = self._bundles(family).create(
            friendly_name=friendly_name, email=email, policy_sid=policy_sid, **extra
        )
        return self._to_bundle(family, raw)

    @translated
    def fetch_bundle(self, family: BundleFamily, sid: str) -> Bundle:
        return self._to_bundle(family, self._bundle(family, sid).fetch())

    @translated
    def find_bundles(
        self, family: BundleFamily, *, friendly_name: str, policy_sid: str
    ) -> list[Bundle]:
        raws = self._bundles(family).list(friendly_name=friendly_name, policy_sid=policy_sid)
        return [self._to_bundle(family, r) for r in raws]

    @translated
    def update_bundle(
        self,
        family: BundleFamily,
        sid: str,
        *,
        friendly_name: str,
        email: str,
        status_callback: str | None,
    ) -> None:
        # No callback is sent as an empty StatusCallback, which clears the old one: a
        # parameter left out of an update keeps its value, and a form has no null.
        self._bundle(family, sid).update(
            friendly_name=friendly_name, email=email, status_callback=status_callback or ""
        )

    @translated
    def submit(self, family: BundleFamily, sid: str) -> Bundle:
        return self._to_bundle(family, self._bundle(family, sid).update(status=lc.PENDING_REVIEW))

    @translated
    def delete_bundle(self, family: BundleFamily, sid: str) -> None:
        self._bundle(family, sid).delete()

    def _entity_assignments(self, family: BundleFamily, sid: str) -> Any:
        return getattr(self._bundle(family, sid), _FAMILIES[family].entity_assignments)

    def _channel_assignments(self, family: BundleFamily, sid: str) -> Any:
        return getattr(self._bundle(family, sid), _FAMILIES[family].channel_assignments)

    @translated
    def entity_assignments(self, family: BundleFamily, sid: str) -> dict[str, str]:
        """object SID -> assignment SID."""
        return {
            a.object_sid: a.sid for a in self._entity_assignments(family, sid).list(page_size=1000)
        }

    @translated
    def assign_entity(self, family: BundleFamily, sid: str, object_sid: str) -> str:
        return str(self._entity_assignments(family, sid).create(object_sid=object_sid).sid)

    @translated
    def unassign_entity(self, family: BundleFamily, sid: str, assignment_sid: str) -> None:
        self._entity_assignments(family, sid)(assignment_sid).delete()

    @translated
    def channel_assignments(self, family: BundleFamily, sid: str) -> dict[str, str]:
        """phone-number SID (PN...) -> assignment SID."""
        return {
            a.channel_endpoint_sid: a.sid
            for a in self._channel_assignments(family, sid).list(page_size=1000)
        }

    @translated
    def assign_number(self, family: BundleFamily, sid: str, number_sid: str) -> str:
        created = self._channel_assignments(family, sid).create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid
        )
        return str(created.sid)

    @translated
    def unassign_number(self, family: BundleFamily, sid: str, assignment_sid: str) -> None:
        self._channel_assignments(family, sid)(assignment_sid).delete()

    @translated
    def evaluate(self, family: BundleFamily, sid: str, policy_sid: str) -> Evaluation:
        evaluations = getattr(self._bundle(family, sid), _FAMILIES[family].evaluations)
        raw = evaluations.create(policy_sid=policy_sid)
        return Evaluation(sid=raw.sid, status=raw.status, results=list(raw.results or []))

    # -- reading whole resources (import, drift) -------------------------------------

    @translated
    def list_bundles(self, family: BundleFamily) -> list[Bundle]:
        return [self._to_bundle(family, r) for r in self._bundles(family).stream(page_size=1000)]

    @translated
    def fetch_end_user(self, sid: str) -> Entity:
        return _to_entity(self.v1.end_users(sid).fetch())

    @translated
    def fetch_document(self, sid: str) -> Entity:
        return _to_entity(self.v1.supporting_documents(sid).fetch())

    @translated
    def fetch_address(self, sid: str) -> Address:
        return _to_address(self.client.addresses(sid).fetch())

    @translated
    def list_end_users(self) -> list[Entity]:
        return [_to_entity(r) for r in self.v1.end_users.stream(page_size=1000)]

    @translated
    def list_documents(self) -> list[Entity]:
        return [_to_entity(r) for r in self.v1.supporting_documents.stream(page_size=1000)]

    @translated
    def list_addresses(self) -> list[Address]:
        return [_to_address(r) for r in self.client.addresses.stream(page_size=1000)]

    @translated
    def list_tollfree_verifications(self) -> list[TollfreeVerification]:
        return [_to_verification(r) for r in self._verifications.stream(page_size=1000)]

    @translated
    def list_numbers(self) -> dict[str, str]:
        return {
            str(r.sid): str(r.phone_number)
            for r in self.client.incoming_phone_numbers.stream(page_size=1000)
        }

    # -- end users and supporting documents -------------------------------------------

    @translated
    def create_end_user(
        self, *, type_: str, friendly_name: str, attributes: Mapping[str, Any]
    ) -> str:
        raw = self.v1.end_users.create(
            friendly_name=friendly_name, type=type_, attributes=dict(attributes)
        )
        return str(raw.sid)

    @translated
    def update_end_user(
        self, sid: str, *, friendly_name: str, attributes: Mapping[str, Any]
    ) -> None:
        self.v1.end_users(sid).update(friendly_name=friendly_name, attributes=dict(attributes))

    @translated
    def delete_end_user(self, sid: str) -> None:
        self.v1.end_users(sid).delete()

    @translated
    def find_end_users(self, friendly_name: str) -> list[Remote]:
        return [
            Remote(r.sid, r.friendly_name, r.type, r.date_created)
            for r in self.v1.end_users.stream(page_size=1000)
            if r.friendly_name == friendly_name
        ]

    @translated
    def create_document(
        self, *, type_: str, friendly_name: str, attributes: Mapping[str, Any]
    ) -> str:
        raw = self.v1.supporting_documents.create(
            friendly_name=friendly_name, type=type_, attributes=dict(attributes)
        )
        return str(raw.sid)

    @translated
    def delete_document(self, sid: str) -> None:
        self.v1.supporting_documents(sid).delete()

    @translated
    def find_documents(self, friendly_name: str) -> list[Remote]:
        return [
            Remote(r.sid, r.friendly_name, r.type, r.date_created)
            for r in self.v1.supporting_documents.stream(page_size=1000)
            if r.friendly_name == friendly_name
        ]

    # -- API 2010: addresses and phone numbers ------------------------------------------

    @translated
    def create_address(self, *, friendly_name: str, params: Mapping[str, str]) -> str:
        raw = self.client.addresses.create(friendly_name=friendly_name, **params)
        return str(raw.sid)

    @translated
    def update_address(self, sid: str, *, friendly_name: str, params: Mapping[str, str]) -> None:
        fields = {k: v for k, v in params.items() if k != "iso_country"}  # not updatable
        self.client.addresses(sid).update(friendly_name=friendly_name, **fields)

    @translated
    def delete_address(self, sid: str) -> None:
        self.client.addresses(sid).delete()

    @translated
    def find_addresses(self, friendly_name: str) -> list[Remote]:
        return [
            Remote(r.sid, r.friendly_name, "address", None)
            for r in self.client.addresses.stream(friendly_name=friendly_name, page_size=1000)
        ]

    @translated
    def number_sid(self, e164: str) -> str | None:
        found = self.client.incoming_phone_numbers.list(phone_number=e164, limit=1)
        return str(found[0].sid) if found else None

    @translated
    def provision_number(self, e164: str) -> str:
        """Buy a number: only the sandbox target does this, so rehearsals need no setup."""
        return str(self.client.incoming_phone_numbers.create(phone_number=e164).sid)

    # -- messaging: A2P 10DLC brand registrations ----------------------------------------

    @translated
    def create_brand(
        self,
        *,
        customer_profile_sid: str,
        a2p_profile_sid: str,
        brand_type: str,
        skip_automatic_sec_vet: bool,
        mock: bool,
    ) -> BrandRegistration:
        raw = self.client.messaging.v1.brand_registrations.create(
            customer_profile_bundle_sid=customer_profile_sid,
            a2p_profile_bundle_sid=a2p_profile_sid,
            brand_type=brand_type,
            skip_automatic_sec_vet=skip_automatic_sec_vet,
            mock=mock,
        )
        return _to_brand(raw)

    @translated
    def fetch_brand(self, sid: str) -> BrandRegistration:
        return _to_brand(self.client.messaging.v1.brand_registrations(sid).fetch())

    @translated
    def list_brands(self) -> list[BrandRegistration]:
        brands = self.client.messaging.v1.brand_registrations.stream(page_size=1000)
        return [_to_brand(r) for r in brands]

    @translated
    def resubmit_brand(self, sid: str) -> BrandRegistration:
        return _to_brand(self.client.messaging.v1.brand_registrations(sid).update())

    @translated
    def retry_brand_authentication(self, sid: str) -> BrandRegistration:
        # The path has no operation in Twilio's spec and no SDK method (reference D.5.9):
        # a raw request, its answer read as a brand registration (what a resubmission
        # answers; UNCONFIRMED for /2fa).
        url = f"{MESSAGING_URL}/{sid}/2fa"
        response = self.client.request("POST", url)
        if response.status_code >= 400:
            try:
                body = json.loads(response.text or "{}")
            except ValueError:
                body = {}
            code = body.get("code") if isinstance(body, dict) else None
            message = body.get("message") if isinstance(body, dict) else None
            raise TwilioRestException(
                response.status_code, url, message or response.text, code, method="POST"
            )
        payload = json.loads(response.text)
        return _to_brand(BrandRegistrationInstance(self.client.messaging.v1, payload))

    @translated
    def create_brand_vetting(
        self, brand_sid: str, *, provider: str, vetting_id: str
    ) -> BrandVetting:
        vettings = self.client.messaging.v1.brand_registrations(brand_sid).brand_vettings
        return _to_vetting(vettings.create(vetting_provider=provider, vetting_id=vetting_id))

    @translated
    def list_brand_vettings(
        self, brand_sid: str, *, provider: str | None = None
    ) -> list[BrandVetting]:
        # The spec gives this list no PageSize (a brand has a few vettings): none is sent.
        vettings = self.client.messaging.v1.brand_registrations(brand_sid).brand_vettings
        if provider is None:
            return [_to_vetting(v) for v in vettings.stream()]
        return [_to_vetting(v) for v in vettings.stream(vetting_provider=provider)]

    @translated
    def fetch_brand_vetting(self, brand_sid: str, sid: str) -> BrandVetting:
        vettings = self.client.messaging.v1.brand_registrations(brand_sid).brand_vettings
        return _to_vetting(vettings(sid).fetch())

    # -- messaging v1: Messaging Services and their numbers ------------------------------

    @property
    def _services(self) -> Any:
        return self.client.messaging.v1.services

    @staticmethod
    def _to_service(raw: Any) -> MessagingService:
        return MessagingService(raw.sid, raw.friendly_name or "", raw.usecase, raw.date_created)

    @translated
    def create_service(self, *, friendly_name: str, usecase: str) -> MessagingService:
        return self._to_service(self._services.create(friendly_name=friendly_name, usecase=usecase))

    @translated
    def list_services(self) -> list[MessagingService]:
        return [self._to_service(r) for r in self._services.stream(page_size=1000)]

    @translated
    def fetch_service(self, sid: str) -> MessagingService:
        return self._to_service(self._services(sid).fetch())

    @translated
    def update_service(self, sid: str, *, friendly_name: str, usecase: str) -> None:
        self._services(sid).update(friendly_name=friendly_name, usecase=usecase)

    @translated
    def delete_service(self, sid: str) -> None:
        self._services(sid).delete()

    @translated
    def service_numbers(self, sid: str) -> set[str]:
        return {str(r.sid) for r in self._services(sid).phone_numbers.stream(page_size=1000)}

    @translated
    def add_service_number(self, sid: str, number_sid: str) -> None:
        self._services(sid).phone_numbers.create(phone_number_sid=number_sid)

    @translated
    def remove_service_number(self, sid: str, number_sid: str) -> None:
        self._services(sid).phone_numbers(number_sid).delete()

    # -- messaging v1: US A2P campaigns ---------------------------------------------------

    @translated
    def campaign_use_cases(self, service_sid: str, brand_sid: str) -> list[str]:
        found = self._services(service_sid).us_app_to_person_usecases.fetch(
            brand_registration_sid=brand_sid
        )
        return [
            str(u.get("code"))
            for u in found.us_app_to_person_usecases or []
            if isinstance(u, Mapping)
        ]

    @translated
    def create_campaign(self, service_sid: str, params: Mapping[str, Any]) -> Campaign:
        return _to_campaign(self._services(service_sid).us_app_to_person.create(**params))

    @translated
    def list_campaigns(self, service_sid: str) -> list[Campaign]:
        raws = self._services(service_sid).us_app_to_person.stream(page_size=1000)
        return [_to_campaign(r) for r in raws]

    @translated
    def fetch_campaign(self, service_sid: str, sid: str) -> Campaign:
        return _to_campaign(self._services(service_sid).us_app_to_person(sid).fetch())

    @translated
    def update_campaign(self, service_sid: str, sid: str, params: Mapping[str, Any]) -> Campaign:
        return _to_campaign(self._services(service_sid).us_app_to_person(sid).update(**params))

    @translated
    def delete_campaign(self, service_sid: str, sid: str) -> None:
        self._services(service_sid).us_app_to_person(sid).delete()

    # -- messaging v1: toll-free verifications ------------------------------------------

    @property
    def _verifications(self) -> Any:
        return self.client.messaging.v1.tollfree_verifications

    @translated
    def create_tollfree_verification(self, params: Mapping[str, Any]) -> TollfreeVerification:
        return _to_verification(self._verifications.create(**params))

    @translated
    def fetch_tollfree_verification(self, sid: str) -> TollfreeVerification:
        return _to_verification(self._verifications(sid).fetch())

    @translated
    def find_tollfree_verifications(
        self, *, external_reference_id: str
    ) -> list[TollfreeVerification]:
        raws = self._verifications.stream(
            external_reference_id=external_reference_id, page_size=1000
        )
        return [_to_verification(r) for r in raws]

    @translated
    def update_tollfree_verification(
        self, sid: str, params: Mapping[str, Any], *, edit_reason: str
    ) -> TollfreeVerification:
        fields = {k: v for k, v in params.items() if k not in _NOT_UPDATABLE}
        return _to_verification(self._verifications(sid).update(edit_reason=edit_reason, **fields))

    @translated
    def delete_tollfree_verification(self, sid: str) -> None:
        self._verifications(sid).delete()

    # -- accounts ----------------------------------------------------------------------------

    @translated
    def account_sid(self) -> str:
        return str(self.client.account_sid)

    @staticmethod
    def _to_account(raw: Any) -> Account:
        if raw.status not in ACCOUNT_STATUSES:
            raise UnexpectedAnswer(f"account {raw.sid} has status {raw.status!r}")
        return Account(
            sid=raw.sid,
            friendly_name=raw.friendly_name or "",
            status=raw.status,
            owner_account_sid=raw.owner_account_sid or raw.sid,
            date_created=raw.date_created,
        )

    @translated
    def fetch_account(self, sid: str) -> Account:
        return self._to_account(self.client.api.v2010.accounts(sid).fetch())

    @translated
    def list_subaccounts(self, *, friendly_name: str | None = None) -> list[Account]:
        own = self.account_sid()
        kwargs = {} if friendly_name is None else {"friendly_name": friendly_name}
        return [
            self._to_account(raw)
            for raw in self.client.api.v2010.accounts.stream(page_size=1000, **kwargs)
            if raw.sid != own
        ]

    @translated
    def open_subaccounts(self) -> dict[str, tuple[Account, TwilioSdkProvider | None]]:
        own = self.account_sid()
        out: dict[str, tuple[Account, TwilioSdkProvider | None]] = {}
        for raw in self.client.api.v2010.accounts.stream(page_size=1000):
            account = self._to_account(raw)
            if account.sid == own or account.owner_account_sid != own:
                continue
            active = account.status == "active"
            out[account.sid] = (account, self._acting_in(raw) if active else None)
        return out

    @translated
    def create_subaccount(self, friendly_name: str) -> Account:
        return self._to_account(self.client.api.v2010.accounts.create(friendly_name=friendly_name))

    @translated
    def update_account(self, sid: str, *, friendly_name: str) -> Account:
        raw = self.client.api.v2010.accounts(sid).update(friendly_name=friendly_name)
        return self._to_account(raw)

    @translated
    def close_account(self, sid: str) -> Account:
        return self._to_account(self.client.api.v2010.accounts(sid).update(status="closed"))

    @translated
    def in_subaccount(self, sid: str) -> TwilioSdkProvider:
        raw = self.client.api.v2010.accounts(sid).fetch()
        account = self._to_account(raw)
        if account.owner_account_sid != self.account_sid() or account.sid == self.account_sid():
            raise AccountUnavailable(sid, "is not a subaccount of the account the credentials name")
        if account.status != "active":
            raise AccountUnavailable(sid, f"is {account.status}")
        return self._acting_in(raw)

    def _acting_in(self, raw: Any) -> TwilioSdkProvider:
        # The subaccount's own credentials, read through the parent; they live in this
        # client only (never returned, stored or shown). The transport (retries, the
        # sandbox's) is shared.
        client = Client(raw.sid, raw.auth_token, http_client=self.client.http_client)
        return TwilioSdkProvider(client)

    # -- Event Streams (events.twilio.com v1) -----------------------------------------------

    @translated
    def list_event_sinks(self) -> list[EventSink]:
        return [_to_sink(r) for r in self.client.events.v1.sinks.stream(page_size=1000)]

    @translated
    def create_webhook_sink(self, description: str, destination: str) -> EventSink:
        configuration = {"destination": destination, "method": "POST", "batch_events": True}
        raw = self.client.events.v1.sinks.create(
            description=description, sink_configuration=configuration, sink_type="webhook"
        )
        return _to_sink(raw)

    @translated
    def delete_event_sink(self, sid: str) -> None:
        self.client.events.v1.sinks(sid).delete()

    @translated
    def list_event_subscriptions(self) -> list[EventSubscription]:
        raws = self.client.events.v1.subscriptions.stream(page_size=1000)
        return [_to_subscription(r) for r in raws]

    @translated
    def create_event_subscription(
        self, description: str, sink_sid: str, types: Mapping[str, int]
    ) -> EventSubscription:
        entries = [{"type": t, "schema_version": v} for t, v in sorted(types.items())]
        raw = self.client.events.v1.subscriptions.create(
            description=description, sink_sid=sink_sid, types=entries
        )
        return _to_subscription(raw)

    @translated
    def delete_event_subscription(self, sid: str) -> None:
        self.client.events.v1.subscriptions(sid).delete()

    @translated
    def subscribed_event_types(self, subscription_sid: str) -> dict[str, int]:
        events = self.client.events.v1.subscriptions(subscription_sid).subscribed_events
        return {str(e.type): int(e.schema_version or 0) for e in events.stream(page_size=1000)}

    @translated
    def subscribe_event_type(self, subscription_sid: str, type: str, schema_version: int) -> None:
        events = self.client.events.v1.subscriptions(subscription_sid).subscribed_events
        events.create(type=type, schema_version=schema_version)

    @translated
    def unsubscribe_event_type(self, subscription_sid: str, type: str) -> None:
        self.client.events.v1.subscriptions(subscription_sid).subscribed_events(type).delete()

    @translated
    def signing_token(self) -> str:
        # The client's password: the auth token for a client made with the account's SID
        # (as `in_subaccount` makes them); an API key's secret signs nothing.
        return str(self.client.password or "")


# Twilio echoes a campaign's privacy and terms URLs only to this API version (reference D.7).
USA2P_VERSION: Final = "v1.2"

# Create parameters the update does not take (the spec's UpdateTollfreeVerification).
_NOT_UPDATABLE: Final = frozenset(
    {"tollfree_phone_number_sid", "customer_profile_sid", "external_reference_id"}
)


def _to_sink(raw: Any) -> EventSink:
    config = raw.sink_configuration if isinstance(raw.sink_configuration, dict) else {}
    destination = config.get("destination")
    method = config.get("method")
    return EventSink(
        sid=raw.sid,
        description=raw.description or "",
        sink_type=raw.sink_type or "",
        status=raw.status or "",
        destination=destination if isinstance(destination, str) else None,
        method=str(method).upper() if method else None,
        batch_events=config.get("batch_events") is True,
    )


def _to_subscription(raw: Any) -> EventSubscription:
    return EventSubscription(raw.sid, raw.description or "", raw.sink_sid or "")
