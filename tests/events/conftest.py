"""A workspace (the example's profiles, its primary made in the sandbox's Console, approved)
whose sandbox waits for decisions by hand, with the
events receiver running on a real loopback socket in front of its state, and the sandbox
delivering to it: status callbacks (the profiles' `status_callback`) and Event Streams
(a sink registered in the sandbox)."""

from __future__ import annotations

import json
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.pg_cluster import pg_server  # noqa: F401  (the store fixtures, on PostgreSQL)
from tests.state.conftest import backend, location, new_location, store  # noqa: F401
from tests.support.cli import run_cli
from tests.support.console import console_primaries
from tests.support.example import copy_example, write_settings
from trusthub.config.settings_file import load_settings
from trusthub.events.server import EventServer
from trusthub.sandbox import Sandbox
from trusthub.state import StateStore, open_store

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_HOOK = "https://hooks.acme-messaging.example.com/twilio/trusthub"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(
    url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw or b"{}")
        except ValueError:
            return e.code, {"raw": raw.decode(errors="replace")}


WORKSPACE = (
    "apiVersion: trusthub/v1\nkind: Workspace\nname: events\nsandbox:\n  review_delay: 86400\n"
)


class World:
    def __init__(
        self,
        root: Path,
        *,
        operator_sink: bool = True,
        clients: Mapping[str, str] | None = None,
    ) -> None:
        """`operator_sink`: the sandbox delivers every event to the receiver (else only
        through the sinks made with the Events API); `clients`: profile -> the subaccount
        it moves to (made in the sandbox, declared in trusthub.yaml by its SID)."""
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        copy_example(root)
        for path in (root / "profiles").glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(EXAMPLE_HOOK, f"{self.url}/status-callbacks"), "utf-8")
        write_settings(root, WORKSPACE)
        self.settings = load_settings(root)
        self.sandbox = Sandbox.from_settings(self.settings)
        self.token = self.sandbox.auth_token
        self.accounts: dict[str, str] = {}  # account -> SID
        for profile, account in (clients or {}).items():
            if account not in self.accounts:
                self.accounts[account] = self.sandbox.create_subaccount(account).sid
            with (root / "profiles" / f"{profile}.yaml").open("a", encoding="utf-8") as f:
                f.write(f"account: {account}\n")
        if self.accounts:
            declared = "".join(f"  {a}: {{sid: {sid}}}\n" for a, sid in self.accounts.items())
            write_settings(root, WORKSPACE + "accounts:\n" + declared)
            self.settings = load_settings(root)
        if operator_sink:
            self.sandbox.add_event_sink(f"{self.url}/event-streams")
        console_primaries(self.settings)  # made in the Twilio Console, approved
        self.log: list[str] = []
        self.server: EventServer | None = None
        self._store: StateStore | None = None

    # -- the receiver --------------------------------------------------------------------

    def start(self, **options: Any) -> EventServer:
        self._store = open_store(self.settings.state, self.settings.name)
        # What a subaccount's objects send is signed with its own token.
        tokens = [self.sandbox.account_credentials(sid)[1] for sid in self.accounts.values()]
        self.server = EventServer(
            self._store, host="127.0.0.1", port=self.port, public_url=self.url,
            auth_token=self.token, log=self._log, subaccount_tokens=tokens, **options,
        ).start()  # fmt: skip
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def _log(self, line: str) -> None:
        self.log.append(line)
        sys.stderr.write(f"events: {line}\n")

    # -- the workspace ---------------------------------------------------------------------

    def cli(self, *args: str, code: int | None = 0) -> Any:
        return run_cli(*args, workspace=self.root, code=code)

    def apply(self) -> None:
        self.cli("apply", "--auto-approve")

    def store(self) -> StateStore:
        return open_store(self.settings.state, self.settings.name)

    def sid(self, kind: str, name: str, role: str) -> str:
        with self.store() as opened:
            return opened.sids(kind, name)[role]

    def status(self, name: str) -> tuple[str | None, tuple[str, ...]]:
        with self.store() as opened:
            r = {x.name: x for x in opened.snapshot()}[name]
        return r.status, r.rejection_reasons

    def received(self) -> list[tuple[str, str, str | None]]:
        """(event id, outcome, name) of every event the state remembers."""
        with self.store() as opened:
            rows = opened.execute(  # type: ignore[attr-defined]
                "SELECT event_id, outcome, name FROM received_events ORDER BY event_id"
            ).fetchall()
        return [tuple(r) for r in rows]

    def close(self) -> None:
        self.stop()
        self.sandbox.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path / "ws")
    try:
        yield w
    finally:
        w.close()
