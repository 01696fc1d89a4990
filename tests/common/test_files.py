"""`common.files.write_private`: the one atomic, private file write (state exports and
backups, the caches)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from trusthub.common.files import write_private


@pytest.mark.parametrize("durable", [True, False])
def test_write_private_makes_private_files_and_directories(tmp_path: Path, durable: bool) -> None:
    target = tmp_path / ".trusthub" / "cache" / "x.json"
    write_private(target, b"one", durable=durable)
    assert target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for directory in (target.parent, target.parent.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    write_private(target, b"two", durable=durable)
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["x.json"]  # no temporary file left behind


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "state.json"
    write_private(target, b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        write_private(target, b"new", durable=False)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["state.json"]
