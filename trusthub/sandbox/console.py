"""The part of the Twilio Console a rehearsal needs: making an approved primary customer
profile, which Twilio's API refuses (`resources.bundles`).

The Console builds what an API client would (end users, the address and its supporting
document, the bundle and its entity assignments), reviews it, and hands over an approved
bundle; `create_primary` does the same in one go, so a rehearsal starts where a real
account starts: with a primary that only has to be adopted by its SID. The objects the API
may create anyway (end users, address, document) are made through the sandbox's own API with
the stock SDK, as the Console's backend would; the bundle and its assignments are written
directly, since no API request may make them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trusthub.errors import TrusthubError
from trusthub.sandbox import review
from trusthub.sandbox.evaluation import profile_type
from trusthub.sandbox.resources.assignments import ENTITY
from trusthub.sandbox.resources.bundles import PRIMARY_POLICIES
from trusthub.sandbox.review import mirror_documents
from trusthub.sandbox.sids import is_sid, new_sid

if TYPE_CHECKING:
    from trusthub.sandbox.core import Sandbox


class ConsoleError(TrusthubError):
    """What the Console would not do (a SID of another kind of object, a secondary policy)."""


@dataclass(frozen=True, slots=True)
class ConsoleEndUser:
    type: str
    friendly_name: str
    attributes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ConsolePrimary:
    """What the Console's form asks for a primary customer profile."""

    policy_sid: str  # a primary policy
    friendly_name: str
    email: str
    status_callback: str | None
    end_users: Sequence[ConsoleEndUser]
    address: Mapping[str, str]  # the SDK's Address parameters (customer_name, street, ...)
    address_name: str  # the friendly name of the address and its supporting document
    sid: str | None = None  # the bundle's SID (a rehearsal's fixed one); None: a new one


@dataclass(frozen=True, slots=True)
class ConsoleResult:
    sid: str
    created: bool  # False: a primary with that SID was there already


def create_primary(sb: Sandbox, form: ConsolePrimary) -> ConsoleResult:
    """An approved primary customer profile made as the Console makes one; an existing
    primary with `form.sid` is reported, not made again."""
    if form.policy_sid not in PRIMARY_POLICIES:
        raise ConsoleError(f"{form.policy_sid} is not a primary customer profile policy")
    if form.sid is not None:
        if not is_sid(form.sid, "BU"):
            raise ConsoleError(f"{form.sid!r} is not a bundle SID (BU and 32 hex digits)")
        with sb.store.read() as tx:
            existing = tx.get(form.sid)
        if existing is not None:
            if existing.kind != "customer_profile" or (
                existing.data["policy_sid"] not in PRIMARY_POLICIES
            ):
                raise ConsoleError(
                    f"{form.sid} is already a {existing.kind.replace('_', ' ')} of this "
                    "sandbox that is not a primary customer profile"
                )
            return ConsoleResult(form.sid, created=False)
    client = sb.client()
    objects = [
        str(
            client.trusthub.v1.end_users.create(
                friendly_name=u.friendly_name, type=u.type, attributes=dict(u.attributes)
            ).sid
        )
        for u in form.end_users
    ]
    address = client.addresses.create(friendly_name=form.address_name, **dict(form.address))
    objects.append(
        str(
            client.trusthub.v1.supporting_documents.create(
                friendly_name=form.address_name,
                type="customer_profile_address",
                attributes={"address_sids": address.sid},
            ).sid
        )
    )
    sid = form.sid or new_sid("BU")
    now = sb.clock()
    with sb.store.write() as tx:
        bundle = tx.insert(
            "customer_profile",
            sid,
            None,
            {
                "account_sid": sb.account_sid,
                "policy_sid": form.policy_sid,
                "friendly_name": form.friendly_name,
                "status": review.APPROVED,
                "email": form.email,
                "status_callback": form.status_callback,
                "valid_until": None,
                "errors": None,
                "date_created": now,
                "date_updated": now,
            },
        )
        for object_sid in objects:
            obj = tx.get(object_sid)
            assert obj is not None  # made just above
            object_type = profile_type(obj) if obj.kind == "customer_profile" else obj.data["type"]
            tx.insert(
                ENTITY,
                new_sid("BV"),
                bundle.sid,
                {
                    "account_sid": sb.account_sid,
                    "object_sid": object_sid,
                    "object_type": object_type,
                    "date_created": now,
                },
            )
        mirror_documents(tx, bundle.sid, review.APPROVED)  # as the Console's review does
    return ConsoleResult(sid, created=True)
