from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UPDATE_GOLDEN = os.environ.get("TRUSTHUB_UPDATE_GOLDEN") == "1"


@pytest.fixture
def golden() -> Callable[[str, Path], None]:
    """Compare output with a golden file; TRUSTHUB_UPDATE_GOLDEN=1 rewrites the file."""

    def check(actual: str, path: Path) -> None:
        if UPDATE_GOLDEN or not path.exists():
            if not UPDATE_GOLDEN and os.environ.get("CI"):
                pytest.fail(f"golden file {path} is missing; generate it locally")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{path} differs; rerun with TRUSTHUB_UPDATE_GOLDEN=1"

    return check
