"""Run every benchmark and print its figures, then the issue's table of targets.

    .venv/bin/python bench/run.py            # full sizes (minutes)
    .venv/bin/python bench/run.py --smoke    # small sizes: checks the benchmarks still run (CI)
    .venv/bin/python bench/run.py --table    # only the benchmarks the table's rows come from

Benchmarks print ratios against a floor measured in the same run (PyYAML's C parser for
validate and plan; requests x latency / parallelism for apply), because this machine is
shared and absolute times drift. Each benchmark also hands its headline figures to this
script (`bench.table.emit`), which prints them at the end as one Markdown table, the
issue's rows next to their targets, dated: the README's table is that output.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

try:
    from bench.table import ROWS, ROWS_ENV, Header, read_rows, render
except ModuleNotFoundError:  # run as `python bench/run.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.table import ROWS, ROWS_ENV, Header, read_rows, render

ROOT = Path(__file__).resolve().parents[1]
BENCHES = (
    "bench_validate",
    "bench_plan",
    "bench_cli",
    "bench_memory",
    "bench_requests",
    "bench_state",
    "bench_apply",
    "bench_onboarding",
    "bench_refresh",
    "bench_accounts",
)
SMOKE_ARGS = {"bench_state": ["--n", "500", "--repeat", "1", "--no-pg"]}
# The sizes of the table where a benchmark's own default differs.
FULL_ARGS = {"bench_refresh": ["--count", "1000", "--latency", "0.05"]}


def table_sources() -> list[str]:
    return [b for b in BENCHES if any(row.source == b for row in ROWS.values())]


def header(smoke: bool) -> Header:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return Header(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        commit=(commit or "unknown") + (" (with uncommitted changes)" if dirty else ""),
        cores=os.cpu_count() or 1,
        smoke=smoke,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    parser.add_argument(
        "--table", action="store_true", help="run only the benchmarks the table comes from"
    )
    parser.add_argument("only", nargs="*", choices=[*BENCHES, []], help="run only these")
    args = parser.parse_args(argv)
    chosen = args.only or (table_sources() if args.table else list(BENCHES))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-rows-") as temp:
        rows_file = Path(temp) / "rows.jsonl"
        env = {**os.environ, ROWS_ENV: str(rows_file)}
        for name in chosen:
            if not (ROOT / "bench" / f"{name}.py").exists():
                continue
            print(f"== {name}", flush=True)
            extra = SMOKE_ARGS.get(name, ["--smoke"]) if args.smoke else FULL_ARGS.get(name, [])
            cmd = [sys.executable, "-m", f"bench.{name}", *extra]
            code = subprocess.call(cmd, cwd=ROOT, env=env)
            if code:
                print(f"{name} failed with exit code {code}", flush=True)
                failed += 1
        rows = read_rows(rows_file)
    print("\n== the issue's table\n", flush=True)
    print(render(rows, header(args.smoke)), end="", flush=True)
    # Every row a chosen benchmark owns must have come: a benchmark that stopped emitting
    # one fails the run (CI runs --smoke), as a benchmark that fails does.
    lost = [k for k, row in ROWS.items() if row.source in chosen and k not in rows]
    if lost:
        print(f"rows not emitted: {', '.join(lost)}", flush=True)
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main())
