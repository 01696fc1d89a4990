"""What a kind of resource is, as the vocabulary sees it.

A kind is one module per layer: here (its statuses, how its desired resources are built from
a profile document, which fields are fixed once it exists), its planner
(`trusthub.plan.kinds`), its applier (`trusthub.apply.kinds`) and its sandbox resource.
Every layer keeps a registry keyed by the kind's `name`; `trusthub.app.kinds` checks that
each registered kind is known to every layer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from trusthub.model.desired import DesiredResource
from trusthub.model.lifecycle import Lifecycle


class ResourceKind(ABC):
    name: ClassVar[str]  # stable: recorded in the state and in saved plans
    lifecycle: ClassVar[Lifecycle]
    # Attribute keys fixed when the object is created: changing one means a new resource.
    immutable_fields: ClassVar[tuple[str, ...]] = ()
    # Object roles (`Recorder.sids` keys) that hold the resource's own SID, the one refresh
    # reads its status from.
    root_role: ClassVar[str] = "bundle"
    # The REST collections (Twilio's paths, as its OpenAPI specs name them) the kind's
    # applier works on; the sandbox answers each (tests/kinds checks it).
    remote_paths: ClassVar[tuple[str, ...]] = ()
    # How plans name a resource of the kind ("" for profiles and trust products, which are
    # named by their product).
    label: ClassVar[str] = ""

    @abstractmethod
    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        """The resources of this kind that the (schema-valid) profile document asks for."""

    def evaluated(self, d: DesiredResource) -> bool:
        """Whether apply runs an Evaluation against the policy before submitting `d` (Trust
        Hub's bundles: yes, unless a product's onboarding has no evaluation step)."""
        return True

    def owner(self, name: str) -> str:
        """The profile a resource of this kind belongs to (names are `<profile>[/<part>]`)."""
        return name.split("/", 1)[0]

    def valid_name(self, name: str) -> bool:
        """Whether `name` is shaped as this kind's names are. Names are unique across kinds
        (the state keys resources by name alone), so each kind has a shape of its own."""
        profile, _, part = name.partition("/")
        return bool(profile) and bool(part) and "/" not in part
