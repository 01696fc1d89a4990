from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.golden import ENV, OPTION, check_golden, update_requested

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        OPTION,
        action="store_true",
        default=False,
        help=f"write the golden files from the tests' output (also {ENV}=1)",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, Path], None]:
    """Compare output with a golden file; a missing or different one fails the test.
    `--update-goldens` (or TRUSTHUB_UPDATE_GOLDEN=1) writes the files instead."""
    update = update_requested(request.config)

    def check(actual: str, path: Path) -> None:
        check_golden(actual, path, update=update)

    return check
