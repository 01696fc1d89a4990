"""Applying a toll-free verification (messaging v1): created with trusthub's idempotency key
as `ExternalReferenceId`, so a create whose answer was lost (or a run killed after it) is
found again by listing with that key before trying again; edited with an `EditReason`
while Twilio allows it; deleted. `observe` reads its status, rejection reasons and edit
window: the window's end is recorded as the resource's `valid_until` while Twilio says
`edit_allowed`, and cleared once it does not."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from trusthub.apply import objects
from trusthub.apply.kinds.base import KindApplier, Observation
from trusthub.errors import ApplyError
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, PROFILE, TOLLFREE_VERIFICATION
from trusthub.model.kinds.tollfree_verification import REJECTED
from trusthub.plan.engine import FORGOTTEN
from trusthub.plan.model import ActionId, Verb
from trusthub.provider.api import Remote, TollfreeVerification

if TYPE_CHECKING:
    from trusthub.apply.converge import Converger
    from trusthub.provider.api import TrustHubProvider

VERIFICATION: Final = "verification"
UNCHANGED_REASON: Final = (
    "Resubmitted unchanged: the cause of the rejection was outside the submission "
    "(e.g. the website or an opt-in URL was unreachable)"
)

# The attribute -> the SDK's parameter of the same field.
_PARAMS: Final = {
    "business_name": "business_name",
    "business_website": "business_website",
    "notification_email": "notification_email",
    "use_case_categories": "use_case_categories",
    "use_case_summary": "use_case_summary",
    "message_sample": "production_message_sample",
    "opt_in_type": "opt_in_type",
    "opt_in_image_urls": "opt_in_image_urls",
    "message_volume": "message_volume",
}


def external_reference_id(workspace: str, resource: str) -> str:
    """trusthub's idempotency key: unique to (workspace, resource), no personal data."""
    return "trusthub-" + hashlib.sha256(f"{workspace}/{resource}".encode()).hexdigest()[:24]


# The business registration fields, sent when the profile has them (not a sole proprietor's).
_REGISTRATION: Final = (
    "business_type",
    "business_registration_authority",
    "business_registration_number",
    "business_registration_country",
)


def params(d: DesiredResource) -> dict[str, Any]:
    sent = {param: d.attributes[attr] for attr, param in _PARAMS.items()}
    sent.update({key: d.attributes[key] for key in _REGISTRATION if key in d.attributes})
    return sent


def edit_reason(c: Converger) -> str:
    fields = sorted({str(change.path[0]) for change in c.action.changes})
    return "Corrected " + ", ".join(fields) if fields else "Corrected after review"


class TollfreeVerificationApplier(KindApplier):
    kind = KINDS[TOLLFREE_VERIFICATION]

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        number = c.number_sid(d.numbers[0])
        body = params(d)
        if d.attributes.get("customer_profile", True):
            profile = c.rec.sids(PROFILE, d.profile).get(objects.BUNDLE)
            if profile is None:
                raise ApplyError(f"{d.name}: profile {d.profile} has no bundle yet")
            body["customer_profile_sid"] = profile
        ref = external_reference_id(c.ctx.workspace, d.name)
        api = c.api

        def find() -> list[Remote]:
            return [
                Remote(v.sid, ref, TOLLFREE_VERIFICATION, v.date_created)
                for v in api.find_tollfree_verifications(external_reference_id=ref)
            ]

        sid, new = c.ensure(
            VERIFICATION,
            create=lambda: (
                api.create_tollfree_verification(
                    {**body, "tollfree_phone_number_sid": number, "external_reference_id": ref}
                ).sid
            ),
            find=find,
            delete=api.delete_tollfree_verification,
        )
        if update and not new and c.action.changes:
            edited = api.update_tollfree_verification(sid, body, edit_reason=edit_reason(c))
            c.say(f"edited inside the edit window: now {edited.status}")

    def submit(self, c: Converger) -> None:
        """A verification is submitted by its create, and resubmitted by its edit: this
        records what Twilio holds after them. A resubmission this plan makes no edit for
        (`--resubmit`: the cause of the rejection lay outside the submission) is an edit
        that sends the verification as it is, with an `EditReason` saying so."""
        sid = c.rec.sids(self.kind.name, c.name)[VERIFICATION]
        v = c.api.fetch_tollfree_verification(sid)
        unchanged = ActionId(c.name, Verb.UPDATE) not in c.action.depends_on
        if c.action.verb is Verb.RESUBMIT and unchanged and v.status == REJECTED:
            d = c.ctx.desired[c.name]
            body = params(d)
            if d.attributes.get("customer_profile", True):
                profile = c.rec.sids(PROFILE, d.profile).get(objects.BUNDLE)
                if profile is not None:
                    body["customer_profile_sid"] = profile
            v = c.api.update_tollfree_verification(sid, body, edit_reason=UNCHANGED_REASON)
            c.say(f"resubmitted unchanged inside the edit window: now {v.status}")
        c.rec.status(self.kind.name, c.name, v.status, action=c.action.verb.value)

    def delete(self, c: Converger) -> None:
        if not (c.action.transitions and c.action.transitions[-1][1] == FORGOTTEN):
            sid = c.rec.sids(self.kind.name, c.name).get(VERIFICATION)
            if sid is not None:
                c.ignore_missing(lambda: c.api.delete_tollfree_verification(sid))
                c.say(f"deleted toll-free verification {sid}")
        c.rec.removed(self.kind.name, c.name, action=c.action.verb.value)

    def observe(self, api: TrustHubProvider, sids: Mapping[str, str]) -> Observation | None:
        sid = sids.get(VERIFICATION)
        if sid is None:
            return None
        return observation(api.fetch_tollfree_verification(sid))


def observation(v: TollfreeVerification) -> Observation:
    until = v.edit_expiration if v.edit_allowed else None
    return Observation(v.status, v.rejection_reasons, until)
