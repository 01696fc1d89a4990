"""The issue's table of targets (issue 18): which benchmark measures each row, and the
Markdown table `bench/run.py` prints from what they measured.

A benchmark hands its headline figures to run.py as rows: `emit(key, **figures)` appends one
JSON line (`{"row": key, "figures": {...}}`) to the file named by `$TRUSTHUB_BENCH_ROWS`, and
does nothing when that is unset (a benchmark run on its own prints only its own output). The
figures are plain numbers (seconds, MiB, request counts); what they mean, the target and
whether it is met are decided here, in one place, so a benchmark says what it measured and
never whether that is good enough.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROWS_ENV: Final = "TRUSTHUB_BENCH_ROWS"

Figures = Mapping[str, float]


def emit(key: str, **figures: float) -> None:
    """Hand one row's figures to `bench/run.py` (a no-op when not run by it)."""
    if key not in ROWS:
        raise ValueError(f"unknown row {key!r}: one of {', '.join(ROWS)}")
    target = os.environ.get(ROWS_ENV)
    if not target:
        return
    line = json.dumps({"row": key, "figures": {k: float(v) for k, v in figures.items()}})
    with open(target, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def read_rows(path: Path) -> dict[str, dict[str, float]]:
    """The rows emitted into `path`, by key; a row emitted twice keeps its last figures."""
    out: dict[str, dict[str, float]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            out[str(data["row"])] = {str(k): float(v) for k, v in data["figures"].items()}
    return out


@dataclass(frozen=True, slots=True)
class Row:
    source: str  # the benchmark (bench/<source>.py) that emits it
    what: Callable[[Figures], str]
    target: str
    measured: Callable[[Figures], str]
    met: Callable[[Figures], bool]


def _x(value: float) -> str:
    return f"{value:.2f}x"


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _count(f: Figures) -> str:
    return f"{int(f['count']):,}"


def _cli(what: str) -> Callable[[Figures], str]:
    return lambda f: what.format(count=_count(f))


def _ratios(f: Figures) -> tuple[float, float]:
    return f["wall"] / f["floor_wall"], f["cpu"] / f["floor_cpu"]


def _wall_cpu(f: Figures) -> str:
    wall, cpu = _ratios(f)
    return (
        f"{_x(wall)} wall, {_x(cpu)} CPU ({_seconds(f['wall'])}; floor {_seconds(f['floor_wall'])})"
    )


def _memory(f: Figures) -> str:
    return (
        f"{f['plan_mib']:.0f} MiB, {_x(f['plan_mib'] / f['floor_mib'])} the floor's "
        f"{f['floor_mib']:.0f} MiB"
    )


def _requests(f: Figures) -> str:
    extra = f["requests"] - f["documented"]
    own = f"; {extra:g} more: trusthub's rename of each bundle it creates" if extra > 0 else ""
    return f"{f['requests']:g} (documented minimum {f['documented']:g}{own})"


def _refresh(f: Figures) -> str:
    return (
        f"refresh: {f['refresh_requests']:g} requests, {_seconds(f['refresh'])}; `plan` "
        f"{_seconds(f['plan'])} vs {_seconds(f['plan_no_refresh'])} with `--no-refresh` "
        f"({_x(f['plan'] / f['plan_no_refresh'])})"
    )


# The rows, in its order. bench_cli's keys are its case names.
ROWS: Final[dict[str, Row]] = {
    "validate-cold": Row(
        "bench_cli",
        _cli("`trusthub validate`, {count} profiles, cold (CLI)"),
        "<= 0.8x wall, <= 1.2x CPU",
        _wall_cpu,
        lambda f: _ratios(f)[0] <= 0.8 and _ratios(f)[1] <= 1.2,
    ),
    "plan-cold": Row(
        "bench_cli",
        _cli("`trusthub plan --no-refresh`, {count}, 1% changed, cold (CLI)"),
        "<= 1.3x wall",
        _wall_cpu,
        lambda f: _ratios(f)[0] <= 1.3,
    ),
    "plan-warm": Row(
        "bench_cli",
        _cli("`trusthub plan --no-refresh`, {count}, nothing changed on disk (CLI)"),
        "<= 0.3x",
        _wall_cpu,
        lambda f: _ratios(f)[0] <= 0.3,
    ),
    "plan-memory": Row(
        "bench_memory",
        _cli("plan peak memory at {count} profiles (CLI)"),
        "<= 2x the floor's memory",
        _memory,
        lambda f: f["plan_mib"] <= 2 * f["floor_mib"],
    ),
    "precommit-one-file": Row(
        "bench_cli",
        _cli("pre-commit on one changed file in a {count}-profile workspace"),
        "<= 0.25 s",
        lambda f: f"{f['wall']:.2f} s ({_x(_ratios(f)[0])} the floor)",
        lambda f: f["wall"] <= 0.25,
    ),
    "one-file-small": Row(
        "bench_cli",
        lambda f: "`trusthub validate` of one file, small workspace",
        "<= 100 ms",
        lambda f: (
            f"{f['wall'] * 1000:.0f} ms (`python -c 'import yaml'`: "
            f"{f['floor_wall'] * 1000:.0f} ms)"
        ),
        lambda f: f["wall"] <= 0.1,
    ),
    "requests-profile": Row(
        "bench_requests",
        lambda f: "requests to create one secondary profile on Twilio",
        "the documented minimum",
        _requests,
        lambda f: f["requests"] <= f["documented"],
    ),
    "requests-product": Row(
        "bench_requests",
        lambda f: "requests to create one trust product",
        "the minimum",
        _requests,
        lambda f: f["requests"] <= f["documented"],
    ),
    "refresh-latency": Row(
        "bench_refresh",
        lambda f: (
            f"refresh / plan at {_count(f)} profiles with {f['latency'] * 1000:.0f} ms latency"
        ),
        "paged lists: a few requests, <= 2x the `--no-refresh` time",
        _refresh,
        lambda f: f["plan"] <= 2 * f["plan_no_refresh"],
    ),
}


@dataclass(frozen=True, slots=True)
class Header:
    date: str  # UTC, YYYY-MM-DD HH:MM
    commit: str
    cores: int
    smoke: bool


def render(rows: Mapping[str, Figures], header: Header) -> str:
    """The issue's table, measured, as Markdown (pasted into the README as it is)."""
    run = "smoke run (small sizes: not comparable to the targets)" if header.smoke else "full run"
    lines = [
        f"Measured {header.date} UTC, commit {header.commit}, {header.cores} cores; {run}.",
        "",
        "| what | measured | target | met? |",
        "|---|---|---|---|",
    ]
    for key, row in ROWS.items():
        figures = rows.get(key)
        if figures is None:
            lines.append(f"| {key} | not measured (bench/{row.source}.py) | {row.target} | - |")
            continue
        met = "yes" if row.met(figures) else "no"
        lines.append(f"| {row.what(figures)} | {row.measured(figures)} | {row.target} | {met} |")
    return "\n".join(lines) + "\n"
