"""Applying a customer profile: its end users (business information or the individual,
authorized representatives), its address and the supporting document for it, the link to
its primary, the bundle, and its phone numbers.

A primary (made in the Twilio Console, named by `sid:`) is adopted instead: read by its SID
and checked, never written; only its phone numbers are assigned through the API (see
`trusthub.model.kinds.profile`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from trusthub.apply import objects
from trusthub.apply.kinds.bundle import BundleApplier
from trusthub.errors import ApplyError
from trusthub.model import lifecycle as lc
from trusthub.model import mapping
from trusthub.model.desired import DesiredResource, spec_hash
from trusthub.model.kinds import KINDS, PROFILE
from trusthub.provider.api import CUSTOMER_PROFILES
from trusthub.provider.errors import RemoteNotFound

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger


BUSINESS_INFORMATION: Final = "customer_profile_business_information"
ISV_IDENTITY: Final = mapping.BUSINESS_IDENTITY["ISV Reseller or Partner"]
PRIMARY_POLICIES: Final = {
    mapping.POLICY_PRIMARY_BUSINESS: "business",
    mapping.POLICY_PRIMARY_INDIVIDUAL: "individual",
}


def console_sid(d: DesiredResource) -> str | None:
    """The SID of the Console-made primary `d` stands for (None: trusthub makes it)."""
    sid = d.attributes.get("sid") if d.role == "primary" else None
    return sid if isinstance(sid, str) else None


def require_approved_primary(c: Converger, primary: str, what: str) -> None:
    """Refuse to go on while `primary` is not recorded twilio-approved: the plan went ahead
    on a primary adopted in the same apply (made in the Console, normally approved)."""
    status = c.rec.recorded_status(PROFILE, primary)
    if status != lc.APPROVED:
        raise ApplyError(
            f"{what}: its primary {primary} is {status or 'not adopted'}; it is approved in "
            "the Twilio Console, then `trusthub refresh` records it and the next apply goes on"
        )


class ProfileApplier(BundleApplier):
    kind = KINDS[PROFILE]
    family = CUSTOMER_PROFILES

    def adopt(self, c: Converger, d: DesiredResource) -> None:
        sid = console_sid(d)
        assert sid is not None  # the planner adopts only such profiles
        where = f"{d.name} ({d.path})" if d.path else d.name
        try:
            bundle = c.api.fetch_bundle(self.family, sid)
        except RemoteNotFound:
            raise ApplyError(
                f"{where}: there is no customer profile {sid} in this account; put the SID "
                "of the primary made in the Twilio Console in `sid:` (Trust Hub > Customer "
                "profiles); for a rehearsal on the sandbox: `trusthub sandbox console "
                f"create-primary {d.path or 'FILE'}`"
            ) from None
        wanted = d.attributes["type"]
        found = PRIMARY_POLICIES.get(bundle.policy_sid)
        if found is None:
            raise ApplyError(
                f"{where}: {sid} is not a primary customer profile (its policy is "
                f"{bundle.policy_sid}, not the primary {wanted} policy "
                f"{mapping.profile_policy_sid('primary', wanted)}); put the SID of the "
                "account's primary profile in `sid:`"
            )
        if found != wanted:
            raise ApplyError(
                f"{where}: {sid} is a primary {found} profile, but the file says "
                f"type: {wanted}; name the primary {wanted} profile in `sid:`, or fix `type:`"
            )
        secondaries = sorted(n for n, other in c.ctx.desired.items() if other.primary == d.name)
        identity = self._business_identity(c, sid) if wanted == "business" else None
        if secondaries and identity != ISV_IDENTITY:
            raise ApplyError(
                f"{where}: {sid} has business identity {identity or '(none)'}, and secondary "
                f"profiles ({', '.join(secondaries)}) need a primary whose business identity "
                "is ISV Reseller or Partner (isv_reseller_or_partner); change it in the Twilio "
                "Console, or name the ISV's primary in `sid:`"
            )
        c.rec.confirm(PROFILE, d.name, objects.BUNDLE, sid)
        # What trusthub takes the Console's profile to be: the YAML as it is now. No number
        # is assigned yet: the plan's `assign` (after this) puts them on it.
        adopted = replace(d, numbers=())
        c.rec.applied(
            PROFILE,
            d.name,
            body=adopted.sealed(c.ctx.key).to_data(),
            spec_hash=adopted.spec_hash(c.ctx.key),
            status=bundle.status,
            policy_sid=bundle.policy_sid,
            action="adopt",
        )
        # Not its friendly name: an individual's is the person's name (personal data).
        read: dict[str, Any] = {
            "sid": sid,
            "status": bundle.status,
            "policy_sid": bundle.policy_sid,
        }
        if identity is not None:
            read["business_identity"] = identity
        c.rec.evaluation(PROFILE, d.name, {"adopted": read})
        c.say(f"adopted {sid} ({bundle.status}), made in the Twilio Console")

    def _business_identity(self, c: Converger, sid: str) -> str | None:
        for object_sid in sorted(c.api.entity_assignments(self.family, sid)):
            if not object_sid.startswith("IT"):
                continue
            end_user = c.api.fetch_end_user(object_sid)
            if end_user.type == BUSINESS_INFORMATION:
                value = end_user.attributes.get("business_identity")
                return str(value) if value is not None else None
        return None

    def recorded_body(self, c: Converger, d: DesiredResource) -> tuple[dict[str, Any], str]:
        if console_sid(d) is None:
            return super().recorded_body(c, d)
        # Only the numbers were written: the attributes stay as adopted, so a drift of the
        # YAML from them is still planned (and shown) until they agree again.
        sealed = d.sealed(c.ctx.key)
        before = c.rec.body(PROFILE, d.name) or {}
        attributes = dict(before.get("attributes", sealed.attributes))
        if attributes == dict(sealed.attributes):
            return sealed.to_data(), d.spec_hash(c.ctx.key)
        body = {"attributes": attributes, "numbers": list(sealed.numbers)}
        return body, spec_hash(body, c.ctx.key)

    def submit(self, c: Converger) -> None:
        desired = c.ctx.desired.get(c.name)
        if desired is not None and console_sid(desired) is not None:
            raise ApplyError(f"{c.name}: a primary is submitted in the Twilio Console only")
        if desired is not None and desired.primary:
            require_approved_primary(c, desired.primary, f"{c.name} is not submitted")
        super().submit(c)

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        if (sid := console_sid(d)) is not None:
            recorded = c.rec.sids(PROFILE, d.name).get(objects.BUNDLE)
            if recorded != sid:
                raise ApplyError(f"{d.name}: {sid} is not adopted yet; plan again")
            c.ensure_numbers(self.family, sid, d.numbers)
            return
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
