"""A full disk under the state (issue 17): a clear error naming the disk, no traceback, never
blamed on Trust Hub, and nothing half-written ever taken for a state.

The disk is a small tmpfs mounted for the test (root, or a user allowed to mount, is
needed; elsewhere the tests skip). A real ENOSPC, as a full disk gives, not a simulated one:
SQLite answers it with SQLITE_FULL on some writes and a plain SQLITE_IOERR on others."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.checks import check_world
from tests.reliability.conftest import MakeWorkspace, run_cli, settings_of

SIZE = 4 << 20  # bytes: room for the example's state, filled on purpose


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the disk up to `leave` free bytes."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    filler = disk / "filler"
    with filler.open("ab") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def _state_on(ws: Path, disk: Path) -> Path:
    state = disk / "state.db"
    with (ws / "trusthub.yaml").open("a", encoding="utf-8") as f:
        f.write(f"state: {state}\n")
    return state


def _assert_clear(done: subprocess.CompletedProcess[str], disk: Path) -> None:
    out = done.stdout + done.stderr
    assert done.returncode == 1, (done.returncode, out[-3000:])
    assert f"no space left on the disk that holds the state {disk}/state.db: {disk}" in out
    assert f"df -h {disk}" in out
    assert "Traceback" not in out
    assert "internal error" not in out
    assert "Twilio" not in out.replace("not a Trust Hub problem", "")
    assert "corrupted" not in out


def test_a_full_disk_while_the_state_is_first_made_leaves_no_state(
    make_workspace: MakeWorkspace, small_disk: Path
) -> None:
    ws = make_workspace("first", review_delay=0)
    state = _state_on(ws, small_disk)
    filler = _fill(small_disk, leave=16 << 10)  # less than an empty state needs
    for command in (["state", "show"], ["plan", "--no-refresh"], ["apply", "--auto-approve"]):
        _assert_clear(run_cli(ws, *command, code=None), small_disk)
        assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]  # nothing half-made
    filler.unlink()
    shown = run_cli(ws, "state", "show")  # made now, whole: never "corrupted (truncated)"
    assert "serial:       0" in shown.stdout
    assert state.exists()


def test_a_full_disk_under_an_existing_state_stops_apply_clearly_and_it_resumes(
    make_workspace: MakeWorkspace, small_disk: Path
) -> None:
    ws = make_workspace("existing", review_delay=0)
    _state_on(ws, small_disk)
    held = {p: p.read_text(encoding="utf-8") for p in (ws / "profiles").glob("*.yaml")}
    for path in held:
        if path.name != "acme-isv.yaml":
            path.unlink()
    run_cli(ws, "apply", "--auto-approve")
    for path, text in held.items():
        path.write_text(text, encoding="utf-8")
    filler = _fill(small_disk, leave=4 << 10)
    done = run_cli(ws, "apply", "--auto-approve", code=None)
    _assert_clear(done, small_disk)
    filler.unlink()
    for _ in range(8):
        again = run_cli(ws, "apply", "--auto-approve")
        if "Nothing to apply." in again.stdout:
            break
    check_world(settings_of(ws), audit_submits=False)
