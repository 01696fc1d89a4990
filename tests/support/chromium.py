"""A real headless Chromium (Debian's package) for the tests of pages trusthub writes: the
DOM after the page's script has run, and a screenshot.

`scripts/test.sh` installs the package. Where it is missing the tests that need it are
skipped, except in CI (`CI=true`), where a missing browser fails them: a skipped browser
test must never pass for a run of the whole suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# As root, in a machine with no network: no sandbox, nothing that phones home.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
TIMEOUT = 120


def chromium() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is not installed: scripts/test.sh installs Debian's chromium")
    pytest.skip("Chromium is not installed (scripts/test.sh installs Debian's chromium)")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="trusthub-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )


def dump_dom(page: Path, fragment: str = "") -> str:
    """The page's DOM, serialised, once its script has run (with `#fragment` in the URL)."""
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    return _run("--virtual-time-budget=5000", "--dump-dom", url).stdout


def screenshot(page: Path, out: Path, *, width: int = 1400, height: int = 1000) -> Path:
    url = page.resolve().as_uri()
    _run(f"--window-size={width},{height}", f"--screenshot={out}", url)
    return out
