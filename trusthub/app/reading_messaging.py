"""The read side of the messaging API for `trusthub import`: an account's A2P brand
registrations, Messaging Services with the campaign on each and its numbers, and toll-free
verifications, read once per account, and matched to the customer profile each belongs to
(a brand by its `customer_profile_bundle_sid`, a campaign by its brand, a verification by
its `customer_profile_sid` or else its number). `add_messaging` writes what a profile has
into its document (through `trusthub.model.reverse`) and says, per resource, the SIDs
apply would have recorded under each role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trusthub.apply.kinds.a2p_brand import ROLE as BRAND_ROLE
from trusthub.apply.kinds.a2p_campaign import ROLE as CAMPAIGN_ROLE
from trusthub.apply.kinds.a2p_campaign import SERVICE as CAMPAIGN_SERVICE_ROLE
from trusthub.apply.kinds.messaging_service import ROLE as SERVICE_ROLE
from trusthub.apply.kinds.tollfree_verification import VERIFICATION
from trusthub.model.kinds import A2P_BRAND, A2P_CAMPAIGN, MESSAGING_SERVICE, TOLLFREE_VERIFICATION
from trusthub.model.kinds import a2p_brand as brand_kind
from trusthub.model.kinds.a2p_campaign import campaign_name
from trusthub.model.kinds.messaging_service import service_name
from trusthub.model.kinds.tollfree_verification import default_name
from trusthub.model.reverse import (
    ImportedProfile,
    ObservedBrand,
    ObservedCampaign,
    ObservedVerification,
    Unmapped,
    brand_name_from_samples,
    brand_spec,
    campaign_name_of,
    campaign_spec,
    verification_spec,
)
from trusthub.provider.api import (
    BrandRegistration,
    Campaign,
    MessagingService,
    TollfreeVerification,
    TrustHubProvider,
)
from trusthub.rules.a2p_campaign_brand_name import brand_display_name

A2P: str = brand_kind.PRODUCT


@dataclass
class AccountMessaging:
    """What one account holds on the messaging API (read once, by `read_messaging`)."""

    brands: list[BrandRegistration]
    services: dict[str, MessagingService]  # MG -> the service
    campaigns: list[Campaign]  # on every service
    service_numbers: dict[str, set[str]]  # MG -> its numbers' PN SIDs
    verifications: list[TollfreeVerification]
    used: set[str] = field(default_factory=set)  # SIDs a profile took

    def orphans(self) -> list[tuple[str, str]]:
        """(SID, description) of what no imported profile took, for the import's report."""
        out = []
        for b in self.brands:
            if b.sid not in self.used:
                out.append(
                    (
                        b.sid,
                        (
                            f"A2P brand {b.sid} ({b.status}) of customer profile "
                            f"{b.customer_profile_bundle_sid or '(none)'}: not imported with "
                            "a profile"
                        ),
                    )
                )
        for c in self.campaigns:
            if c.sid not in self.used:
                out.append(
                    (
                        c.sid,
                        (
                            f"campaign {c.sid} on Messaging Service {c.service_sid} of brand "
                            f"{c.brand_registration_sid}: not imported with a profile"
                        ),
                    )
                )
        for v in self.verifications:
            if v.sid not in self.used:
                out.append(
                    (
                        v.sid,
                        f"toll-free verification {v.sid} ({v.status}): not imported with a profile",
                    )
                )
        return out


def read_messaging(api: TrustHubProvider) -> AccountMessaging:
    services = {s.sid: s for s in api.list_services()}
    campaigns: list[Campaign] = []
    numbers: dict[str, set[str]] = {}
    for sid in sorted(services):
        found = api.list_campaigns(sid)
        campaigns.extend(found)
        if found:  # a service without a campaign is no campaign's sender pool
            numbers[sid] = api.service_numbers(sid)
    return AccountMessaging(
        brands=api.list_brands(),
        services=services,
        campaigns=campaigns,
        service_numbers=numbers,
        verifications=api.list_tollfree_verifications(),
    )


@dataclass
class Recorded:
    """One resource's objects as apply records them: role -> SID, and its numbers."""

    kind: str
    sid: str  # its own object (for the import event)
    status: str
    roles: dict[str, str]
    number_sids: dict[str, str] = field(default_factory=dict)  # E.164 -> PN
    policy_sid: str = ""  # a bundle's; apply records "" for the messaging kinds


def _created(x: Any) -> tuple[bool, Any, str]:
    return (x.date_created is None, x.date_created, x.sid)


def add_messaging(
    document: dict[str, Any],
    imported: ImportedProfile,
    *,
    profile: str,
    profile_sid: str,
    profile_numbers: Sequence[str],
    messaging: AccountMessaging,
    numbers: Mapping[str, str],
    campaign_names: Mapping[str, str] | None = None,
) -> tuple[dict[str, Recorded], list[str]]:
    """Write the brand, campaigns and toll-free verifications of customer profile
    `profile_sid` into its `document` (named `profile`); `numbers`: the account's, PN ->
    E.164; `campaign_names`: Messaging Service SID -> the campaign name the state already
    records for it (`import --update`: a campaign keeps its name, so nothing is re-made).
    Returns what to record per resource name, and a description of each."""
    recorded: dict[str, Recorded] = {}
    described: list[str] = []
    brands = sorted(
        (b for b in messaging.brands if b.customer_profile_bundle_sid == profile_sid),
        key=_created,
    )
    product_sid = imported.products.get(A2P)
    products = document.get("trust_products") or {}
    if brands and (product_sid is None or A2P not in products):
        for b in brands:
            imported.unmapped.append(
                Unmapped(
                    ("trust_products",),
                    b.sid,
                    f"A2P brand {b.sid} has no A2P trust "
                    "product of this profile to hang on; import cannot write it",
                )
            )
            messaging.used.add(b.sid)
        brands = []
    if brands:
        # A second registration for the same profile (a duplicate, or one made for another
        # trust product) has no place: the first made is the profile's brand.
        chosen, *others = brands
        for other in others:
            imported.unmapped.append(
                Unmapped(
                    ("trust_products", A2P, "brand"),
                    other.sid,
                    f"a second A2P brand "
                    f"{other.sid} ({other.status}) for this customer profile has no "
                    "place in the format",
                )
            )
            messaging.used.add(other.sid)
        if chosen.a2p_profile_bundle_sid != product_sid:
            imported.unmapped.append(
                Unmapped(
                    ("trust_products", A2P, "brand"),
                    chosen.a2p_profile_bundle_sid,
                    f"the brand was registered with A2P trust product "
                    f"{chosen.a2p_profile_bundle_sid}, not this profile's {product_sid}",
                )
            )
        a2p = dict(products[A2P])
        observed = ObservedBrand(
            chosen.sid,
            chosen.status,
            chosen.brand_type,
            _bool(chosen.fields.get("skip_automatic_sec_vet")),
            _bool(chosen.fields.get("mock")),
        )
        a2p["brand"] = brand_spec(observed, a2p.get("brand"), imported)
        messaging.used.add(chosen.sid)
        name = brand_kind.brand_name(profile)
        recorded[name] = Recorded(A2P_BRAND, chosen.sid, chosen.status, {BRAND_ROLE: chosen.sid})
        described.append(f"A2P brand {chosen.sid}, {chosen.status}")
        specs: list[dict[str, Any]] = []
        taken: set[str] = set()

        def service_label(c: Campaign) -> str:
            service = messaging.services.get(c.service_sid)
            return service.friendly_name if service else c.service_sid

        # In the order they were made; those made in the same second by their services' names.
        for c in sorted(
            (c for c in messaging.campaigns if c.brand_registration_sid == chosen.sid),
            key=lambda c: (c.date_created is None, c.date_created, service_label(c), c.sid),
        ):
            service = messaging.services.get(c.service_sid)
            recorded_name = (campaign_names or {}).get(c.service_sid)
            if recorded_name is not None and recorded_name not in taken:
                taken.add(recorded_name)
                declared = recorded_name
            else:
                declared = campaign_name_of(service_label(c), taken)
            pns = sorted(messaging.service_numbers.get(c.service_sid, set()))
            known = {numbers[pn]: pn for pn in pns if pn in numbers}
            spec = campaign_spec(
                ObservedCampaign(
                    c.sid,
                    c.status,
                    c.use_case,
                    c.service_sid,
                    service_label(c),
                    service.usecase if service else None,
                    c.fields,
                    sorted(known),
                    [pn for pn in pns if pn not in numbers],
                ),
                declared,
                len(specs),
                imported,
            )
            specs.append(spec)
            messaging.used.add(c.sid)
            recorded[service_name(profile, declared)] = Recorded(
                MESSAGING_SERVICE, c.service_sid, "active", {SERVICE_ROLE: c.service_sid}, known
            )
            recorded[campaign_name(profile, declared)] = Recorded(
                A2P_CAMPAIGN,
                c.sid,
                c.status,
                {CAMPAIGN_ROLE: c.sid, CAMPAIGN_SERVICE_ROLE: c.service_sid},
            )
            described.append(
                f"campaign {declared} {c.sid} ({c.use_case}, {c.status}) on Messaging "
                f"Service {c.service_sid}"
            )
        if specs:
            a2p["campaigns"] = specs
            # The name the samples use, when it is not the one the profile gives already.
            inferred = brand_name_from_samples(specs)
            trial = {**document, "trust_products": {**products, A2P: a2p}}
            default = brand_display_name(trial)
            said = all(
                default is not None and default.casefold() in str(s).casefold()
                for c in specs
                for s in c["message_samples"]
            )
            if inferred and not said and "name" not in a2p["brand"]:
                a2p["brand"] = {**a2p["brand"], "name": inferred}
        products[A2P] = a2p
        document["trust_products"] = products
    _add_verifications(
        document,
        imported,
        profile,
        profile_sid,
        profile_numbers,
        messaging,
        numbers,
        recorded,
        described,
    )
    return recorded, described


def _add_verifications(
    document: dict[str, Any],
    imported: ImportedProfile,
    profile: str,
    profile_sid: str,
    profile_numbers: Sequence[str],
    messaging: AccountMessaging,
    numbers: Mapping[str, str],
    recorded: dict[str, Recorded],
    described: list[str],
) -> None:
    specs: list[dict[str, Any]] = []
    taken: set[str] = set()
    for v in sorted(messaging.verifications, key=_created):
        if v.sid in messaging.used:
            continue
        pn = str(v.fields.get("tollfree_phone_number_sid") or "")
        e164 = numbers.get(pn) or v.fields.get("tollfree_phone_number")
        owner = v.fields.get("customer_profile_sid")
        # Made without a customer profile (`customer_profile: false`): its number says whose.
        if owner != profile_sid and (owner or e164 not in profile_numbers):
            continue
        messaging.used.add(v.sid)
        base = default_name(str(e164 or pn))
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        spec = verification_spec(
            ObservedVerification(v.sid, v.status, str(e164) if e164 else None, v.fields),
            document,
            None if name == base else name,
            len(specs),
            imported,
        )
        specs.append(spec)
        recorded[f"{profile}/{name}"] = Recorded(
            TOLLFREE_VERIFICATION,
            v.sid,
            v.status,
            {VERIFICATION: v.sid},
            {str(e164): pn} if e164 and pn else {},
        )
        described.append(f"toll-free verification {name} {v.sid}, {v.status}")
    if specs:
        document["toll_free_verifications"] = specs


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)
