"""Benchmark: refresh N profiles against the sandbox with injected latency, when nothing
changed on Trust Hub since the last refresh, and again after a few changes made outside
trusthub. Reported next to the one-fetch-per-bundle floor (bundles x latency /
parallelism: what a refresh that fetched each bundle once would take at best).

    .venv/bin/python bench/bench_refresh.py                 # 10,000 profiles, 50 ms
    .venv/bin/python bench/bench_refresh.py --count 1000    # a smaller run
    .venv/bin/python bench/bench_refresh.py --smoke         # 30 profiles, 5 ms (CI)

The workspace is bench_validate's generator (an ISV primary and N-1 secondaries, each with
numbers), applied once without latency (the setup, not timed), then refreshed once (which
reads everything and leaves the refresh cache), then measured: a refresh in this process
(its requests counted), then `trusthub plan` (which refreshes first) and `trusthub plan
--no-refresh` as whole processes with the same latency, in paired rounds (`--rounds`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

try:
    from bench.bench_apply import Counter
    from bench.bench_validate import generate_workspace
    from bench.table import emit
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_apply import Counter
    from bench.bench_validate import generate_workspace
    from bench.table import emit
from trusthub.app.applying import apply_plan
from trusthub.app.console import create_console_primary
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.config.settings import Settings, default_settings
from trusthub.sandbox import Sandbox

TRUSTHUB = [str(Path(sys.executable).with_name("trusthub"))]
if not Path(TRUSTHUB[0]).exists():
    TRUSTHUB = [sys.executable, "-m", "trusthub"]


def _refresh(settings: Settings, parallelism: int) -> tuple[float, int, int, int]:
    """(seconds, requests, resources read, resources found changed outside trusthub)."""
    with Session(settings) as session:
        target = session.target()
        counter = Counter(target.retrying.inner)
        target.retrying.inner = counter
        start = time.perf_counter()
        result = session.refresh_locked(target)  # as `trusthub refresh` does, with its cache
        return time.perf_counter() - start, counter.count, result.read, len(result.drifted)


def _plans(root: Path, latency: float, parallelism: int, rounds: int) -> tuple[float, float]:
    """Medians of `trusthub plan` and `trusthub plan --no-refresh`, whole processes, paired
    (A B A B), the sandbox answering with `latency`, as the in-process runs are set up."""
    (root / "trusthub.yaml").write_text(
        "apiVersion: trusthub/v1\nkind: Workspace\n"
        f"parallelism: {parallelism}\n"
        f"sandbox:\n  callbacks: none\n  review_delay: 86400\n  latency: {latency}\n",
        encoding="utf-8",
    )
    times: dict[str, list[float]] = {"plan": [], "no-refresh": []}
    for _ in range(rounds):
        for name, extra in (("plan", []), ("no-refresh", ["--no-refresh"])):
            start = time.perf_counter()
            done = subprocess.run(
                [*TRUSTHUB, "-C", str(root), "plan", *extra],
                capture_output=True,
                text=True,
                check=False,
            )
            times[name].append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"trusthub plan {' '.join(extra)} exited {done.returncode}: "
                                 f"{(done.stderr or done.stdout)[-2000:]}")  # fmt: skip
    return statistics.median(times["plan"]), statistics.median(times["no-refresh"])


def run(count: int, latency: float, parallelism: int, changed: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-refresh-") as temp:
        root = Path(temp)
        generate_workspace(root, count)
        base = default_settings(root)
        # Reviews are not decided during the run: what moves is what the run moves.
        sandbox = replace(base.sandbox, callbacks="none", review_delay=86400.0)
        settings = replace(base, sandbox=sandbox, parallelism=parallelism)
        primary = next(p for p in sorted((root / "profiles").glob("*.yaml")))
        create_console_primary(settings, primary)
        workspace = load_valid(settings)
        with Session(settings) as session:
            planned = make_plan(settings, session.store, workspace)
            outcome = apply_plan(
                planned, session.store, session.target(), workspace=settings.name,
                actor="bench", parallelism=parallelism, progress=lambda a, m: None,
                on_done=lambda a, e: None,
            )  # fmt: skip
        if not outcome.ok:
            raise SystemExit(f"setup apply failed: {list(outcome.failed.items())[:3]}")
        # What changed in the last seconds is read whole again at the next refresh
        # (`trusthub.app.listing` SETTLE), and the first read moves each submitted profile
        # on to in-review (Twilio's review starting): two refreshes, seconds apart, as
        # scheduled ones are, before the measured one.
        for _ in range(2):
            time.sleep(4)
            _refresh(settings, parallelism)
        slow = replace(settings, sandbox=replace(settings.sandbox, latency=latency))
        quiet_s, quiet_n, read, _ = _refresh(slow, parallelism)
        plan_s, no_refresh_s = _plans(root, latency, parallelism, rounds)
        # A number unassigned from a few profiles outside trusthub (through the stock SDK, as
        # a script or the Console would): the next refresh must see it.
        with Sandbox.from_settings(settings) as sb:
            profiles = sb.client().trusthub.v1.customer_profiles
            edited = 0
            for bundle in profiles.stream(page_size=1000):
                assignments = profiles(bundle.sid).customer_profiles_channel_endpoint_assignment
                first = next(iter(assignments.stream(limit=1)), None)
                if first is not None and edited < changed:
                    assignments(first.sid).delete()
                    edited += 1
        time.sleep(4)
        edited_s, edited_n, _, drifted = _refresh(slow, parallelism)
        floor = read * latency / parallelism
        print(f"{count} profiles ({read} resources), {latency * 1000:.0f} ms latency, "
              f"parallelism {parallelism}")  # fmt: skip
        print(f"  one-fetch-per-bundle floor: {read} requests, {floor:.1f} s")
        print(f"  refresh, nothing changed: {quiet_n} requests, {quiet_s:.1f} s "
              f"({read / max(quiet_n, 1):.1f}x fewer requests than the floor's)")  # fmt: skip
        print(f"  refresh, a number unassigned outside trusthub from {changed} profiles: "
              f"{edited_n} requests, {edited_s:.1f} s, {drifted} found changed")  # fmt: skip
        print(f"  trusthub plan (refreshing first), nothing changed: {plan_s:.2f} s; "
              f"plan --no-refresh {no_refresh_s:.2f} s ({plan_s / no_refresh_s:.2f}x), "
              f"medians of {rounds} paired round(s)")  # fmt: skip
        emit("refresh-latency", count=count, latency=latency, refresh_requests=quiet_n,
             refresh=quiet_s, plan=plan_s, plan_no_refresh=no_refresh_s)  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="30 profiles, 5 ms (for CI)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--parallelism", type=int, default=10)
    parser.add_argument("--changed", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="paired rounds of the plans")
    args = parser.parse_args(argv)
    if args.smoke:
        return run(30, 0.005, args.parallelism, 3, 1)
    return run(args.count, args.latency, args.parallelism, args.changed, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
