"""bench/run.py's table of the issue's targets: rendered as the README shows it (golden), and
every row emitted by the benchmark the table names as its source."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.table import ROWS, ROWS_ENV, Header, emit, read_rows, render

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"

# Figures of the "today" column where it gives them (the rest made up, round).
FIGURES: dict[str, dict[str, float]] = {
    "validate-cold": {
        "count": 10_000, "wall": 1.1, "cpu": 1.7, "floor_wall": 1.0, "floor_cpu": 1.0,
    },
    "plan-cold": {"count": 10_000, "wall": 1.87, "cpu": 2.61, "floor_wall": 1.0, "floor_cpu": 1.0},
    "plan-warm": {"count": 10_000, "wall": 0.25, "cpu": 0.2, "floor_wall": 1.0, "floor_cpu": 1.0},
    "plan-memory": {"count": 50_000, "plan_mib": 926, "floor_mib": 380},
    "precommit-one-file": {
        "count": 10_000, "wall": 1.01, "cpu": 0.7, "floor_wall": 4.0, "floor_cpu": 3.0,
    },
    "one-file-small": {
        "count": 6, "wall": 0.18, "cpu": 0.15, "floor_wall": 0.05, "floor_cpu": 0.04,
    },
    "requests-profile": {"requests": 13, "documented": 13},
    "requests-product": {"requests": 8, "documented": 7},
    "refresh-latency": {
        "count": 1000, "latency": 0.05, "refresh_requests": 5, "refresh": 0.3, "plan": 1.1,
        "plan_no_refresh": 0.64,
    },
}  # fmt: skip
HEADER = Header(date="2026-12-02 06:00", commit="0123abc", cores=2, smoke=False)


def test_the_table_renders_every_row_next_to_its_target(
    golden: Callable[[str, Path], None],
) -> None:
    golden(render(FIGURES, HEADER), GOLDEN / "table.md")


def test_a_smoke_run_says_so_and_a_row_not_measured_names_its_benchmark(
    golden: Callable[[str, Path], None],
) -> None:
    some = {k: v for k, v in FIGURES.items() if k != "plan-memory"}
    smoke = Header(date="2026-12-02 06:00", commit="0123abc", cores=2, smoke=True)
    golden(render(some, smoke), GOLDEN / "table-smoke.md")


def test_an_unknown_row_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ROWS_ENV, str(tmp_path / "rows.jsonl"))
    with pytest.raises(ValueError, match="unknown row"):
        emit("validate-warm", wall=1.0)
    assert not (tmp_path / "rows.jsonl").exists()


# Each source at a small size (what it emits does not depend on the size).
SOURCES = {
    "bench_cli": ["--count", "30", "--rounds", "1"],
    "bench_memory": ["--count", "30"],
    "bench_requests": [],
    "bench_refresh": ["--smoke"],
}


def test_every_row_has_a_source_here() -> None:
    assert {row.source for row in ROWS.values()} == set(SOURCES)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_each_source_emits_its_rows(source: str, tmp_path: Path) -> None:
    rows_file = tmp_path / "rows.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{source}", *SOURCES[source]],
        cwd=ROOT, env={**os.environ, ROWS_ENV: str(rows_file)}, capture_output=True,
        text=True, timeout=280, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = read_rows(rows_file)
    assert set(rows) == {k for k, row in ROWS.items() if row.source == source}
    for key, figures in rows.items():
        assert all(math.isfinite(v) and v >= 0 for v in figures.values()), (key, figures)
        render({key: figures}, HEADER)  # every figure the row's cells need is there
