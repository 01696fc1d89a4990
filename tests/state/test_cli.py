"""`trusthub state ...` and `trusthub history` through click's runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from tests.state.helpers import Worker, add_profile
from tests.support.cli import run_cli
from trusthub.errors import ExitCode
from trusthub.state import open_store
from trusthub.state.actor import current_holder


@dataclass
class Workspace:
    root: Path
    location: str  # where its state is
    env: dict[str, str]

    def run(self, *args: str) -> Result:
        return run_cli(*args, workspace=self.root, env=self.env)


@pytest.fixture
def workspace(
    backend: str, tmp_path: Path, new_location: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    root = tmp_path / "compliance"
    (root / "profiles").mkdir(parents=True)
    # Named: a shared database refuses a workspace named only by its directory.
    (root / "trusthub.yaml").write_text("name: compliance\n", encoding="utf-8")
    if backend == "sqlite":
        return Workspace(root, str(root / ".trusthub" / "state.db"), {})
    url = new_location()
    return Workspace(root, url, {"TRUSTHUB_STATE": url})


def _record(ws: Workspace) -> str:
    with open_store(ws.location, ws.root.name) as store:
        add_profile(store, "acme")
        add_profile(store, "acme/cnam", status=None)
        add_profile(store, "globex")
        with store.transaction() as tx:
            tx.append_audit("trust_product", "acme/cnam", "create", detail={"waiting": "acme"})
            tx.set_status(
                "profile",
                "acme",
                "pending-review",
                action="submit",
                plan_checksum="sha256:" + "ab" * 32,
            )
        return store.meta().lineage


def test_state_show(workspace: Workspace) -> None:
    lineage = _record(workspace)
    text = workspace.run("state", "show")
    assert text.exit_code == 0, text.output
    assert f"lineage:      {lineage}\n" in text.stdout
    assert "serial:       4\n" in text.stdout
    assert "lock:         unlocked\n" in text.stdout
    assert (
        "resources:    3 (0 subaccount, 2 profile, 1 trust_product, 0 a2p_brand, "
        "0 a2p_brand_vetting, 0 tollfree_verification, "
        "0 messaging_service, 0 a2p_campaign)\n" in text.stdout
    )
    assert "  draft            1\n  pending-review   1\n  not-created      1" in text.stdout

    out = workspace.run("state", "show", "--format", "json")
    data = json.loads(out.stdout)
    assert (data["lineage"], data["serial"], data["workspace"]) == (lineage, 4, "compliance")
    assert data["resources"]["by_status"]["pending-review"] == 1
    assert data["lock"] is None
    assert out.stderr == ""


def test_history_of_a_profile_and_its_products(workspace: Workspace) -> None:
    _record(workspace)
    out = workspace.run("history", "acme")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["ID", "TIME", "RESOURCE", "ACTION", "FROM", "TO", "ACTOR", "PLAN"]
    rows = [line.split() for line in lines[1:]]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("1", "acme", "create", "-", "draft"),
        ("3", "acme/cnam", "create", "-", "-"),
        ("4", "acme", "submit", "draft", "pending-review"),
    ]
    assert rows[2][7] == "sha256:ababa"

    document = json.loads(workspace.run("history", "acme", "--format", "json").stdout)
    assert document["format_version"] == 1
    events = document["events"]
    assert [e["id"] for e in events] == [1, 3, 4]
    assert all(e["changes"] == [] for e in events)  # none recorded: rendered as before
    assert events[1]["detail"] == {"waiting": "acme"}
    assert events[2]["plan_checksum"] == "sha256:" + "ab" * 32

    missing = workspace.run("history", "initech")
    assert missing.exit_code == ExitCode.PROBLEMS
    assert "no recorded history for 'initech'" in missing.stderr
    assert missing.stdout == ""


def test_history_of_the_whole_workspace_and_the_last_events(workspace: Workspace) -> None:
    empty = workspace.run("history")
    assert empty.exit_code == 0, empty.output
    assert "No recorded history yet" in empty.stdout
    _record(workspace)
    every = json.loads(workspace.run("history", "--format", "json").stdout)["events"]
    assert [e["id"] for e in every] == sorted(e["id"] for e in every)
    assert {e["name"] for e in every} >= {"acme", "acme/cnam"}
    assert len({e["name"].split("/")[0] for e in every}) == 2  # both profiles
    last = json.loads(workspace.run("history", "--limit", "2", "--format", "json").stdout)["events"]
    assert [e["id"] for e in last] == [e["id"] for e in every[-2:]]
    text = workspace.run("history", "--limit", "1")
    assert text.exit_code == 0, text.output
    assert len(text.stdout.splitlines()) == 2  # the header and the last event


def test_backup_and_restore(workspace: Workspace, tmp_path: Path) -> None:
    _record(workspace)
    backup = tmp_path / "backup.file"
    out = workspace.run("state", "backup", str(backup))
    assert out.exit_code == 0, out.output
    assert backup.exists()
    assert "serial 4" in out.stdout
    again = workspace.run("state", "backup", str(backup))
    assert again.exit_code == ExitCode.PROBLEMS
    assert "exists" in again.stderr
    assert workspace.run("state", "backup", "--force", str(backup)).exit_code == 0

    with open_store(workspace.location, workspace.root.name) as store:
        add_profile(store, "initech")
    out = workspace.run("state", "restore", str(backup))
    assert out.exit_code == 0, out.output
    assert "serial 6" in out.stdout
    assert "the state it replaced is kept in" in out.stdout
    kept = list((workspace.root / ".trusthub" / "backups").iterdir())
    assert len(kept) == 1
    assert kept[0].name.startswith("before-restore-")
    with open_store(workspace.location, workspace.root.name) as store:
        assert store.resource("profile", "initech") is None


def test_unlock(workspace: Workspace, backend: str) -> None:
    _record(workspace)
    assert workspace.run("state", "unlock").stdout == "state is not locked\n"
    if backend == "sqlite":  # a lock left by a killed run: cleared without --force
        worker = Worker("hold", workspace.location, workspace.root.name)
        try:
            worker.expect("started")
            worker.expect("locked")
            worker.kill()
        finally:
            worker.close()
        out = workspace.run("state", "unlock")
        assert out.exit_code == 0, out.output
        assert out.stdout.startswith(f"cleared the stale lock of {current_holder('x').who} ")
    with (
        open_store(workspace.location, workspace.root.name) as store,
        store.lock(current_holder("apply")),
    ):
        shown = json.loads(workspace.run("state", "show", "--format", "json").stdout)
        assert shown["lock"]["operation"] == "apply"
        assert not shown["lock"]["stale"]
        refused = workspace.run("state", "unlock")
        assert refused.exit_code == ExitCode.LOCKED
        assert "may still be running" in refused.stderr
        assert "--force" in refused.stderr
        if backend == "sqlite":  # PostgreSQL would end this very session
            forced = workspace.run("state", "unlock", "--force")
            assert forced.exit_code == 0
            assert "cleared the lock of" in forced.stdout


def test_migrate(workspace: Workspace, tmp_path: Path) -> None:
    _record(workspace)
    target = tmp_path / "moved" / "state.db"
    out = workspace.run("state", "migrate", "--to", str(target))
    assert out.exit_code == 0, out.output
    assert "3 resources, 4 audit events" in out.stdout
    assert "verified" in out.stdout
    with open_store(str(target), "compliance") as copy:
        assert len(copy.snapshot()) == 3
        assert copy.meta().serial == 4
    refused = workspace.run("state", "migrate", "--to", str(target))
    assert refused.exit_code == ExitCode.PROBLEMS
    assert "empty state" in refused.stderr


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_corrupted_state_is_an_error_not_a_traceback(
    workspace: Workspace, tmp_path: Path
) -> None:
    _record(workspace)
    assert workspace.run("state", "backup", str(tmp_path / "good.db")).exit_code == 0
    Path(workspace.location).write_bytes(b"garbage" * 100)
    out = workspace.run("state", "show")
    assert out.exit_code == ExitCode.PROBLEMS
    assert "is corrupted" in out.stderr
    assert "trusthub state restore" in out.stderr
    assert "Traceback" not in out.output

    restored = workspace.run("state", "restore", str(tmp_path / "good.db"))
    assert restored.exit_code == 0, restored.output
    assert ".corrupt-" in restored.stdout
    assert workspace.run("state", "show").exit_code == 0


def test_restores_in_the_same_second_keep_every_copy(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: the copy a restore keeps was named after the second it was made in, so a
    third restore in the same second overwrote the second's. Each keeps its own."""
    from trusthub.state import transfer

    monkeypatch.setattr(transfer, "_stamp", lambda: "20261201T000000Z")  # one second, frozen
    _record(workspace)
    backup = tmp_path / "backup.file"
    assert workspace.run("state", "backup", str(backup)).exit_code == 0
    contents = []
    for name in ("initech", "umbrella", "hooli"):
        with open_store(workspace.location, workspace.root.name) as store:
            add_profile(store, name)
        out = workspace.run("state", "restore", str(backup))
        assert out.exit_code == 0, out.output
        kept = sorted((workspace.root / ".trusthub" / "backups").iterdir())
        contents.append(kept)
    kept = contents[-1]
    assert len(kept) == 3, kept
    assert len({p.name for p in kept}) == 3
    for path, name in zip(
        sorted(kept, key=lambda p: p.stat().st_mtime_ns),
        ("initech", "umbrella", "hooli"),
        strict=True,
    ):
        assert name.encode() in path.read_bytes(), (path, name)
