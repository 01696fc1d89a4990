"""The sandbox's deterministic TCR review of A2P 10DLC campaigns (Usa2p, `QE...`), beside
the brand review (`brand_review`).

A new or edited campaign is `PENDING`, `IN_PROGRESS` from half its `review_delay`, and
decided at the end of it; campaigns advance lazily when read, as brands do. A campaign is
`VERIFIED` (with a TCR `campaign_id`) unless one of the classic mistakes applies, which
makes it `FAILED` with Twilio's code in `errors[]` (reference D.7, L):

* 30893: a sample message does not name the brand (the first word of the business name on
  the brand's customer profile, e.g. "BrightSmile").
* 30897: no sample message carries opt-out language (STOP, opt out, unsubscribe).
* 30933 / 30934: the privacy policy / the terms and conditions URL is missing.

Which codes TCR gives the first two is UNCONFIRMED (see `trusthub.model.kinds.a2p_campaign`,
which holds the same choice). `force` (the CLI's `approve` and `reject`) decides now.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

from trusthub.model.kinds import a2p_campaign as campaign
from trusthub.sandbox import evaluation as ev
from trusthub.sandbox import event_streams
from trusthub.sandbox.brand_review import Finding
from trusthub.sandbox.store import Row, Store, Tx

KIND: Final = "us_app_to_person"
FORCED_CODE: Final = campaign.SAMPLES_MISMATCH  # `trusthub sandbox reject` of a campaign

_OPT_OUT: Final = re.compile(r"\b(stop|opt[- ]?out|unsubscribe)\b", re.IGNORECASE)


def campaign_id(sid: str) -> str:
    """TCR's campaign id: "C" and six characters, stable for a campaign."""
    return "C" + hashlib.sha1(sid.encode()).hexdigest()[:6].upper()


def brand_word(tx: Tx, brand_sid: str) -> str | None:
    """The first word of the business name the brand's customer profile holds."""
    brand = tx.get(brand_sid, "brand_registration")
    if brand is None:
        return None
    for user in ev.collect(tx, brand.data["customer_profile_bundle_sid"]).end_users.get(
        "customer_profile_business_information", []
    ):
        name = str((user.data.get("attributes") or {}).get("business_name", "")).split()
        return name[0] if name else None
    return None


def findings(tx: Tx, row: Row) -> list[Finding]:
    d = row.data
    out = []
    samples = [str(s) for s in d.get("message_samples") or []]
    word = brand_word(tx, d["brand_registration_sid"])
    if word and any(word.casefold() not in s.casefold() for s in samples):
        out.append(
            Finding(
                campaign.SAMPLES_MISMATCH,
                f"Sample messages must include the brand name ({word}); at least one does not.",
                ("MESSAGE_SAMPLES",),
            )
        )
    if not any(_OPT_OUT.search(s) for s in samples):
        out.append(
            Finding(
                campaign.MESSAGE_FLOW_CONTENT,
                "No sample message tells the recipient how to opt out (e.g. Reply STOP to opt "
                "out).",
                ("MESSAGE_SAMPLES",),
            )
        )
    if not d.get("privacy_policy_url"):
        out.append(
            Finding(
                campaign.PRIVACY_URL_MISSING,
                "The privacy policy URL is missing.",
                ("PRIVACY_POLICY_URL",),
            )
        )
    if not d.get("terms_and_conditions_url"):
        out.append(
            Finding(
                campaign.TERMS_URL_MISSING,
                "The terms and conditions URL is missing.",
                ("TERMS_AND_CONDITIONS_URL",),
            )
        )
    return out


def decide(row: Row, found: Sequence[Finding], now: float) -> None:
    d = row.data
    if found:
        d.update(status=campaign.FAILED, errors=[f.error() for f in found])
    else:
        d.update(status=campaign.VERIFIED, errors=[], campaign_id=campaign_id(row.sid))
    d.update(review_due=None, date_updated=now)


def start_data(data: dict[str, Any], now: float, delay: float) -> None:
    """A new or edited campaign (its stored data) goes to TCR."""
    data.update(status=campaign.PENDING, review_due=now + delay, review_delay=delay,
                date_updated=now)  # fmt: skip


def settle(store: Store, clock: Callable[[], float]) -> None:
    """Advance what is due, in every account (see `_settle`)."""
    with store.as_operator():  # time passes for every account, whoever asked
        _settle(store, clock)


def _settle(store: Store, clock: Callable[[], float]) -> None:
    """Advance every campaign under review; called before campaigns are read."""
    now = clock()
    with store.read() as tx:
        under = [
            r.sid
            for r in tx.find(KIND)
            if r.data["status"] in (campaign.PENDING, campaign.IN_PROGRESS)
        ]
    if not under:
        return
    with store.write() as tx:
        for sid in under:
            row = tx.get(sid, KIND)
            if row is None or row.data.get("review_due") is None:
                continue
            d = row.data
            if d["review_due"] <= now:
                decide(row, findings(tx, row), now)
            elif d["status"] == campaign.PENDING and now >= d["review_due"] - d["review_delay"] / 2:
                d.update(status=campaign.IN_PROGRESS, date_updated=now)
            else:
                continue
            tx.save(row)
            event_streams.emit(tx, event_streams.campaign_event(row, now))


class ForceError(Exception):
    """The campaign cannot be forced (unknown)."""


def force(store: Store, sid: str, now: float, *, reason: str | None) -> Row:
    """Verify (`reason` None) or fail a campaign now, whatever TCR would say; a reason may
    start with Twilio's code ("30934: ...")."""
    with store.write() as tx:
        row = tx.get(sid, KIND)
        if row is None:
            raise ForceError(f"the sandbox has no A2P campaign {sid}")
        found: list[Finding] = []
        if reason is not None:
            code, sep, text = reason.partition(":")
            if sep and code.strip().isdigit():
                found = [Finding(int(code), text.strip())]
            else:
                found = [Finding(FORCED_CODE, reason)]
        decide(row, found, now)
        tx.save(row)
        event_streams.emit(tx, event_streams.campaign_event(row, now))
    return row
