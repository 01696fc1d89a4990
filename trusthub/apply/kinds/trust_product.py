"""Applying a trust product: its end user (when the product has one), the link to its
approved profile, the bundle, and the numbers it covers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trusthub.apply import objects
from trusthub.apply.kinds import a2p_brand
from trusthub.apply.kinds.bundle import BundleApplier
from trusthub.errors import ApplyError
from trusthub.model import fees
from trusthub.model import lifecycle as lc
from trusthub.model import sole_proprietor as sole
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, PROFILE, TRUST_PRODUCT
from trusthub.provider.api import TRUST_PRODUCTS

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger


class TrustProductApplier(BundleApplier):
    kind = KINDS[TRUST_PRODUCT]
    family = TRUST_PRODUCTS

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        profile = c.ctx.desired[d.profile]
        profile_bundle = c.rec.sids(PROFILE, d.profile).get(objects.BUNDLE)
        if profile_bundle is None:
            raise ApplyError(f"{d.name}: profile {d.profile} has no bundle yet")
        follows_submission = d.attributes.get("policy") == sole.POLICY_TRUST_PRODUCT
        if (
            not update
            and not follows_submission
            and c.rec.sids(TRUST_PRODUCT, d.name).get(objects.BUNDLE) is None
        ):
            # Planned on a primary adopted in the same apply: created only if it is approved
            # (a starter profile's sole-proprietor product follows its submission instead).
            status = c.rec.recorded_status(PROFILE, d.profile)
            if status != lc.APPROVED:
                raise ApplyError(
                    f"{d.name} is not created: its profile {d.profile} is "
                    f"{status or 'not recorded'}; trust products are created once it is "
                    "twilio-approved (`trusthub refresh` records it)"
                )
        # As for profiles: only fields the plan changes are written. An `assign` (numbers
        # only) may run on a product under review or approved, where an end-user update
        # would be refused (70002).
        touched = c.touched() if update else set()
        assign = []
        spec = objects.product_end_user(d)
        if spec is not None:
            assign.append(c.ensure_end_user(spec, update=spec.changed(touched)))
        assign.append(profile_bundle)
        bundle_spec = objects.product_bundle(profile.attributes, d.product or "")
        bundle = c.ensure_bundle(
            self.family,
            bundle_spec,
            policy_sid=str(d.attributes["policy"]),
            update=bundle_spec.changed(touched),  # the profile's keys: see product_bundle
            # Its end user carries a tagged name; without one, a product of this policy and
            # name assigned to this profile's bundle is this one.
            owned_by=assign,
        )
        c.ensure_assigned(self.family, bundle, assign)
        c.ensure_numbers(self.family, bundle, d.numbers)
        if update and fees.AUTHENTICATION_PLUS in c.action.fees:
            # The plan's fix of a failed Authentication+: the new contact is on the end
            # user now; TCR is asked for a new check (the brand kind's part).
            a2p_brand.retry_authentication(c, d.profile)
