"""Benchmark: `trusthub plan` against PyYAML's C loader alone, on generated profiles.

    .venv/bin/python bench/bench_plan.py             # 10,000 profiles, 1% changed; 50,000 memory
    .venv/bin/python bench/bench_plan.py --smoke     # 300 profiles (CI)
    .venv/bin/python bench/bench_plan.py --pg URL    # also on PostgreSQL (or --pg auto)

Generates a workspace (bench_validate's generator), records it in the state as if applied
(every profile a draft), edits 1% of the files, then times in one run:
* baseline: read each file and `yaml.load(..., Loader=yaml.CSafeLoader)`;
* plan, cold: load + validate (empty cache) + read state + compute the plan;
* plan, warm: the same again with nothing changed on disk;
and prints each as a ratio of the baseline (targets: cold <= 2.0, warm <= 0.5). Peak memory
of a cold plan over 50,000 profiles is measured in a child process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from bench.bench_validate import _baseline, generate_workspace
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_validate import _baseline, generate_workspace
from trusthub.app.loading import load_workspace
from trusthub.app.planning import load_valid, make_plan
from trusthub.config.settings import Settings, default_settings
from trusthub.model.kinds import desired_resources
from trusthub.model.phone_facts import forget as forget_numbers
from trusthub.model.privacy import fingerprint_key
from trusthub.state import open_store


def record_all(settings: Settings, state: str) -> None:
    """Record every profile of the workspace as applied and in draft."""
    workspace = load_workspace(settings, use_cache=False)
    with open_store(state, settings.name) as store:
        key = fingerprint_key(store.meta().lineage)
        desired = desired_resources(
            (name, doc.data, doc.path) for name, doc in workspace.profiles.items()
        )
        with store.transaction() as tx:
            for name, d in desired.items():
                if d.kind != "profile":
                    continue
                sealed = d.sealed(key).to_data()
                tx.put_resource(d.kind, name, spec=sealed, spec_hash=d.spec_hash(key))
                tx.set_status(d.kind, name, "draft", action="create", actor="bench")


def edit_some(paths: list[Path], share: float) -> int:
    step = max(1, round(1 / share))
    edited = 0
    for path in paths[1::step]:
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("website: https://", "website: https://www."), encoding="utf-8"
        )
        edited += 1
    return edited


def time_plan(settings: Settings, state: str) -> tuple[float, str]:
    start = time.perf_counter()
    workspace = load_valid(settings)
    with open_store(state, settings.name) as store:
        planned = make_plan(settings, store, workspace)
    return time.perf_counter() - start, planned.plan.summary()


def run(count: int, rounds: int, pg: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-plan-") as temp:
        root = Path(temp)
        paths = generate_workspace(root, count)
        settings = default_settings(root)
        backends = {"sqlite": settings.state}
        if pg:
            backends["postgresql"] = pg
        for state in backends.values():
            record_all(settings, state)
        edited = edit_some(paths, 0.01)
        print(f"{count} profiles, {edited} edited (1%), {rounds} round(s), medians:")
        base = statistics.median(_timed_baseline(paths) for _ in range(rounds))
        print(f"  {'PyYAML CSafeLoader (read + parse)':<40} {base:7.3f} s  1.00x")
        for backend, state in backends.items():
            cold, warm = [], []
            summary = ""
            for _ in range(rounds):
                shutil.rmtree(settings.state_dir / "cache", ignore_errors=True)
                forget_numbers()
                seconds, summary = time_plan(settings, state)
                cold.append(seconds)
                warm.append(time_plan(settings, state)[0])
            c, w = statistics.median(cold), statistics.median(warm)
            print(f"  {'plan, cold (' + backend + ')':<40} {c:7.3f} s  {c / base:5.2f}x")
            print(f"  {'plan, warm (' + backend + ')':<40} {w:7.3f} s  {w / base:5.2f}x")
        print(f"  {summary}")
    return 0


def _timed_baseline(paths: list[Path]) -> float:
    start = time.perf_counter()
    _baseline(paths)
    return time.perf_counter() - start


def peak_memory(count: int) -> None:
    """Peak RSS of one cold plan over `count` profiles, in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-mem-") as temp:
        root = Path(temp)
        generate_workspace(root, count)
        settings = default_settings(root)
        record_all(settings, settings.state)
        code = (
            "import resource, sys; from pathlib import Path;"
            "from bench.bench_plan import time_plan;"
            "from trusthub.config.settings import default_settings;"
            f"s = default_settings(Path({str(root)!r})); t, _ = time_plan(s, s.state);"
            "print(t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True,
            cwd=Path(__file__).resolve().parents[1],
        ).stdout.split()  # fmt: skip
        print(f"  peak memory, cold plan of {count} profiles: {int(out[1]) / 1024:.0f} MiB "
              f"({float(out[0]):.1f} s)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="300 profiles, 1 round (for CI)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-count", type=int, default=50_000)
    parser.add_argument("--pg", help="a postgresql:// URL, or 'auto' to start a throwaway cluster")
    args = parser.parse_args(argv)
    if args.smoke:
        return run(300, 1, None)
    pg = args.pg
    cluster = None
    if pg == "auto":
        from tests.pg_cluster import start_cluster

        cluster = start_cluster()
        pg = cluster.url
    try:
        code = run(args.count, args.rounds, pg)
    finally:
        if cluster is not None:
            cluster.stop()
    if args.memory_count:
        peak_memory(args.memory_count)
    return code


if __name__ == "__main__":
    sys.exit(main())
