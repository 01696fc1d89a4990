"""Credentials and personal data: where they must never end up.

Credentials: a full loop with recognisable fake credentials in the environment, against
`target: twilio` pointed at a loopback `trusthub sandbox serve` that accepts exactly those
credentials (TRUSTHUB_TWILIO_BASE_URL), then runs whose credentials the server rejects
(401, error 20003) and runs whose requests fail with the server gone, all with and without
`--debug`. Every output and every file the client left is searched for each credential.

Personal data: the example profiles' emails, phone numbers, names, registration numbers
and street addresses never appear in plans (every format, saved plans), status, history or
apply output, even after edits of those fields; only `plan --show-sensitive` shows them.
State and cache files are private (0600 in a 0700 `.trusthub/`).
"""

from __future__ import annotations

import re
import signal
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.reliability.checks import desired_of
from tests.reliability.conftest import MakeWorkspace, invoke, run_cli, settings_of
from tests.reliability.processes import Process
from trusthub.app.console import console_form
from trusthub.model.privacy import is_sensitive
from trusthub.provider.twilio_sdk import TwilioSdkProvider
from trusthub.sandbox import Sandbox
from trusthub.sandbox.console import create_primary

# Recognisable fakes: the shapes of real Twilio credentials, never real ones.
ACCOUNT_SID = "AC" + "5ec7e7" * 5 + "42"
AUTH_TOKEN = "authtoken-7f3a9c1e-4b2d-DO-NOT-LEAK"
WRONG_TOKEN = "wrongtoken-3c8e1a77-DO-NOT-LEAK"
API_KEY = "SK" + "a1b2c3d4" * 4
API_SECRET = "apisecret-0d9e8f7a-6b5c-DO-NOT-LEAK"
CREDENTIALS = {
    "account SID": ACCOUNT_SID,
    "auth token": AUTH_TOKEN,
    "wrong auth token": WRONG_TOKEN,
    "API key": API_KEY,
    "API secret": API_SECRET,
}
BASE_URL_ENV = "TRUSTHUB_TWILIO_BASE_URL"
CLIENT = "maple-leaf-freight"  # the profile that lives in a subaccount


@dataclass
class Artefacts:
    """Everything a run printed, by label."""

    outputs: dict[str, str] = field(default_factory=dict)

    def add(self, label: str, stdout: str, stderr: str) -> None:
        n = len(self.outputs)
        self.outputs[f"{n:02d} {label} (stdout)"] = stdout
        self.outputs[f"{n:02d} {label} (stderr)"] = stderr


def files_under(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file())


def find(secret: str, artefacts: Artefacts, files: list[Path]) -> list[str]:
    """Where `secret` occurs: outputs by label, files by path (raw bytes, so text stored
    inside SQLite pages or JSON is found too)."""
    found = [label for label, text in artefacts.outputs.items() if secret in text]
    return found + [str(p) for p in files if secret.encode() in p.read_bytes()]


# -- the Twilio side: a sandbox server on loopback -----------------------------------------


@dataclass
class Server:
    url: str
    directory: Path
    process: Process
    # A client's subaccount (issue 14): trusthub reads its token through the parent.
    subaccount_sid: str = ""
    subaccount_token: str = ""
    # The example's own (northwind-outfitters'), opened before apply: on real Twilio
    # trusthub buys no number, and a client's are bought in its subaccount.
    northwind_sid: str = ""
    northwind_token: str = ""

    def stop(self) -> str:
        """SIGTERM (the server stops cleanly); returns what it printed."""
        self.process.proc.send_signal(signal.SIGTERM)
        assert self.process.finish() == 0, self.process.stderr
        return self.process.stdout + "\n" + self.process.stderr


def start_server(
    directory: Path, numbers: set[str], client_numbers: set[str], northwind_numbers: set[str]
) -> Server:
    """`trusthub sandbox serve` in `directory` with the fake credentials in its
    environment, owning `numbers` (the twilio target buys none, as on real Twilio), a
    subaccount for one client owning `client_numbers`, and the example's subaccount for
    northwind-outfitters owning `northwind_numbers`."""
    directory.mkdir()
    with Sandbox(
        directory / ".trusthub" / "sandbox.db", credentials=(ACCOUNT_SID, AUTH_TOKEN)
    ) as sb:
        api = TwilioSdkProvider(sb.client())
        for number in sorted(numbers - client_numbers - northwind_numbers):
            api.provision_number(number)
        sub = sb.create_subaccount("Maple Leaf Freight")
        _sid, sub_token = sb.account_credentials(sub.sid)
        in_sub = TwilioSdkProvider(sb.client(sub.sid))
        for number in sorted(client_numbers):
            in_sub.provision_number(number)
        northwind = sb.create_subaccount("Northwind Outfitters")
        _sid, northwind_token = sb.account_credentials(northwind.sid)
        in_northwind = TwilioSdkProvider(sb.client(northwind.sid))
        for number in sorted(northwind_numbers):
            in_northwind.provision_number(number)
        for path in sorted(
            (Path(__file__).resolve().parents[2] / "profiles").glob("*.yaml")
        ):  # the Console's primaries
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if data["role"] == "primary":
                create_primary(sb, console_form(data))
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    process = Process(
        directory, "sandbox", "serve", "--port", "0", env=env, log=directory / "serve.err"
    )
    line = process.wait_for("Trust Hub sandbox listening on ")
    assert line is not None, process.stderr
    return Server(
        line.rsplit(" ", 1)[1], directory, process, sub.sid, sub_token, northwind.sid,
        northwind_token,
    )  # fmt: skip


@pytest.fixture
def twilio_workspace(make_workspace: MakeWorkspace) -> Path:
    ws = make_workspace("client", target="twilio")
    # Kept drafts (their primary is approved from the start, in the Console): the edits
    # below must reach Trust Hub as updates, to be answered 401.
    for name in ("thames-tea-partners", "maple-leaf-freight"):
        path = ws / "profiles" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "submit: false\n", encoding="utf-8")
    return ws


def test_credentials_never_reach_output_files_or_tracebacks(
    twilio_workspace: Path, make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    ws = twilio_workspace
    desired = desired_of(settings_of(ws))
    numbers = {n for d in desired.values() for n in d.numbers}
    client_numbers = {n for d in desired.values() if d.profile == CLIENT for n in d.numbers}
    in_northwind = {n for d in desired.values() if d.account == "northwind" for n in d.numbers}
    server = start_server(tmp_path / "twilio-side", numbers, client_numbers, in_northwind)
    # The client lives in its own subaccount, which trusthub opens with a token it reads
    # through the parent: that token must not leak either (nor northwind's).
    secrets = {
        **CREDENTIALS,
        "subaccount auth token": server.subaccount_token,
        "northwind auth token": server.northwind_token,
    }
    settings = ws / "trusthub.yaml"  # the example's declares northwind, made by apply
    example = "  northwind: {friendly_name: Northwind Outfitters}\n"
    text = settings.read_text("utf-8")
    assert example in text
    declared = (
        f"  mapleleaf: {{sid: {server.subaccount_sid}}}\n"
        f"  northwind: {{sid: {server.northwind_sid}}}\n"
    )
    settings.write_text(text.replace(example, declared), "utf-8")
    with (ws / "profiles" / f"{CLIENT}.yaml").open("a", encoding="utf-8") as f:
        f.write("account: mapleleaf\n")
    artefacts = Artefacts()
    good = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        BASE_URL_ENV: server.url,
    }
    plan_file = tmp_path / "plan.json"

    def run(
        label: str, *args: str, env: dict[str, str], code: int | None = 0, where: Path = ws
    ) -> str:
        done = run_cli(where, *args, env=env, code=code)
        artefacts.add(label, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr or "--debug" in args, done.stderr
        return done.stdout + done.stderr

    # 0. The default target, the embedded sandbox, with every credential in the
    # environment: it never reads them (its database holds its own, made-up ones).
    local = make_workspace("local", review_delay=86400)
    everything = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": API_SECRET,
    }
    local_plan = tmp_path / "local-plan.json"
    run("local plan", "plan", "--out", str(local_plan), env=everything, where=local)
    run(
        "local apply",
        "--debug",
        "apply",
        str(local_plan),
        "--auto-approve",
        env=everything,
        where=local,
    )
    run("local approve", "sandbox", "approve", "acme-isv", env=everything, where=local)
    run("local apply 2", "apply", "--auto-approve", env=everything, where=local)
    run("local status", "--debug", "status", env=everything, where=local)
    run("local history", "history", "acme-isv", env=everything, where=local)
    run("local backup", "state", "backup", str(tmp_path / "local.db"), env=everything, where=local)

    try:
        # 1. The whole loop with good credentials, some of it with --debug.
        run("validate", "validate", env=good)
        run("plan", "plan", "--out", str(plan_file), env=good)
        run("plan json", "plan", "--format", "json", env=good)
        run("plan markdown", "--debug", "plan", "--format", "markdown", env=good)
        applied = run(
            "apply plan file", "--debug", "apply", str(plan_file), "--auto-approve", env=good
        )
        # The server took the credentials (the primaries adopted, the rest created).
        assert re.search(r"Apply complete: \d+ done, 0 failed", applied), applied
        with Sandbox(
            server.directory / ".trusthub" / "sandbox.db", credentials=(ACCOUNT_SID, AUTH_TOKEN)
        ) as sb:  # the client's profile was made in its subaccount, and only there
            in_sub = sb.client(server.subaccount_sid).trusthub.v1.customer_profiles.list()
            in_parent = sb.client().trusthub.v1.customer_profiles.list()
        assert [p.friendly_name for p in in_sub] == ["Maple Leaf Freight Corporation"]
        assert "Maple Leaf Freight Corporation" not in {p.friendly_name for p in in_parent}
        run("refresh", "refresh", env=good)
        run("status", "status", env=good)
        run("status json", "--debug", "status", "--format", "json", env=good)
        run("history", "history", "acme-isv", env=good)
        run("state show", "state", "show", env=good)
        run("state backup", "state", "backup", str(tmp_path / "backup.db"), env=good)
        # Exit 0 or 4: with primaries approved from the start the next step (a brand) may
        # already be planned; what this test checks is that no credential leaks.
        run("plan converged", "plan", "--detailed-exitcode", env=good, code=None)

        # 2. Credentials the server rejects: an API key it does not know, a wrong token.
        # Refresh fails with Twilio's 20003 and a hint, not as an internal error.
        for label, creds in (
            (
                "API key",
                {
                    "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                    "TWILIO_API_KEY": API_KEY,
                    "TWILIO_API_SECRET": API_SECRET,
                },
            ),
            ("wrong token", {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": WRONG_TOKEN}),
        ):
            env = {**creds, BASE_URL_ENV: server.url}
            for debug in ([], ["--debug"]):
                out = run(f"refresh, {label}", *debug, "refresh", env=env, code=1)
                assert "Twilio error 20003" in out, out
                assert "check the credentials" in out, out
                out = run(f"plan, {label}", *debug, "plan", env=env, code=1)
                assert "Twilio error 20003" in out, out
        # Edits applied with rejected credentials: every update answers 401. (An address is
        # an API 2010 object: its URL holds the account SID.)
        _replace(ws / "profiles" / "thames-tea-partners.yaml", "Managing Partner", "Partner")
        _replace(
            ws / "profiles" / "maple-leaf-freight.yaml",
            "88 Queens Quay West",
            "90 Queens Quay West",
        )
        env = {
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_API_KEY": API_KEY,
            "TWILIO_API_SECRET": API_SECRET,
            BASE_URL_ENV: server.url,
        }
        # --force: the plan now also holds fee-bearing steps (a brand), which the default
        # fee budget would refuse before any request; here every request must be made.
        out = run(
            "apply, API key",
            "--debug",
            "apply",
            "--auto-approve",
            "--no-refresh",
            "--force",
            env=env,
            code=1,
        )
        assert "Twilio error 20003" in out, out
    finally:
        server_output = server.stop()

    # 3. Requests that fail: the server is gone (connection refused, after the retries).
    out = run("refresh, no server", "--debug", "refresh", env=good, code=1)
    # (the first resource read: the client's subaccount, read through the parent)
    assert "cannot refresh account:mapleleaf: ConnectionError" in out, out
    out = run(
        "apply, no server", "--debug", "apply", "--auto-approve", "--no-refresh", env=good, code=1
    )
    assert re.search(r"\d+ action\(s\) failed", out), out
    assert "update thames-tea-partners: ConnectionError" in out, out
    assert "update maple-leaf-freight: ConnectionError" in out, out

    # No credential anywhere on the client's side: outputs, state, cache, backups, plans.
    files = [*files_under(ws), *files_under(local), plan_file, local_plan]
    files += [tmp_path / "backup.db", tmp_path / "local.db"]
    assert {"state.db", "sandbox.db", "profile-checks.json", "spec-hashes.json"} <= {
        p.name for p in files
    }
    for name, secret in secrets.items():
        assert find(secret, artefacts, files) == [], f"the {name} leaked"
    # The server used the token and never stored or printed it. (Its database holds the
    # account SID, as Twilio does: the same byte search finds it there, so it would find
    # a credential stored the same way on the client's side.)
    sandbox_db = server.directory / ".trusthub" / "sandbox.db"
    assert ACCOUNT_SID.encode() in sandbox_db.read_bytes()
    for secret in (AUTH_TOKEN, WRONG_TOKEN, API_SECRET):  # (it stores subaccount tokens)
        assert secret not in server_output
        assert all(secret.encode() not in p.read_bytes() for p in files_under(server.directory))


def test_the_twilio_target_reaches_only_loopback_through_the_base_url_hook(
    twilio_workspace: Path,
) -> None:
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    for url in ("https://api.example.com", "http://10.0.0.1:8080", "https://127.0.0.1:1"):
        done = invoke(twilio_workspace, "refresh", env={**env, BASE_URL_ENV: url}, code=1)
        assert f"{BASE_URL_ENV} must be http://127.0.0.1:PORT" in done.output
        assert AUTH_TOKEN not in done.output


# -- personal data ---------------------------------------------------------------------------


def personal_values(profiles: Path) -> set[str]:
    """Every value of a personal-data field in the profiles (privacy.is_sensitive)."""
    found: set[str] = set()

    def walk(value: object, path: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, str(k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*path, i))
        elif value not in (None, "") and is_sensitive(path):
            found.add(str(value))

    for path in sorted(profiles.glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), ())
    return found


def occurrences(values: set[str], text: str) -> list[str]:
    """The values found in `text` as whole tokens (a postal code inside a SID is not one)."""
    return sorted(
        v for v in values if re.search(rf"(?<![0-9A-Za-z]){re.escape(v)}(?![0-9A-Za-z])", text)
    )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_personal_data_never_in_plans_status_history_or_apply_output(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    ws = make_workspace("pii", review_delay=86400)
    values = personal_values(ws / "profiles")
    assert {"dana.whitfield@acme-messaging.example.com", "+15125550111", "Priya", "Raman"} <= values
    assert {"83-2716540", "2100 Guadalupe Street", "1988-04-17", "Jordan"} <= values
    shareable = Artefacts()
    names = sorted(p.stem for p in (ws / "profiles").glob("*.yaml"))

    def run(label: str, *args: str, code: int | None = 0) -> None:
        done = run_cli(ws, *args, code=code)
        shareable.add(label, done.stdout, done.stderr)

    def look() -> None:  # in this process: quicker, and the same rendering
        for args in (
            ["status", "--refresh"],
            ["status", "--format", "json"],
            *(["history", name, *fmt] for name in names for fmt in ([], ["--format", "json"])),
        ):
            shareable.add(" ".join(args), invoke(ws, *args).output, "")

    # Create everything; the primary is approved, the secondaries submitted.
    for fmt in ("text", "json", "markdown"):
        run(f"plan {fmt}", "plan", "--format", fmt)
    run("plan --out", "plan", "--out", str(tmp_path / "first.json"))
    run("apply", "apply", str(tmp_path / "first.json"), "--auto-approve")
    run("approve", "sandbox", "approve", "acme-isv")
    run("apply 2", "apply", "--auto-approve")
    look()

    # A rejection, then edits of personal data in the rejected profile: the plan shows
    # that they change (masked), never the old or new values.
    run(
        "reject",
        "sandbox",
        "reject",
        "brightsmile-dental",
        "--reason",
        "[email] - Unknown email domain.",
    )
    run("refresh", "refresh")
    profile = ws / "profiles" / "brightsmile-dental.yaml"
    new_values = {
        "compliance+brightsmile@acme-messaging.example.com",
        "+15125550199",
        "Priyanka",
        "2102 Guadalupe Street",
    }
    _replace(
        profile,
        "trust+brightsmile-dental@acme-messaging.example.com",
        "compliance+brightsmile@acme-messaging.example.com",
    )
    _replace(profile, "+15125550111", "+15125550199")
    _replace(profile, "first_name: Priya", "first_name: Priyanka")
    _replace(profile, "2100 Guadalupe Street", "2102 Guadalupe Street")
    values |= new_values
    for fmt in ("text", "json", "markdown"):
        run(f"plan edit {fmt}", "plan", "--format", fmt, "--detailed-exitcode", code=4)
    run("plan edit --out", "plan", "--out", str(tmp_path / "edit.json"))
    assert (
        "<sensitive:"
        in shareable.outputs[f"{len(shareable.outputs) - 2:02d} plan edit --out (stdout)"]
    )
    # The search finds what it looks for: --show-sensitive (text only, on request) shows
    # the new values of the edited fields, and only those.
    shown = run_cli(ws, "plan", "--show-sensitive", "--no-refresh").stdout
    assert occurrences(values, shown) == sorted(new_values)
    run("apply edit", "apply", str(tmp_path / "edit.json"), "--auto-approve")
    look()

    leaks = {
        label: found
        for label, text in shareable.outputs.items()
        if (found := occurrences(values, text))
    }
    for saved in ("first.json", "edit.json"):
        found = occurrences(values, (tmp_path / saved).read_text(encoding="utf-8"))
        if found:
            leaks[saved] = found
    assert leaks == {}

    # Private files: .trusthub/ and what is under it.
    state_dir = ws / ".trusthub"
    assert stat.S_IMODE(state_dir.stat().st_mode) == 0o700
    for path in state_dir.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert {"state.db", "sandbox.db", "cache"} <= {p.name for p in state_dir.iterdir()}
    assert any((state_dir / "cache").iterdir())
