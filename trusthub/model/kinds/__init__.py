"""The registry of resource kinds, in planning order: a kind's resources are planned after
those of the kinds registered before it (a trust product after its profile) and deleted
before them.

`KINDS` holds the built-in kinds; a test (or a later kind) registers another with
`KINDS.register`, and every layer's registry follows the same names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, Final

from trusthub.model.desired import PARENT_ACCOUNT, DesiredResource
from trusthub.model.kinds.a2p_brand import A2PBrandKind
from trusthub.model.kinds.a2p_brand_vetting import A2PBrandVettingKind
from trusthub.model.kinds.a2p_campaign import A2PCampaignKind
from trusthub.model.kinds.base import ResourceKind
from trusthub.model.kinds.messaging_service import MessagingServiceKind
from trusthub.model.kinds.profile import ProfileKind
from trusthub.model.kinds.subaccount import SubaccountKind
from trusthub.model.kinds.tollfree_verification import TollfreeVerificationKind
from trusthub.model.kinds.trust_product import TrustProductKind

SUBACCOUNT: Final = SubaccountKind.name
PROFILE: Final = ProfileKind.name
TRUST_PRODUCT: Final = TrustProductKind.name
A2P_BRAND: Final = A2PBrandKind.name
A2P_BRAND_VETTING: Final = A2PBrandVettingKind.name
TOLLFREE_VERIFICATION: Final = TollfreeVerificationKind.name
MESSAGING_SERVICE: Final = MessagingServiceKind.name
A2P_CAMPAIGN: Final = A2PCampaignKind.name


class UnknownKindError(KeyError):
    """A kind name that no registered kind has: a bug, or a state from a newer trusthub."""


class Kinds:
    def __init__(self, kinds: Iterable[ResourceKind] = ()) -> None:
        self._kinds: dict[str, ResourceKind] = {}
        for kind in kinds:
            self.register(kind)

    def register(self, kind: ResourceKind) -> None:
        if kind.name in self._kinds:
            raise ValueError(f"kind {kind.name!r} is registered already")
        self._kinds[kind.name] = kind

    def unregister(self, name: str) -> None:
        del self._kinds[name]

    def __getitem__(self, name: str) -> ResourceKind:
        try:
            return self._kinds[name]
        except KeyError:
            raise UnknownKindError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def __iter__(self) -> Iterator[ResourceKind]:
        return iter(self._kinds.values())

    def names(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def rank(self, name: str) -> int:
        """The kind's place in planning order."""
        return self.names().index(name)


KINDS: Final = Kinds(
    [
        SubaccountKind(),  # first: an account's profiles are made in it
        ProfileKind(),
        TrustProductKind(),
        A2PBrandKind(),
        A2PBrandVettingKind(),  # imported into its registered brand
        TollfreeVerificationKind(),
        MessagingServiceKind(),
        A2PCampaignKind(),
    ]
)


def desired_resources(
    profiles: Iterable[tuple[str, Mapping[str, Any], str]], kinds: Kinds = KINDS
) -> dict[str, DesiredResource]:
    """(name, data, path) triples of schema-valid profiles -> the resources of every kind
    they ask for, by name."""
    resources: dict[str, DesiredResource] = {}
    for name, data, path in profiles:
        account = data.get("account", PARENT_ACCOUNT)
        for kind in kinds:
            for resource in kind.resources(name, data, path):
                if account != PARENT_ACCOUNT:
                    resource = replace(resource, account=account)
                resources[resource.name] = resource
    return resources


__all__ = [
    "A2P_BRAND",
    "A2P_BRAND_VETTING",
    "A2P_CAMPAIGN",
    "KINDS",
    "MESSAGING_SERVICE",
    "PROFILE",
    "SUBACCOUNT",
    "TOLLFREE_VERIFICATION",
    "TRUST_PRODUCT",
    "Kinds",
    "ResourceKind",
    "UnknownKindError",
    "desired_resources",
]
