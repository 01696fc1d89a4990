"""Refresh at scale: one account's Trust Hub objects read through its list endpoints.

`ListedReads` wraps a provider for one refresh. The first fetch of an object of a kind lists
that whole collection with paging (a thousand objects a request) and answers every later
fetch from the listing; an object absent from it is fetched directly, so one made after the
listing is still read and one that is gone still raises not-found. Every other call passes
through. Bundles, end users, supporting documents, addresses, numbers, brands, toll-free
verifications and Messaging Services are listed; assignments have no account-wide list
(they are per bundle). In the parent, its subaccounts are listed too, once: their statuses
and the credentials each subaccount is read with (`in_subaccount`) come from that one paged
list, not a read apiece.
A collection is listed only when something recorded is read from it, so an account where
trusthub records no brand, toll-free verification or trust product is not asked for that
list.

`changed_since` decides which profiles refresh reads whole (their assignments too) for
drift: those whose bundle, trust products or recorded objects moved (their `date_updated`
differs from the last refresh's, or they are gone), those the last refresh did not read, and
all of them when the last full read is older than `FULL_READ_EVERY` or `--full` asks. That
full read (at least daily) is what sees a change made outside trusthub that moves no listed
`date_updated` of a recorded object, such as an object of a kind trusthub records none of in
that account assigned to one of its profiles (where Twilio does not move the bundle's
stamp, below).

UNCONFIRMED, the one assumption this rests on: that Twilio moves a bundle's `date_updated`
when one of its entity or channel-endpoint assignments is added or removed (the sandbox
does). Where it does not, an assignment changed outside trusthub is seen at the next full
read (at least daily), or at once with `trusthub refresh --full`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, TypeVar, cast

from trusthub.common.files import make_private_dir, write_private
from trusthub.provider.api import (
    Account,
    Address,
    BrandRegistration,
    Bundle,
    BundleFamily,
    Entity,
    MessagingService,
    TollfreeVerification,
    TrustHubProvider,
)
from trusthub.provider.errors import AccountUnavailable

FULL_READ_EVERY: Final = timedelta(hours=24)
SETTLE: Final = timedelta(seconds=3)
UNSETTLED: Final = "unsettled:"  # never equal to a version read later
CACHE_VERSION: Final = 1

T = TypeVar("T")


class ListedReads:
    """A provider whose single-object reads are answered from paged listings (see the
    module). Thread-safe: each collection is listed once."""

    def __init__(self, api: TrustHubProvider) -> None:
        self._api = api
        self._lists: dict[str, dict[str, Any]] = {}
        self._numbers: dict[str, str] | None = None
        self._accounts: dict[str, tuple[Account, TrustHubProvider | None]] | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._api, name)  # everything not listed passes through

    def as_provider(self) -> TrustHubProvider:
        return cast(TrustHubProvider, self)

    def _listed(self, key: str, load: Callable[[], Iterable[Any]]) -> dict[str, Any]:
        with self._lock:
            found = self._lists.get(key)
            if found is None:
                found = {item.sid: item for item in load()}
                self._lists[key] = found
            return found

    def _get(
        self, key: str, load: Callable[[], Iterable[T]], sid: str, fetch: Callable[[], T]
    ) -> T:
        item = self._listed(key, load).get(sid)
        return cast(T, item) if item is not None else fetch()

    def bundles(self, family: BundleFamily) -> Mapping[str, Bundle]:
        return self._listed(family, lambda: self._api.list_bundles(family))

    def fetch_bundle(self, family: BundleFamily, sid: str) -> Bundle:
        return self._get(
            family,
            lambda: self._api.list_bundles(family),
            sid,
            lambda: self._api.fetch_bundle(family, sid),
        )

    def end_users(self) -> Mapping[str, Entity]:
        return self._listed("end_users", self._api.list_end_users)

    def fetch_end_user(self, sid: str) -> Entity:
        return self._get(
            "end_users", self._api.list_end_users, sid, lambda: self._api.fetch_end_user(sid)
        )

    def documents(self) -> Mapping[str, Entity]:
        return self._listed("documents", self._api.list_documents)

    def fetch_document(self, sid: str) -> Entity:
        return self._get(
            "documents", self._api.list_documents, sid, lambda: self._api.fetch_document(sid)
        )

    def addresses(self) -> Mapping[str, Address]:
        return self._listed("addresses", self._api.list_addresses)

    def fetch_address(self, sid: str) -> Address:
        return self._get(
            "addresses", self._api.list_addresses, sid, lambda: self._api.fetch_address(sid)
        )

    def fetch_brand(self, sid: str) -> BrandRegistration:
        return self._get("brands", self._api.list_brands, sid, lambda: self._api.fetch_brand(sid))

    def fetch_tollfree_verification(self, sid: str) -> TollfreeVerification:
        return self._get(
            "tollfree",
            self._api.list_tollfree_verifications,
            sid,
            lambda: self._api.fetch_tollfree_verification(sid),
        )

    def _subaccounts(self) -> dict[str, tuple[Account, TrustHubProvider | None]]:
        with self._lock:
            if self._accounts is None:
                self._accounts = dict(self._api.open_subaccounts())
            return self._accounts

    def fetch_account(self, sid: str) -> Account:
        found = self._subaccounts().get(sid)
        return found[0] if found is not None else self._api.fetch_account(sid)

    def in_subaccount(self, sid: str) -> TrustHubProvider:
        """From the one listing of the subaccounts (their tokens with them); one absent from
        it (made since, or not this parent's) gets the direct read's answer."""
        found = self._subaccounts().get(sid)
        if found is None:
            return self._api.in_subaccount(sid)
        account, provider = found
        if provider is None:
            raise AccountUnavailable(sid, f"is {account.status}")
        return provider

    def fetch_service(self, sid: str) -> MessagingService:
        return self._get(
            "services", self._api.list_services, sid, lambda: self._api.fetch_service(sid)
        )

    def list_numbers(self) -> dict[str, str]:
        with self._lock:
            if self._numbers is None:
                self._numbers = self._api.list_numbers()
            return dict(self._numbers)


def _stamp(value: datetime | None) -> str:
    return value.isoformat() if value is not None else "-"


def versions(
    reads: ListedReads, objects: Mapping[str, Mapping[str, str]], *, now: datetime
) -> dict[str, str]:
    """For each profile (name -> its resources' recorded SIDs, role -> SID, the profile's
    own and its trust products'), a version: the `date_updated` of every bundle and
    recorded object as listed, "gone" where one is not listed. Equal versions: nothing of it
    moved."""
    out: dict[str, str] = {}
    if not objects:
        return out  # nothing to list for
    # Each collection is listed when a recorded SID first needs it (`ListedReads` lists it
    # once): an account where trusthub records no trust product, or no end user, document
    # or address, is not asked for that list. Only recorded objects are compared, so the
    # lists left out could change no version.
    tables: dict[str, Callable[[], Mapping[str, Any]]] = {
        "IT": reads.end_users, "RD": reads.documents, "AD": reads.addresses,
    }  # fmt: skip

    def listed(sid: str) -> Any:
        if sid.startswith("BU"):  # a profile's, else a trust product's
            found = reads.bundles("CustomerProfiles").get(sid)
            return found if found is not None else reads.bundles("TrustProducts").get(sid)
        return tables[sid[:2]]().get(sid)

    newest: dict[str, datetime] = {}
    for profile, sids in objects.items():
        parts = []
        for role, sid in sorted(sids.items()):
            if sid[:2] != "BU" and sid[:2] not in tables:
                continue  # numbers: their assignments move the bundle
            item = listed(sid)
            stamp = item.date_updated if item is not None else None
            parts.append(f"{role}={sid}@{_stamp(stamp) if item else 'gone'}")
            if stamp is not None and (profile not in newest or stamp > newest[profile]):
                newest[profile] = stamp
        out[profile] = "|".join(parts)
    # `date_updated` has whole seconds: an object changed again in the second the listing
    # was made in would keep its stamp. The profiles touched in the last `SETTLE` before
    # `now` (this machine's clock; Twilio's may differ by a little) are left unsettled, so
    # the next refresh reads them whole whatever their stamps say.
    for profile, stamp in newest.items():
        if stamp >= now - SETTLE:
            out[profile] = UNSETTLED + out[profile]
    return out


class RefreshCache:
    """What the last refresh read: each profile's version, and when every profile was last
    read whole. A cache: lost or unreadable, the next refresh reads everything."""

    def __init__(self, directory: Path, scope: str, account: str) -> None:
        self.path = directory / f"refresh-{account}.json"
        self.scope = scope  # the state's lineage and the account: another state starts over
        self.versions: dict[str, str] = {}
        self.full_read: datetime | None = None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return
        if data.get("scope") != scope or not isinstance(data.get("versions"), dict):
            return
        self.versions = {str(k): str(v) for k, v in data["versions"].items()}
        try:
            self.full_read = datetime.fromisoformat(str(data.get("full_read")))
        except ValueError:
            self.full_read = None

    def due_full(self, now: datetime) -> bool:
        return self.full_read is None or now - self.full_read >= FULL_READ_EVERY

    def changed(self, current: Mapping[str, str]) -> set[str]:
        return {
            name
            for name, v in current.items()
            if self.versions.get(name) != v or v.startswith(UNSETTLED)
        }

    def save(self, current: Mapping[str, str], *, full: bool, now: datetime) -> None:
        if not full and self.full_read is not None and current == self.versions:
            return  # what the file holds already (a thousand subaccounts: a thousand writes)
        data = {
            "version": CACHE_VERSION,
            "scope": self.scope,
            "versions": dict(sorted(current.items())),
            "full_read": (now if full or self.full_read is None else self.full_read).isoformat(),
        }
        make_private_dir(self.path.parent)
        write_private(self.path, json.dumps(data, separators=(",", ":")).encode())


def utc_now() -> datetime:
    return datetime.now(UTC)
