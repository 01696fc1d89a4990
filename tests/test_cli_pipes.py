"""The CLI when the reader of its output goes away (`trusthub status | head -3`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["validate", "--format", "json"], ["status"]])
def test_a_closed_pipe_ends_the_command_quietly_with_the_sigpipe_status(
    tmp_path: Path, args: list[str]
) -> None:
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    # The reader is gone before the command writes anything: every write fails, so the
    # outcome does not depend on how much output fits in the pipe's buffer.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "trusthub", *args],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""
