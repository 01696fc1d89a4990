"""Golden files: output compared with a file kept in git. A missing or different golden
file is a failure; only an explicit request rewrites it (`--update-goldens`, or
`TRUSTHUB_UPDATE_GOLDEN=1`), so a new or changed golden is always a reviewed diff, never a
file a test run quietly wrote."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pytest

OPTION: Final = "--update-goldens"
ENV: Final = "TRUSTHUB_UPDATE_GOLDEN"


def update_requested(config: pytest.Config) -> bool:
    return bool(config.getoption("update_goldens")) or os.environ.get(ENV) == "1"


def check_golden(actual: str, path: Path, *, update: bool) -> None:
    """`actual` must equal the golden file at `path`; with `update`, write it instead."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    how = f"rerun with {OPTION} (or {ENV}=1), then review and commit the file"
    if not path.exists():
        pytest.fail(f"golden file {path} is missing; to create it from this output, {how}")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path} differs; if the new output is right, {how}"
