"""The sandbox's brand vettings (`VT...`, under a brand `BN...`) and its deterministic
vetting reviewer, beside the brand review (`brand_review`).

Reference D.4: `POST /v1/a2p/BrandRegistrations/{BN}/Vettings` imports (or orders) a
vetting with `VettingProvider` (`campaign-verify`: a political brand's Campaign Verify
token, vetting class `POLITICAL`; `aegis`: a secondary vetting, class `STANDARD`) and
`VettingId`. A vetting starts `IN_PROGRESS` (the spec's example) and is decided lazily when
read, `review_delay` seconds later, as brands are: `SUCCESS`. The automatic secondary
vetting of a standard brand (no `skip_automatic_sec_vet`) is recorded as an `aegis`
vetting of the brand when TCR approves it, `SUCCESS`, with the brand's `brand_score`
(reference D.4: "brand_score holds the vetting score when there is one"); a successful
vetting sends `brand-registration.brand-vetted-verified` (Event Streams, J.2).

Campaign Verify tokens are checked when posted (the sandbox's choices; see `token_problem`):
a token that is not shaped as Campaign Verify's (`cv|1.0|tcr|10dlc|<uuid>|<signature>`,
the spec's example) is refused with 30713, an expired one with 30714, one another brand
already imported with 30715 (reference L: "30713-30715 vetting token problems (Campaign
Verify)"; which code means which is UNCONFIRMED). Twilio's vetting has no `errors` field,
so whether it refuses the POST or fails the vetting is UNCONFIRMED too: the sandbox takes
the stricter reading for a client and refuses the POST with HTTP 400, so the code is seen
and nothing is recorded (the client must not count on a vetting to list afterwards).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from trusthub.model import twilio_codes
from trusthub.sandbox import event_streams
from trusthub.sandbox.sids import iso, new_sid
from trusthub.sandbox.store import Filter, Row, Scope, Store, Tx

KIND: Final = "brand_vetting"
CAMPAIGN_VERIFY: Final = "campaign-verify"
AEGIS: Final = "aegis"
PROVIDERS: Final = (CAMPAIGN_VERIFY, AEGIS)
VETTING_CLASS: Final = {CAMPAIGN_VERIFY: "POLITICAL", AEGIS: "STANDARD"}
IN_PROGRESS: Final = "IN_PROGRESS"
SUCCESS: Final = "SUCCESS"
FAILED: Final = "FAILED"

TOKEN_INVALID: Final = twilio_codes.VETTING_TOKEN_INVALID  # 30713
TOKEN_EXPIRED: Final = twilio_codes.VETTING_TOKEN_EXPIRED  # 30714
TOKEN_USED: Final = twilio_codes.VETTING_TOKEN_USED  # 30715
BRAND_NOT_REGISTERED: Final = 21717  # "brand not registered or not valid" (reference L)
SECONDARY_VETTING_SCORE: Final = 75

# Campaign Verify's token, as the spec's example shows it: version 1.0 for TCR's 10DLC, a
# UUID, and a signature.
_TOKEN: Final = re.compile(
    r"cv\|1\.0\|tcr\|10dlc\|(?P<uuid>[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-"
    r"[0-9A-Za-z]{4}-[0-9A-Za-z]{12})\|(?P<signature>[0-9A-Za-z_-]{16,})"
)
# The sandbox's stand-in for Campaign Verify's expiry: a token whose UUID ends so has
# expired (a deterministic way to rehearse 30714).
EXPIRED_SUFFIX: Final = "-000000000000"


class VettingRefused(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def token_problem(token: str) -> tuple[int, str] | None:
    """Why Campaign Verify would not take `token` (a code and a message), or None."""
    match = _TOKEN.fullmatch(token.strip())
    if match is None:
        return (
            TOKEN_INVALID,
            (
                "The vetting token is not a Campaign Verify token: it reads "
                "cv|1.0|tcr|10dlc|<uuid>|<signature>, as Campaign Verify issued it."
            ),
        )
    if match.group("uuid").endswith(EXPIRED_SUFFIX):
        return (
            TOKEN_EXPIRED,
            "The Campaign Verify token has expired: ask Campaign Verify for a new one.",
        )
    return None


def _token_key(token: str) -> str:
    match = _TOKEN.fullmatch(token.strip())
    return match.group("uuid").lower() if match else token.strip()


def create(tx: Tx, brand: Row, provider: str, vetting_id: str, now: float, delay: float) -> Row:
    """Import (or order) a vetting of `brand`; raises VettingRefused."""
    d = brand.data
    if d["status"] != "APPROVED" or not d.get("tcr_id"):
        raise VettingRefused(
            BRAND_NOT_REGISTERED,
            f"Brand {brand.sid} is {d['status']}: a vetting is imported only for a brand TCR "
            "registered (APPROVED)",
        )
    if provider == CAMPAIGN_VERIFY:
        problem = token_problem(vetting_id)
        if problem is not None:
            raise VettingRefused(*problem)
        key = _token_key(vetting_id)
        for other in tx.unscoped().find(KIND, where=[Filter("vetting_provider", provider)]):
            if other.parent != brand.sid and _token_key(other.data["vetting_id"]) == key:
                raise VettingRefused(
                    TOKEN_USED,
                    "The Campaign Verify token was imported for another brand already: a "
                    "token belongs to one brand; ask Campaign Verify for this brand's token.",
                )
    return tx.insert(
        KIND,
        new_sid("VT"),
        brand.sid,
        {
            "account_sid": d["account_sid"],
            "vetting_provider": provider,
            "vetting_class": VETTING_CLASS[provider],
            "vetting_id": vetting_id,
            "vetting_status": IN_PROGRESS,
            "review_due": now + delay,
            "date_created": now,
            "date_updated": now,
        },
    )


def secondary_vetting(tx: Tx, brand: Row, now: float) -> None:
    """TCR's automatic secondary vetting of an approved standard brand, decided with it."""
    if tx.find(KIND, parent=brand.sid, where=[Filter("vetting_provider", AEGIS)]):
        return  # a resubmission approved again keeps its vetting
    # Decided by the operator (time passing), owned by the brand's account.
    Tx(tx.conn, Scope(brand.account)).insert(
        KIND,
        new_sid("VT"),
        brand.sid,
        {
            "account_sid": brand.data["account_sid"],
            "vetting_provider": AEGIS,
            "vetting_class": VETTING_CLASS[AEGIS],
            "vetting_id": f"aegis-{brand.data.get('tcr_id')}",
            "vetting_status": SUCCESS,
            "review_due": None,
            "date_created": now,
            "date_updated": now,
        },
    )


def settle(store: Store, clock: Callable[[], float]) -> None:
    """Decide every vetting whose review is due, in every account."""
    now = clock()
    with store.as_operator():
        with store.read() as tx:
            due = [
                r.sid
                for r in tx.find(KIND, where=[Filter("vetting_status", IN_PROGRESS)])
                if r.data.get("review_due") is not None and r.data["review_due"] <= now
            ]
        if not due:
            return
        with store.write() as tx:
            for sid in due:
                row = tx.get(sid, KIND)
                if row is None or row.data["vetting_status"] != IN_PROGRESS:
                    continue
                row.data.update(vetting_status=SUCCESS, review_due=None, date_updated=now)
                tx.save(row)
                brand = tx.get(row.parent or "", "brand_registration")
                if brand is not None:
                    if brand.data.get("identity_status") == "VERIFIED":
                        # UNCONFIRMED when VETTED_VERIFIED is set (reference N.10): here,
                        # once a vetting succeeds on a verified brand.
                        brand.data["identity_status"] = "VETTED_VERIFIED"
                    brand.data["date_updated"] = now
                    tx.save(brand)
                    event_streams.emit(tx, event_streams.vetting_event(brand, now))


def force(store: Store, sid: str, now: float, *, reason: str | None) -> Row:
    """Decide a vetting now: SUCCESS (`reason` None) or FAILED, whatever the provider would
    say (the CLI's `approve` and `reject`). The vetting has no field for the reason."""
    with store.as_operator(), store.write() as tx:
        row = tx.get(sid, KIND)
        if row is None:
            raise LookupError(f"the sandbox has no brand vetting {sid}")
        row.data.update(
            vetting_status=SUCCESS if reason is None else FAILED, review_due=None,
            date_updated=now,
        )  # fmt: skip
        tx.save(row)
        brand = tx.get(row.parent or "", "brand_registration")
        if brand is not None and (reason is None or row.data["vetting_provider"] == AEGIS):
            # J.2: a successful vetting, or a failed secondary vetting, is an event.
            failed = reason is not None
            event_streams.emit(tx, event_streams.vetting_event(brand, now, failed=failed))
    return row


def render(origin: str, row: Row) -> dict[str, Any]:
    d = row.data
    return {
        "account_sid": d["account_sid"],
        "brand_sid": row.parent,
        "brand_vetting_sid": row.sid,
        "date_created": iso(d["date_created"]),
        "date_updated": iso(d["date_updated"]),
        "url": f"{origin}/v1/a2p/BrandRegistrations/{row.parent}/Vettings/{row.sid}",
        "vetting_class": d["vetting_class"],
        "vetting_id": d["vetting_id"],
        "vetting_provider": d["vetting_provider"],
        "vetting_status": d["vetting_status"],
    }
