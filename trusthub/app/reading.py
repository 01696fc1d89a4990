"""The read side: customer profiles and trust products read whole from the target (the
bundle, every assigned end user, supporting document, address and phone number), as
`trusthub.model.reverse` takes them. `trusthub import` writes what it reads into profile
files; refresh compares it with the state (drift)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trusthub.apply import objects
from trusthub.model.reverse import ADDRESS_DOCUMENT, ObservedBundle
from trusthub.provider.api import Bundle, BundleFamily, TrustHubProvider


@dataclass
class ReadBundle:
    """A bundle read whole, and the SID of each object under the role apply gives it."""

    bundle: Bundle
    observed: ObservedBundle
    sids: dict[str, str] = field(default_factory=dict)  # role -> SID (numbers apart)
    number_sids: dict[str, str] = field(default_factory=dict)  # E.164 -> PN...


def _address_sids(attributes: Mapping[str, Any]) -> list[str]:
    raw = attributes.get("address_sids", [])
    if isinstance(raw, str):
        return [s.strip() for s in raw.split(",") if s.strip()]
    return [str(s) for s in raw] if isinstance(raw, list) else []


def read_bundle(
    api: TrustHubProvider, family: BundleFamily, bundle: Bundle, numbers: Mapping[str, str]
) -> ReadBundle:
    """`numbers`: the account's phone numbers, SID -> E.164 (`list_numbers`)."""
    sids: dict[str, str] = {objects.BUNDLE: bundle.sid}
    end_users: list[tuple[str, Mapping[str, Any]]] = []
    addresses: list[Mapping[str, str]] = []
    bundles: list[str] = []
    others: list[str] = []
    for object_sid in sorted(api.entity_assignments(family, bundle.sid)):
        prefix = object_sid[:2]
        if prefix == "IT":
            user = api.fetch_end_user(object_sid)
            end_users.append((user.type, dict(user.attributes)))
            sids[f"end_user:{user.type}"] = object_sid
        elif prefix == "RD":
            document = api.fetch_document(object_sid)
            if document.type != ADDRESS_DOCUMENT or objects.DOCUMENT in sids:
                others.append(f"supporting document {object_sid} of type {document.type}")
                continue
            sids[objects.DOCUMENT] = object_sid
            for address_sid in _address_sids(document.attributes):
                addresses.append(dict(api.fetch_address(address_sid).params))
                sids.setdefault(objects.ADDRESS, address_sid)
        elif prefix == "BU":
            bundles.append(object_sid)
        else:
            others.append(f"assigned object {object_sid}")
    known: list[str] = []
    unknown: list[str] = []
    number_sids: dict[str, str] = {}
    for pn in sorted(api.channel_assignments(family, bundle.sid)):
        if pn in numbers:
            known.append(numbers[pn])
            number_sids[numbers[pn]] = pn
        else:
            unknown.append(pn)
    observed = ObservedBundle(
        sid=bundle.sid,
        status=bundle.status,
        policy_sid=bundle.policy_sid,
        friendly_name=bundle.friendly_name,
        email=bundle.email,
        status_callback=bundle.status_callback,
        end_users=end_users,
        addresses=addresses,
        bundles=bundles,
        others=others,
        numbers=sorted(known),
        unknown_numbers=unknown,
    )
    return ReadBundle(bundle, observed, sids, number_sids)
