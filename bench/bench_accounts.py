"""Benchmark: the cost of accounts. N ISV clients applied once, in two workspaces: every
client in the parent account, and every client in a subaccount of its own (one per client,
as Twilio advises ISVs). Then `trusthub refresh` and `trusthub plan` (which refreshes first)
are timed as whole processes, in paired rounds (parent-only, subaccounts, alternating), and
the subaccount workspace's medians are reported as ratios to the parent-only ones.

    .venv/bin/python bench/bench_accounts.py                  # 1,000 clients, 3 rounds
    .venv/bin/python bench/bench_accounts.py --count 100      # a smaller run
    .venv/bin/python bench/bench_accounts.py --smoke          # 5 clients, 1 round (CI)

The clients are those of bench_onboarding (copies of the example's harbor-yoga-studio).
The sandbox answers in-process, without latency, unless --latency is given: the figures are
trusthub's own cost plus the requests' count, not a network's.
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
    from bench.bench_onboarding import generate
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_onboarding import generate
from trusthub.app.applying import apply_plan
from trusthub.app.console import create_console_primary
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.config.settings_file import load_settings
from trusthub.model.fees import FEES

TRUSTHUB = Path(sys.executable).with_name("trusthub")


def _workspace(root: Path, count: int, *, subaccounts: bool, latency: float) -> Path:
    generate(root, count)
    lines = ["apiVersion: trusthub/v1", "kind: Workspace", f"name: {root.name}", "sandbox:"]
    lines += ["  callbacks: none", f"  latency: {latency}"]
    # Every client registers a brand: the fee budget would refuse the plan (exit 1).
    lines += ["fees:", "  max_per_apply:"]
    lines += [f"    {fee}: {count + 1}" for fee in FEES]
    if subaccounts:
        lines.append("accounts:")
        for path in sorted((root / "profiles").glob("client-*.yaml")):
            lines.append(f"  {path.stem}: {{friendly_name: {path.stem}}}")
            with path.open("a", encoding="utf-8") as f:
                f.write(f"account: {path.stem}\n")
    (root / "trusthub.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _apply_once(root: Path) -> int:
    """Make the primary in the Console, then one apply without latency (the setup)."""
    settings = load_settings(root)
    settings = replace(settings, sandbox=replace(settings.sandbox, latency=0.0))
    create_console_primary(settings, root / "profiles" / "acme-isv.yaml")
    workspace = load_valid(settings)
    with Session(settings) as session:
        target = session.target()
        planned = make_plan(settings, session.store, workspace)
        outcome = apply_plan(
            planned, session.store, target, workspace=settings.name, actor="bench",
            parallelism=settings.parallelism, progress=lambda a, m: None,
            on_done=lambda a, e: None,
        )  # fmt: skip
    if not outcome.ok:
        raise SystemExit(f"apply failed: {list(outcome.failed.items())[:3]}")
    return len(planned.plan.actions)


def _timed(root: Path, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(TRUSTHUB), "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 4):
        raise SystemExit(
            f"trusthub {' '.join(args)} failed: {(done.stderr or done.stdout)[-2000:]}"
        )
    return elapsed


def run(count: int, rounds: int, latency: float) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-accounts-") as temp:
        parent = _workspace(Path(temp) / "parent", count, subaccounts=False, latency=latency)
        split = _workspace(Path(temp) / "split", count, subaccounts=True, latency=latency)
        setup = {name: _apply_once(ws) for name, ws in (("parent", parent), ("split", split))}
        times: dict[str, dict[str, list[float]]] = {
            cmd: {"parent": [], "split": []} for cmd in ("refresh", "plan")
        }
        for _ in range(rounds):
            for cmd in ("refresh", "plan"):
                for name, ws in (("parent", parent), ("split", split)):
                    times[cmd][name].append(_timed(ws, cmd))
        print(
            f"{count} ISV clients applied once ({setup['parent']} actions in the parent only, "
            f"{setup['split']} with a subaccount each), {latency * 1000:.0f} ms latency, "
            f"{rounds} paired round(s), whole processes"
        )
        for cmd, by in times.items():
            a, b = statistics.median(by["parent"]), statistics.median(by["split"])
            print(
                f"  trusthub {cmd:<7}  parent only {a:6.2f} s   one subaccount per client "
                f"{b:6.2f} s   ratio {b / a:.2f}x"
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="5 clients, 1 round (for CI)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    if args.smoke:
        return run(5, 1, 0.0)
    return run(args.count, args.rounds, args.latency)


if __name__ == "__main__":
    sys.exit(main())
