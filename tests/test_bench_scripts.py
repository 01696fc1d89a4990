"""The benchmark scripts run the way the README writes them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# The scripts, not the modules they share (bench/table.py).
SCRIPTS = sorted(
    p.name
    for p in (ROOT / "bench").glob("*.py")
    if 'if __name__ == "__main__":' in p.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_benchmark_script_runs_from_its_path(script: str, tmp_path: Path) -> None:
    """`.venv/bin/python bench/bench_plan.py ...` from anywhere, not only `-m bench.x`."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
