"""Benchmark: peak memory of `trusthub plan --no-refresh` as a whole process, next to the
floor's: a process that parses the same profiles with PyYAML's `CSafeLoader` and keeps them.

    .venv/bin/python bench/bench_memory.py               # 50,000 profiles, 1 round
    .venv/bin/python bench/bench_memory.py --smoke       # 300 profiles (CI)

The workspace is bench_validate's generator, recorded in the state as applied (every profile
a draft, as bench_plan does); the plan is cold (no validation cache), as a first plan in CI.
Each process is started by a small launcher that waits for it and reads its peak RSS
(`ru_maxrss` of `wait4`): started from this process, it would inherit this process's size as
its high-water mark (Linux keeps it across exec). A plan's worker processes are included as
the largest process of the run (`ru_maxrss` is one process's, not a sum): the figure is the
peak of the plan's own process, where everything parsed ends up.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    from bench.bench_plan import record_all
    from bench.bench_validate import generate_workspace
    from bench.table import emit
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_plan import record_all
    from bench.bench_validate import generate_workspace
    from bench.table import emit
from trusthub.config.settings import default_settings

TRUSTHUB = [str(Path(sys.executable).with_name("trusthub"))]
if not Path(TRUSTHUB[0]).exists():
    TRUSTHUB = [sys.executable, "-m", "trusthub"]

LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "_pid, status, usage = os.wait4(p.pid, 0)\n"
    "err = p.stderr.read().decode()[-2000:] if p.stderr else ''\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, repr(err))\n"
)
FLOOR_CODE = (
    "import sys, pathlib, yaml\n"
    "kept = [yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
    "        for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml'))]\n"
)
# The bench state records the primary without its Console SID, so plan refuses it (exit 1).
PLAN_EXIT = (0, 1)


def peak_mib(cmd: list[str], cwd: Path, expect: tuple[int, ...] = (0,)) -> float:
    """Peak RSS of `cmd` (its largest process), in MiB."""
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd], cwd=cwd, check=True, capture_output=True,
        text=True,
    ).stdout.split(maxsplit=2)  # fmt: skip
    code, kib, err = int(out[0]), int(out[1]), out[2]
    if code not in expect:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err}")
    return kib / 1024


def run(count: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-memory-") as temp:
        root = Path(temp)
        generate_workspace(root, count)
        settings = default_settings(root)
        record_all(settings, settings.state)
        plan = [*TRUSTHUB, "-C", str(root), "plan", "--no-refresh"]
        floor = [sys.executable, "-c", FLOOR_CODE, str(root / "profiles")]
        plans, floors = [], []
        for _ in range(rounds):  # paired: the floor, then the plan
            floors.append(peak_mib(floor, root))
            shutil.rmtree(settings.state_dir / "cache", ignore_errors=True)
            plans.append(peak_mib(plan, root, PLAN_EXIT))
        p, f = statistics.median(plans), statistics.median(floors)
        print(f"{count} profiles, {rounds} round(s), medians of peak RSS")
        print(f"  floor (CSafeLoader, every profile parsed and kept) {f:7.0f} MiB")
        print(f"  trusthub plan --no-refresh, cold                   {p:7.0f} MiB  "
              f"{p / f:.2f}x the floor ({p * 1024 / count:.1f} KiB a profile)")  # fmt: skip
        emit("plan-memory", count=count, plan_mib=p, floor_mib=f)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="300 profiles, 1 round (for CI)")
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    if args.smoke:
        return run(300, 1)
    return run(args.count, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
