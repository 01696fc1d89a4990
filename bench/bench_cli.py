"""Benchmark: whole `trusthub` processes, as users run them, against the PyYAML floor.

    .venv/bin/python bench/bench_cli.py                # 10,000 profiles, 5 rounds
    .venv/bin/python bench/bench_cli.py --smoke        # 200 profiles, 1 round (CI)
    .venv/bin/python bench/bench_cli.py --only precommit-one-file --rounds 9

Generates a workspace (bench_validate's generator), records it in the state as applied
(every profile a draft, as bench_plan does) and then, in each round, runs the floor and
every case as separate processes, one after the other (A B A B ...), so a busy spell of
this shared 2-core machine hits the floor and the case alike:

* floor: a fresh `python` that reads each profile and parses it with PyYAML's
  `CSafeLoader` (nothing else);
* validate-cold / validate-warm: `trusthub validate` without / with the validation cache;
* plan-cold: `trusthub plan --no-refresh` with no cache after 1% of the files were edited;
* plan-warm: the same with nothing changed on disk;
* precommit-one-file: what the pre-commit hook runs after one file of the workspace
  changed (`trusthub validate profiles/<that file>`, the cache warm for the rest);
* one-file-small: `trusthub validate profiles/<file>` in a 6-profile workspace after that
  file changed, next to `python -c "import yaml"` (the start-up floor, printed in ms).

Each case prints the medians of wall time, CPU time (user + system, worker processes
included), and their ratios to the floor's medians; `range` is the lowest
and highest ratio of one round's case to the same round's floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:
    from bench.bench_plan import edit_some, record_all
    from bench.bench_validate import generate_workspace
    from bench.table import ROWS, emit
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_plan import edit_some, record_all
    from bench.bench_validate import generate_workspace
    from bench.table import ROWS, emit
from trusthub.config.settings import default_settings

ROOT = Path(__file__).resolve().parents[1]
TRUSTHUB = [str(Path(sys.executable).with_name("trusthub"))]
if not Path(TRUSTHUB[0]).exists():
    TRUSTHUB = [sys.executable, "-m", "trusthub"]

FLOOR_CODE = (
    "import sys, pathlib, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
    "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)
# The bench state records the primary without its Console SID, so plan refuses it (exit 1).
PLAN_EXIT = (0, 1)
TARGETS = {
    "validate-cold": "<= 0.8x wall, <= 1.2x CPU",
    "validate-warm": "-",
    "plan-cold": "<= 1.3x wall",
    "plan-warm": "<= 0.3x",
    "precommit-one-file": "<= 0.25 s",
    "one-file-small": "<= 100 ms",
}


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    cpu: float


@dataclass(slots=True)
class Series:
    runs: list[Run] = field(default_factory=list)
    floors: list[Run] = field(default_factory=list)  # the same round's floor


def run_process(
    cmd: list[str], cwd: Path, expect: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> Run:
    """Wall and CPU time (the process and the children it waited for) of one run. Not peak
    memory: a child's ru_maxrss starts at this benchmark's own size (bench_plan measures it)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in expect:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime)


def _edit(path: Path, round_: int) -> None:
    """A change the cache cannot have seen: the street number differs every round."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out = [
        f"  street: {9000 + round_} Bench Street\n" if line.startswith("  street: ") else line
        for line in lines
    ]
    path.write_text("".join(out), encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Version:
    """The trusthub a case runs: this checkout, or another one's code (`--compare DIR`),
    each in a workspace of its own (their caches' fingerprints differ)."""

    label: str
    env: dict[str, str]
    hook_passes_files: bool  # its .pre-commit-hooks.yaml's pass_filenames


def _version(label: str, code: Path | None) -> Version:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if code is not None:  # before the editable install's finder on the module path
        env["PYTHONPATH"] = str(code)
    hooks = yaml.safe_load(((code or ROOT) / ".pre-commit-hooks.yaml").read_text())
    return Version(label, env, bool(hooks[0].get("pass_filenames", True)))


def _cases(version: Version, big: Path, small: Path) -> dict[str, Callable[[int], Run]]:
    th = [*TRUSTHUB, "-C"]
    cache = big / ".trusthub" / "cache"
    paths = sorted((big / "profiles").glob("*.yaml"))
    one = paths[len(paths) // 2].relative_to(big).as_posix()
    small_one = min((small / "profiles").glob("*.yaml")).relative_to(small).as_posix()

    def run(root: Path, *args: str, expect: tuple[int, ...] = (0,)) -> Run:
        return run_process([*th, str(root), *args], root, expect, version.env)

    def validate_cold(_r: int) -> Run:
        shutil.rmtree(cache, ignore_errors=True)
        return run(big, "validate")

    def validate_warm(_r: int) -> Run:
        run(big, "validate")  # the cache is warm
        return run(big, "validate")

    def plan_cold(_r: int) -> Run:
        shutil.rmtree(cache, ignore_errors=True)
        return run(big, "plan", "--no-refresh", expect=PLAN_EXIT)

    def plan_warm(_r: int) -> Run:
        run(big, "plan", "--no-refresh", expect=PLAN_EXIT)
        return run(big, "plan", "--no-refresh", expect=PLAN_EXIT)

    def precommit(r: int) -> Run:
        run(big, "validate")  # the cache is warm
        _edit(big / one, r)
        return run(big, "validate", *([one] if version.hook_passes_files else []))

    def one_small(r: int) -> Run:
        run(small, "validate")
        _edit(small / small_one, r)
        return run(small, "validate", small_one)

    return {
        "validate-cold": validate_cold,
        "validate-warm": validate_warm,
        "plan-cold": plan_cold,
        "plan-warm": plan_warm,
        "precommit-one-file": precommit,
        "one-file-small": one_small,
    }


def run(count: int, rounds: int, only: list[str], compare: Path | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-cli-") as temp:
        versions = [_version("this", None)]
        if compare is not None:
            versions.append(_version(compare.name, compare))
        base, small = Path(temp) / "base", Path(temp) / "small"
        paths = generate_workspace(base, count)
        settings = default_settings(base)
        record_all(settings, settings.state)
        edit_some(paths, 0.01)  # the plans see 1% of the profiles changed
        _small_workspace(small)
        cases: dict[tuple[str, str], Callable[[int], Run]] = {}
        for v in versions:
            big_v, small_v = Path(temp) / f"big-{v.label}", Path(temp) / f"small-{v.label}"
            shutil.copytree(base, big_v)
            shutil.copytree(small, small_v)
            run_process([*TRUSTHUB, "-C", str(small_v), "validate"], small_v, env=v.env)  # bytecode
            for name, case in _cases(v, big_v, small_v).items():
                cases[(name, v.label)] = case
        floor_big = [sys.executable, "-c", FLOOR_CODE, str(base / "profiles")]
        start_floor = [sys.executable, "-c", "import yaml"]
        chosen = [c for c in TARGETS if not only or c in only]
        series = {(n, v.label): Series() for n in chosen for v in versions}
        for r in range(rounds):
            for name in chosen:
                floor = run_process(start_floor if name == "one-file-small" else floor_big, base)
                for v in versions:
                    series[(name, v.label)].floors.append(floor)
                    series[(name, v.label)].runs.append(cases[(name, v.label)](r))
        _report(count, rounds, series, len(versions) > 1)
    return 0


def _small_workspace(root: Path) -> list[Path]:
    (root / "profiles").mkdir(parents=True)
    for path in sorted((ROOT / "profiles").glob("*.yaml")):
        shutil.copy(path, root / "profiles")
    shutil.copy(ROOT / "trusthub.yaml", root)  # the defaults the example's clients inherit
    return sorted((root / "profiles").glob("*.yaml"))


def _report(count: int, rounds: int, series: dict[tuple[str, str], Series], labelled: bool) -> None:
    print(f"{count} profiles, {rounds} round(s); medians, ratio to the floor of the same rounds")
    head = f"  {'case':<28} {'wall':>9} {'x floor':>8} {'range':>11} {'CPU':>8} {'x floor':>8}"
    print(head + "  target")
    for (name, label), s in series.items():
        wall, cpu = _median(s.runs, "wall"), _median(s.runs, "cpu")
        f_wall, f_cpu = _median(s.floors, "wall"), _median(s.floors, "cpu")
        ratios = [r.wall / f.wall for r, f in zip(s.runs, s.floors, strict=True)]
        shown = f"{wall * 1000:6.0f} ms" if wall < 1 else f"{wall:7.2f} s"
        title = f"{name} ({label})" if labelled else name
        print(
            f"  {title:<28} {shown:>9} {wall / f_wall:7.2f}x {min(ratios):5.2f}-{max(ratios):4.2f}x"
            f" {cpu:7.2f}s {cpu / f_cpu:7.2f}x  {TARGETS[name]}"
        )
        if name in ROWS and label == "this":  # a row of the table (bench/run.py)
            emit(name, count=count, wall=wall, cpu=cpu, floor_wall=f_wall, floor_cpu=f_cpu)
    small = [f.wall for (n, _l), s in series.items() if n == "one-file-small" for f in s.floors]
    big = [f.wall for (n, _l), s in series.items() if n != "one-file-small" for f in s.floors]
    if big:
        print(f"  floor: read + CSafeLoader parse of every profile, {statistics.median(big):.3f} s")
    if small:
        print(
            "  floor of one-file-small: python -c 'import yaml', "
            f"{statistics.median(small) * 1000:.0f} ms"
        )


def _median(runs: list[Run], attr: str) -> float:
    return float(statistics.median(getattr(r, attr) for r in runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="200 profiles, 1 round (for CI)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], choices=sorted(TARGETS))
    parser.add_argument(
        "--compare",
        type=Path,
        help="also run another checkout's code (a directory holding its trusthub/ and "
        ".pre-commit-hooks.yaml, e.g. from `git archive`) in the same rounds",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        return run(200, 1, args.only, args.compare)
    return run(args.count, args.rounds, args.only, args.compare)


if __name__ == "__main__":
    sys.exit(main())
