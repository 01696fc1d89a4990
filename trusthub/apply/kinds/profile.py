"""Applying a customer profile: its end users (business information or the individual,
authorized representatives), its address and the supporting document for it, the link to
its primary, the bundle, and its phone numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trusthub.apply import objects
from trusthub.apply.kinds.bundle import BundleApplier
from trusthub.errors import ApplyError
from trusthub.model import mapping
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, PROFILE
from trusthub.provider.api import CUSTOMER_PROFILES

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger


class ProfileApplier(BundleApplier):
    kind = KINDS[PROFILE]
    family = CUSTOMER_PROFILES

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        attrs = d.attributes
        touched = c.touched() if update else set()
        assign: list[str] = []
        for spec in objects.profile_end_users(attrs):
            assign.append(c.ensure_end_user(spec, update=spec.changed(touched)))
        self._drop_stale_end_users(c, {s.role for s in objects.profile_end_users(attrs)})
        address = objects.profile_address(attrs)
        assign.append(c.ensure_document(c.ensure_address(address, update=address.changed(touched))))
        owned = list(assign)  # objects under this profile's own tagged names
        if d.primary:
            primary = c.rec.sids(PROFILE, d.primary).get(objects.BUNDLE)
            if primary is None:
                raise ApplyError(f"{d.name}: its primary {d.primary} has no bundle yet")
            assign.append(primary)
        spec_b = objects.profile_bundle(attrs)
        bundle = c.ensure_bundle(
            self.family,
            spec_b,
            policy_sid=mapping.profile_policy_sid(attrs["role"], attrs["type"]),
            update=spec_b.changed(touched),
            owned_by=owned,
        )
        c.ensure_assigned(self.family, bundle, assign)
        c.ensure_numbers(self.family, bundle, d.numbers)

    def _drop_stale_end_users(self, c: Converger, wanted: set[str]) -> None:
        for role, sid in c.rec.sids(PROFILE, c.name).items():
            if role.startswith("end_user:") and role not in wanted:
                bundle = c.rec.sids(PROFILE, c.name).get(objects.BUNDLE)
                if bundle is not None:
                    assignment = c.api.entity_assignments(self.family, bundle).get(sid)
                    if assignment is not None:
                        c.api.unassign_entity(self.family, bundle, assignment)
                c.ignore_missing(lambda s=sid: c.api.delete_end_user(s))  # type: ignore[misc]
                c.rec.forget(PROFILE, c.name, role)
                c.say(f"removed {role}")
