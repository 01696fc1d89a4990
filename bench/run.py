"""Run every benchmark and print its figures.

    .venv/bin/python bench/run.py            # full sizes (minutes)
    .venv/bin/python bench/run.py --smoke    # small sizes: checks the benchmarks still run (CI)

Benchmarks print ratios against a floor measured in the same run (PyYAML's C parser for
validate and plan; requests x latency / parallelism for apply), because this machine is
shared and absolute times drift.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = (
    "bench_validate",
    "bench_plan",
    "bench_cli",
    "bench_state",
    "bench_apply",
    "bench_onboarding",
    "bench_refresh",
    "bench_accounts",
)
SMOKE_ARGS = {"bench_state": ["--n", "500", "--repeat", "1", "--no-pg"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    parser.add_argument("only", nargs="*", choices=[*BENCHES, []], help="run only these")
    args = parser.parse_args(argv)
    failed = 0
    for name in args.only or BENCHES:
        if not (ROOT / "bench" / f"{name}.py").exists():
            continue
        print(f"== {name}", flush=True)
        smoke = SMOKE_ARGS.get(name, ["--smoke"]) if args.smoke else []
        cmd = [sys.executable, "-m", f"bench.{name}", *smoke]
        code = subprocess.call(cmd, cwd=ROOT)
        if code:
            print(f"{name} failed with exit code {code}", flush=True)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
