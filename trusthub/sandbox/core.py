"""The sandbox: one SQLite file, one WSGI app, and the operator's controls (force a review
decision, read the callbacks, set faults, manage the accounts, reset).

The sandbox holds a parent account (`account_sid`/`auth_token`) and its subaccounts
(`create_subaccount`); `client(sid)` is a stock SDK client with one account's credentials.
The operator's actions see every account's objects."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from trusthub.errors import TrusthubError
from trusthub.sandbox import accounts as acc
from trusthub.sandbox import brand_review, brand_vetting, campaign_review, event_streams, review
from trusthub.sandbox import callbacks as cb
from trusthub.sandbox.accounts import AccountSummary
from trusthub.sandbox.evaluation import BUNDLE_KINDS
from trusthub.sandbox.faults import FaultInjector, FaultSettings
from trusthub.sandbox.sids import is_sid, iso, new_sid
from trusthub.sandbox.store import AccountRow, Row, Store, Tx

if TYPE_CHECKING:
    from twilio.rest import Client

    from trusthub.sandbox.app import SandboxApp


@runtime_checkable
class SandboxConfig(Protocol):
    """The `sandbox:` section of trusthub.yaml (`trusthub.config.settings.SandboxSettings`)."""

    @property
    def database(self) -> Path: ...
    @property
    def review_delay(self) -> float: ...
    @property
    def callbacks(self) -> str: ...
    @property
    def latency(self) -> float: ...


@runtime_checkable
class HasSandboxConfig(Protocol):
    @property
    def sandbox(self) -> SandboxConfig: ...


class SandboxError(TrusthubError):
    """An operator action on the sandbox cannot be done (unknown SID, a draft, ...)."""


@dataclass(frozen=True, slots=True)
class BundleSummary:
    sid: str
    kind: str  # customer_profile | trust_product
    friendly_name: str
    status: str
    failure_reason: str | None
    valid_until: str | None
    identity_status: str | None = None  # an A2P brand's (OTP, Authentication+)

    @classmethod
    def of(cls, row: Row) -> BundleSummary:
        d = row.data
        return cls(
            row.sid,
            row.kind,
            d["friendly_name"],
            d["status"],
            d.get("failure_reason"),
            iso(d.get("valid_until")),
        )


class Sandbox:
    """A Trust Hub emulator backed by its own SQLite file.

    `credentials` replaces the parent account's SID and auth token stored in the file (the
    HTTP server takes them from its environment); they are used, never stored. The
    subaccounts are the file's whichever credentials the parent has. `faults`, when
    given, replaces `latency` (FaultSettings has its own). `clock` is for tests.
    """

    def __init__(
        self,
        database: Path | str,
        *,
        review_delay: float = 0.0,
        callbacks: cb.Delivery = "loopback",
        latency: float = 0.0,
        faults: FaultSettings | None = None,
        credentials: tuple[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = Store(Path(database))
        self.review_delay = review_delay
        self.delivery: cb.Delivery = callbacks
        self.clock = clock
        self.faults = FaultInjector(faults or FaultSettings(latency=latency))
        stored = self._stored_credentials()
        self.account_sid, self.auth_token = credentials or stored
        from trusthub.sandbox.app import SandboxApp

        self.app: SandboxApp = SandboxApp(self)

    @classmethod
    def from_settings(cls, settings: SandboxConfig | HasSandboxConfig, **options: Any) -> Sandbox:
        """A sandbox as `trusthub.yaml` configures it (its `sandbox:` section, or the whole
        settings); `options` override (e.g. `faults`, `clock`, `credentials`, `review_delay`).
        Typed structurally, so the sandbox needs nothing of `trusthub.config`."""
        s = settings.sandbox if isinstance(settings, HasSandboxConfig) else settings
        configured: dict[str, Any] = {
            "review_delay": s.review_delay,
            "callbacks": s.callbacks,
            "latency": s.latency,
        }
        return cls(s.database, **{**configured, **options})

    def _stored_credentials(self) -> tuple[str, str]:
        with self.store.read() as tx:
            sid, token = tx.meta("account_sid"), tx.meta("auth_token")
            if sid is not None and token is not None and tx.parent_account() is not None:
                return sid, token  # the common case: no write to open a sandbox
        with self.store.write() as tx:
            sid, token = tx.meta("account_sid"), tx.meta("auth_token")
            if sid is None or token is None:
                # Sandbox-made; never a real Twilio credential.
                sid, token = new_sid("AC"), secrets.token_hex(16)
                tx.set_meta("account_sid", sid)
                tx.set_meta("auth_token", token)
            acc.ensure_parent(tx, sid, token, self.clock())  # a new file, or one of schema 1
        return sid, token

    def signing_token(self, tx: Tx, owner: str | None) -> str:
        """The auth token of the account `owner` names (its SID, or None for the parent):
        what signs the callbacks and events of its objects."""
        return acc.token_for(tx, owner, self.auth_token)

    # -- settings ------------------------------------------------------------------------

    def set_faults(self, faults: FaultSettings) -> None:
        """Replace the fault settings (latency included); restarts the seeded sequence."""
        self.faults.configure(faults)

    @property
    def reviewing(self) -> review.Reviewing:
        return review.Reviewing(
            self.store, self.clock, self.review_delay, self.signing_token, self.delivery
        )

    # -- operator actions ------------------------------------------------------------------

    def settle(self) -> None:
        """Advance the reviews that are due (reads do this on their own)."""
        review.settle(self.reviewing)
        event_streams.flush(self)

    def bundle(self, sid: str) -> BundleSummary:
        self.settle()
        with self.store.read() as tx:
            row = tx.get(sid, BUNDLE_KINDS)
        if row is None:
            raise SandboxError(f"the sandbox has no customer profile or trust product {sid}")
        return BundleSummary.of(row)

    def approve(self, sid: str) -> BundleSummary:
        """Approve a submitted (or decided) bundle, toll-free verification (HH...), brand
        (BN...), brand vetting (VT...) or campaign (QE...) now, whatever its review would
        say."""
        return self._force(sid, None)

    def reject(self, sid: str, reason: str) -> BundleSummary:
        """Reject a submitted (or decided) bundle now with `reason` as its FailureReason."""
        if not reason.strip():
            raise SandboxError("a rejection needs a reason")
        return self._force(sid, reason.strip())

    def _force(self, sid: str, reason: str | None) -> BundleSummary:
        try:
            return self._decide_now(sid, reason)
        finally:
            event_streams.flush(self)

    def _decide_now(self, sid: str, reason: str | None) -> BundleSummary:
        if is_sid(sid, "BN"):  # an A2P brand: TCR's decision, not Trust Hub's
            try:
                row = brand_review.force(self.store, sid, self.clock(), reason=reason)
            except brand_review.ForceError as e:
                raise SandboxError(str(e)) from None
            d = row.data
            return BundleSummary(
                row.sid, row.kind, f"{d['brand_type']} brand", d["status"],
                d.get("failure_reason"), None,
            )  # fmt: skip
        if is_sid(sid, "VT"):  # a brand vetting: the vetting provider's decision
            try:
                row = brand_vetting.force(self.store, sid, self.clock(), reason=reason)
            except LookupError as e:
                raise SandboxError(str(e)) from None
            d = row.data
            return BundleSummary(
                row.sid, row.kind, f"{d['vetting_provider']} vetting", d["vetting_status"],
                reason, None,
            )  # fmt: skip
        if is_sid(sid, "QE"):  # an A2P campaign: TCR's decision too
            try:
                row = campaign_review.force(self.store, sid, self.clock(), reason=reason)
            except campaign_review.ForceError as e:
                raise SandboxError(str(e)) from None
            d = row.data
            errors = "; ".join(
                f"{e['error_code']}: {e['description']}" for e in d.get("errors") or []
            )
            return BundleSummary(
                row.sid, row.kind, f"{d['us_app_to_person_usecase']} campaign", d["status"],
                errors or None, None,
            )  # fmt: skip
        if sid.startswith("HH"):  # a toll-free verification (messaging v1)
            from trusthub.sandbox.resources import messaging_tollfree

            try:
                row = messaging_tollfree.force(self, sid, reason=reason)
            except LookupError as e:
                raise SandboxError(str(e)) from None
            d = row.data
            return BundleSummary(
                row.sid,
                row.kind,
                d["business_name"],
                d["status"],
                d.get("rejection_reason"),
                iso(d.get("edit_expiration")),
            )
        try:
            row = review.force(self.reviewing, sid, reason=reason)
        except review.ForceError as e:
            raise SandboxError(str(e)) from None
        return BundleSummary.of(row)

    def confirm_identity(self, sid: str) -> BundleSummary:
        """The owner of a sole-proprietor brand (BN...) replied YES to TCR's OTP (or a
        public company's brand contact opened the Authentication+ email): the brand's
        identity is verified, and a starter profile held in review for it is decided."""
        brand_review.settle(self.store, self.clock)
        try:
            row = brand_review.confirm_identity(self.store, sid, self.clock())
        except brand_review.IdentityError as e:
            raise SandboxError(str(e)) from None
        ids: list[int] = []
        if row.data["brand_type"] == "SOLE_PROPRIETOR":
            with self.store.write() as tx:
                done = review.approve_starter(
                    self.reviewing, tx, row.data["customer_profile_bundle_sid"], self.clock()
                )
                ids = [done] if done is not None else []
        cb.deliver(self.store, ids)
        d = row.data
        return BundleSummary(
            row.sid, row.kind, f"{d['brand_type']} brand", d["status"], None, None,
            identity_status=d["identity_status"],
        )  # fmt: skip

    def callbacks(self) -> list[cb.Callback]:
        """Every status callback so far, delivered or not, oldest first."""
        return cb.list_callbacks(self.store)

    def add_event_sink(self, url: str) -> None:
        """Subscribe `url` (an Event Streams webhook sink) to every event the sandbox sends,
        for every account: the operator's sink, beside those accounts make through the
        Events API (`resources.event_sinks`)."""
        event_streams.add_sink(self.store, url, self.clock())

    def event_deliveries(self) -> list[event_streams.Delivery]:
        """Every Event Streams event queued for a sink, delivered or not, oldest first."""
        return event_streams.deliveries(self.store)

    def deliver_events(self, *, newest_first: bool = False) -> None:
        """Deliver the queued events now (those that failed too, as Twilio retries)."""
        event_streams.flush(self, newest_first=newest_first)

    def replay_events(self, *, newest_first: bool = True) -> None:
        """Deliver every delivered event again, newest first: duplicates, out of order."""
        event_streams.replay(self, newest_first=newest_first)

    def reset(self) -> None:
        """Delete every object, review, callback and queued event, and every subaccount;
        the parent's credentials and the Event Streams sinks stay."""
        with self.store.write() as tx:
            for table in ("resources", "reviews", "callbacks", "event_deliveries"):
                tx.conn.execute(f"DELETE FROM {table}")
            tx.conn.execute("DELETE FROM accounts WHERE parent_sid IS NOT NULL")

    # -- accounts ----------------------------------------------------------------------------

    def accounts(self) -> list[AccountSummary]:
        """The parent, then its subaccounts in the order they were made."""
        with self.store.read() as tx:
            rows = [acc.parent_row(self, tx)]
            rows += [r for r in tx.accounts() if r.parent_sid is not None]
        return [acc.summary(r, self.account_sid) for r in rows]

    def create_subaccount(self, friendly_name: str) -> AccountSummary:
        """A new active subaccount of the parent, as `POST /2010-04-01/Accounts.json` makes."""
        if len(friendly_name) > 64:
            raise SandboxError("a friendly name has at most 64 characters")
        with self.store.write() as tx:
            row = acc.create_subaccount(tx, self.account_sid, friendly_name, self.clock())
        return acc.summary(row, self.account_sid)

    def account_credentials(self, sid: str) -> tuple[str, str]:
        """The account SID and auth token of the parent or one of its subaccounts."""
        if sid == self.account_sid:
            return self.account_sid, self.auth_token
        return sid, self._subaccount(sid).auth_token

    def set_account_status(self, sid: str, status: str) -> AccountSummary:
        """Suspend, reactivate or close a subaccount, as the Console does; a closed one
        stays closed."""
        if status not in acc.STATUSES:
            raise SandboxError(f"{status!r} is not an account status ({', '.join(acc.STATUSES)})")
        if sid == self.account_sid:
            raise SandboxError(
                "the sandbox's parent account stays active: suspend or close a subaccount"
            )
        row = self._subaccount(sid)
        if row.status == acc.CLOSED and status != acc.CLOSED:
            raise SandboxError(f"{sid} is closed, and a closed account cannot be reopened")
        with self.store.write() as tx:
            tx.update_account(sid, friendly_name=row.friendly_name, status=status, now=self.clock())
            updated = tx.account(sid)
        assert updated is not None
        return acc.summary(updated, self.account_sid)

    def _subaccount(self, sid: str) -> AccountRow:
        with self.store.read() as tx:
            row = tx.account(sid)
        if row is None or row.parent_sid is None:
            raise SandboxError(
                f"the sandbox has no account {sid}",
                hint="`trusthub sandbox accounts` lists the parent and its subaccounts",
            )
        return row

    # -- clients -----------------------------------------------------------------------------

    def client(self, account_sid: str | None = None) -> Client:
        """A stock `twilio.rest.Client` whose requests this sandbox answers in-process, with
        the credentials of `account_sid` (a subaccount; None or the parent's SID: the
        parent)."""
        from trusthub.sandbox.transport import client_for

        sid, token = self.account_credentials(account_sid or self.account_sid)
        return client_for(self, sid, token)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
