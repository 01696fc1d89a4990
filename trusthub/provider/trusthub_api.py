"""A small typed face on the official twilio SDK: exactly the Trust Hub, Addresses and
IncomingPhoneNumbers calls apply and refresh make. Works the same against real Twilio and
the sandbox, because both are reached through the same `twilio.rest.Client`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from twilio.rest import Client

PROFILE = "profile"


@dataclass(frozen=True, slots=True)
class Bundle:
    sid: str
    status: str
    friendly_name: str
    email: str
    policy_sid: str
    valid_until: str | None
    errors: tuple[str, ...]
    date_created: datetime | None


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


def _errors(raw: Any) -> tuple[str, ...]:
    if not raw:
        return ()
    out = []
    for item in raw:
        if isinstance(item, Mapping):
            text = item.get("message") or item.get("failure_reason") or item.get("code")
            out.append(str(text))
        else:
            out.append(str(item))
    return tuple(out)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


class TrustHubApi:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.v1 = client.trusthub.v1

    # -- bundles (customer profiles and trust products) --------------------------------

    def _bundles(self, kind: str) -> Any:
        return self.v1.customer_profiles if kind == PROFILE else self.v1.trust_products

    def _bundle(self, kind: str, sid: str) -> Any:
        return self._bundles(kind)(sid)

    @staticmethod
    def _to_bundle(raw: Any) -> Bundle:
        return Bundle(
            sid=raw.sid,
            status=raw.status,
            friendly_name=raw.friendly_name,
            email=raw.email,
            policy_sid=raw.policy_sid,
            valid_until=_iso(raw.valid_until),
            errors=_errors(getattr(raw, "errors", None)),
            date_created=raw.date_created,
        )

    def create_bundle(
        self,
        kind: str,
        *,
        friendly_name: str,
        email: str,
        policy_sid: str,
        status_callback: str | None,
    ) -> Bundle:
        extra = {"status_callback": status_callback} if status_callback else {}
        raw = self._bundles(kind).create(
            friendly_name=friendly_name, email=email, policy_sid=policy_sid, **extra
        )
        return self._to_bundle(raw)

    def fetch_bundle(self, kind: str, sid: str) -> Bundle:
        return self._to_bundle(self._bundle(kind, sid).fetch())

    def find_bundles(self, kind: str, *, friendly_name: str, policy_sid: str) -> list[Bundle]:
        raws = self._bundles(kind).list(friendly_name=friendly_name, policy_sid=policy_sid)
        return [self._to_bundle(r) for r in raws]

    def update_bundle(
        self, kind: str, sid: str, *, friendly_name: str, email: str, status_callback: str | None
    ) -> None:
        extra = {"status_callback": status_callback} if status_callback else {}
        self._bundle(kind, sid).update(friendly_name=friendly_name, email=email, **extra)

    def submit(self, kind: str, sid: str) -> Bundle:
        return self._to_bundle(self._bundle(kind, sid).update(status="pending-review"))

    def delete_bundle(self, kind: str, sid: str) -> None:
        self._bundle(kind, sid).delete()

    def _entity_assignments(self, kind: str, sid: str) -> Any:
        b = self._bundle(kind, sid)
        return (
            b.customer_profiles_entity_assignments
            if kind == PROFILE
            else b.trust_products_entity_assignments
        )

    def _channel_assignments(self, kind: str, sid: str) -> Any:
        b = self._bundle(kind, sid)
        return (
            b.customer_profiles_channel_endpoint_assignment
            if kind == PROFILE
            else b.trust_products_channel_endpoint_assignment
        )

    def entity_assignments(self, kind: str, sid: str) -> dict[str, str]:
        """object SID -> assignment SID."""
        return {
            a.object_sid: a.sid for a in self._entity_assignments(kind, sid).list(page_size=1000)
        }

    def assign_entity(self, kind: str, sid: str, object_sid: str) -> str:
        return str(self._entity_assignments(kind, sid).create(object_sid=object_sid).sid)

    def unassign_entity(self, kind: str, sid: str, assignment_sid: str) -> None:
        self._entity_assignments(kind, sid)(assignment_sid).delete()

    def channel_assignments(self, kind: str, sid: str) -> dict[str, str]:
        """phone-number SID (PN...) -> assignment SID."""
        return {
            a.channel_endpoint_sid: a.sid
            for a in self._channel_assignments(kind, sid).list(page_size=1000)
        }

    def assign_number(self, kind: str, sid: str, number_sid: str) -> str:
        created = self._channel_assignments(kind, sid).create(
            channel_endpoint_type="phone-number", channel_endpoint_sid=number_sid
        )
        return str(created.sid)

    def unassign_number(self, kind: str, sid: str, assignment_sid: str) -> None:
        self._channel_assignments(kind, sid)(assignment_sid).delete()

    def evaluate(self, kind: str, sid: str, policy_sid: str) -> Evaluation:
        b = self._bundle(kind, sid)
        evaluations = (
            b.customer_profiles_evaluations if kind == PROFILE else b.trust_products_evaluations
        )
        raw = evaluations.create(policy_sid=policy_sid)
        return Evaluation(sid=raw.sid, status=raw.status, results=list(raw.results or []))

    # -- end users and supporting documents -------------------------------------------

    def create_end_user(
        self, *, type_: str, friendly_name: str, attributes: Mapping[str, Any]
    ) -> str:
        raw = self.v1.end_users.create(
            friendly_name=friendly_name, type=type_, attributes=dict(attributes)
        )
        return str(raw.sid)

    def update_end_user(
        self, sid: str, *, friendly_name: str, attributes: Mapping[str, Any]
    ) -> None:
        self.v1.end_users(sid).update(friendly_name=friendly_name, attributes=dict(attributes))

    def delete_end_user(self, sid: str) -> None:
        self.v1.end_users(sid).delete()

    def find_end_users(self, friendly_name: str) -> list[Remote]:
        return [
            Remote(r.sid, r.friendly_name, r.type, r.date_created)
            for r in self.v1.end_users.stream(page_size=1000)
            if r.friendly_name == friendly_name
        ]

    def create_document(
        self, *, type_: str, friendly_name: str, attributes: Mapping[str, Any]
    ) -> str:
        raw = self.v1.supporting_documents.create(
            friendly_name=friendly_name, type=type_, attributes=dict(attributes)
        )
        return str(raw.sid)

    def update_document(
        self, sid: str, *, friendly_name: str, attributes: Mapping[str, Any]
    ) -> None:
        self.v1.supporting_documents(sid).update(
            friendly_name=friendly_name, attributes=dict(attributes)
        )

    def delete_document(self, sid: str) -> None:
        self.v1.supporting_documents(sid).delete()

    def find_documents(self, friendly_name: str) -> list[Remote]:
        return [
            Remote(r.sid, r.friendly_name, r.type, r.date_created)
            for r in self.v1.supporting_documents.stream(page_size=1000)
            if r.friendly_name == friendly_name
        ]

    # -- API 2010: addresses and phone numbers ------------------------------------------

    def create_address(self, *, friendly_name: str, params: Mapping[str, str]) -> str:
        raw = self.client.addresses.create(friendly_name=friendly_name, **params)
        return str(raw.sid)

    def update_address(self, sid: str, *, friendly_name: str, params: Mapping[str, str]) -> None:
        fields = {k: v for k, v in params.items() if k != "iso_country"}  # not updatable
        self.client.addresses(sid).update(friendly_name=friendly_name, **fields)

    def delete_address(self, sid: str) -> None:
        self.client.addresses(sid).delete()

    def find_addresses(self, friendly_name: str) -> list[Remote]:
        return [
            Remote(r.sid, r.friendly_name, "address", None)
            for r in self.client.addresses.stream(friendly_name=friendly_name, page_size=1000)
        ]

    def number_sid(self, e164: str) -> str | None:
        found = self.client.incoming_phone_numbers.list(phone_number=e164, limit=1)
        return str(found[0].sid) if found else None

    def provision_number(self, e164: str) -> str:
        """Buy a number: only the sandbox target does this, so rehearsals need no setup."""
        return str(self.client.incoming_phone_numbers.create(phone_number=e164).sid)
