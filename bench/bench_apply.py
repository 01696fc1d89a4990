"""Benchmark: apply N profiles against the sandbox with injected latency, as a ratio of the
floor requests x latency / parallelism (the time the requests alone must take).

    .venv/bin/python bench/bench_apply.py                # 1,000 profiles, 50 ms, parallelism 10
    .venv/bin/python bench/bench_apply.py --smoke        # 40 profiles, 10 ms (CI)

The workspace is bench_validate's generator (an ISV primary and N-1 secondaries, each with
numbers). The primary is made, approved, in the sandbox's Console first, so the measured
apply creates every secondary: address, document, end users, bundle, assignments, numbers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

try:
    from bench.bench_validate import generate_workspace
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_validate import generate_workspace
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.config.settings import Settings, default_settings


class Counter:
    """Counts the HTTP requests the SDK sends through the wrapped client."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.count = 0
        self._lock = threading.Lock()

    def request(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.count += 1
        return self.inner.request(*args, **kwargs)


def _apply(settings: Settings, parallelism: int) -> tuple[float, int, str]:
    workspace = load_valid(settings)
    with Session(settings) as session:
        target = session.target()
        counter = Counter(target.retrying.inner)
        target.retrying.inner = counter
        planned = make_plan(settings, session.store, workspace)
        start = time.perf_counter()
        outcome = apply_plan(
            planned,
            session.store,
            target,
            workspace=settings.name,
            actor="bench",
            parallelism=parallelism,
            progress=lambda action, message: None,
            on_done=lambda action, error: None,
        )
        elapsed = time.perf_counter() - start
    if not outcome.ok:
        raise SystemExit(f"apply failed: {list(outcome.failed.items())[:3]}")
    return elapsed, counter.count, planned.plan.summary()


def run(count: int, latency: float, parallelism: int) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-apply-") as temp:
        root = Path(temp)
        generate_workspace(root, count)
        base = default_settings(root)
        fast = replace(base, sandbox=replace(base.sandbox, review_delay=3600.0))
        # The primary is made in the Console, then adopted without latency: the measured run
        # is the secondaries.
        from trusthub.app.console import create_console_primary

        create_console_primary(fast, root / "profiles" / "acme-isv.yaml")
        primary_only = root / "primary"
        (primary_only / "profiles").mkdir(parents=True)
        (primary_only / "profiles" / "acme-isv.yaml").write_text(
            (root / "profiles" / "acme-isv.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        _apply(replace(fast, profiles_dir=primary_only / "profiles"), parallelism)
        slow = replace(fast, sandbox=replace(fast.sandbox, latency=latency))
        elapsed, requests, summary = _apply(slow, parallelism)
        floor = requests * latency / parallelism
        print(f"{count} profiles, {latency * 1000:.0f} ms latency, parallelism {parallelism}")
        print(f"  {summary}")
        print(f"  requests {requests}, floor {floor:.1f} s, apply {elapsed:.1f} s, "
              f"ratio {elapsed / floor:.2f}x")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="40 profiles, 10 ms (for CI)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--parallelism", type=int, default=10)
    args = parser.parse_args(argv)
    if args.smoke:
        return run(40, 0.01, args.parallelism)
    return run(args.count, args.latency, args.parallelism)


if __name__ == "__main__":
    sys.exit(main())
