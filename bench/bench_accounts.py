"""Benchmark: the cost of accounts. N ISV clients applied once, in two workspaces: every
client in the parent account, and every client in a subaccount of its own (one per client,
as Twilio advises ISVs). Then `trusthub refresh` and `trusthub plan` (which refreshes first)
are timed as whole processes, in paired rounds (parent-only, subaccounts, alternating), and
the subaccount workspace's medians are reported as ratios to the parent-only ones.

    .venv/bin/python bench/bench_accounts.py                  # 1,000 clients, 3 rounds
    .venv/bin/python bench/bench_accounts.py --count 100      # a smaller run
    .venv/bin/python bench/bench_accounts.py --smoke          # 5 clients, 1 round (CI)
    .venv/bin/python bench/bench_accounts.py --latency 0 0.05   # without, then 50 ms a request
    .venv/bin/python bench/bench_accounts.py --compare DIR    # and another checkout's code

The clients are those of bench_onboarding (copies of the example's harbor-yoga-studio).
The sandbox answers in-process, without latency, unless --latency is given: the figures are
trusthub's own cost plus the requests' count, not a network's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

try:
    from bench.bench_apply import Counter
    from bench.bench_onboarding import generate
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_apply import Counter
    from bench.bench_onboarding import generate
from trusthub.app.applying import apply_plan
from trusthub.app.console import create_console_primary
from trusthub.app.listing import SETTLE
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.config.settings_file import load_settings
from trusthub.model.fees import FEES

TRUSTHUB = Path(sys.executable).with_name("trusthub")


def workspace(root: Path, count: int, *, subaccounts: bool, latency: float) -> Path:
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


def apply_once(root: Path) -> int:
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


def _timed(root: Path, *args: str, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(TRUSTHUB), "-C", str(root), *args],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 4):
        raise SystemExit(
            f"trusthub {' '.join(args)} failed: {(done.stderr or done.stdout)[-2000:]}"
        )
    return elapsed


def refresh_requests(root: Path) -> int:
    """The requests of one refresh in this process (this checkout's code), as
    `trusthub refresh` makes them."""
    with Session(load_settings(root)) as session:
        target = session.target()
        counter = Counter(target.retrying.inner)
        target.retrying.inner = counter
        session.refresh_locked(target)
        return counter.count


def _versions(compare: Path | None) -> dict[str, dict[str, str] | None]:
    """The code each command runs: this checkout's, and another's (`--compare DIR`: a
    directory holding its trusthub/, e.g. from `git archive`, first on the module path)."""
    out: dict[str, dict[str, str] | None] = {"this": None}
    if compare is not None:
        out[compare.name] = {**os.environ, "PYTHONPATH": str(compare.resolve())}
    return out


def run(count: int, rounds: int, latencies: list[float], compare: Path | None = None) -> int:
    versions = _versions(compare)
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-accounts-") as temp:
        parent = workspace(Path(temp) / "parent", count, subaccounts=False, latency=0.0)
        split = workspace(Path(temp) / "split", count, subaccounts=True, latency=0.0)
        setup = {name: apply_once(ws) for name, ws in (("parent", parent), ("split", split))}
        spaces = (("parent", parent), ("split", split))
        # The first refresh reads everything whole and starts the sandbox's reviews, the
        # second reads again what those moved (what moved in the last seconds is read whole:
        # `trusthub.app.listing` SETTLE): two refreshes, seconds apart, as scheduled ones
        # are, before the measured ones, which find nothing changed.
        for _ in range(3):
            time.sleep(SETTLE.total_seconds() + 1)
            requests = {name: refresh_requests(ws) for name, ws in spaces}
        print(
            f"{count} ISV clients applied once ({setup['parent']} actions in the parent only, "
            f"{setup['split']} with a subaccount each), {rounds} paired round(s), whole "
            "processes"
        )
        print(
            f"  requests of a refresh with nothing changed (this code): parent only "
            f"{requests['parent']}, one subaccount per client {requests['split']} "
            f"({(requests['split'] - requests['parent']) / count:.2f} more a client)"
        )
        for latency in latencies:
            for _name, ws in spaces:
                _set_latency(ws, latency)
            times: dict[tuple[str, str, str], list[float]] = {}
            for _ in range(rounds):  # paired: every version and workspace in each round
                for cmd in ("refresh", "plan"):
                    for name, ws in spaces:
                        for label, env in versions.items():
                            took = _timed(ws, cmd, env=env)
                            times.setdefault((cmd, label, name), []).append(took)
            print(f"  {latency * 1000:.0f} ms latency:")
            for cmd in ("refresh", "plan"):
                for label in versions:
                    a = statistics.median(times[(cmd, label, "parent")])
                    b = statistics.median(times[(cmd, label, "split")])
                    shown = f"{cmd} ({label})" if len(versions) > 1 else cmd
                    print(
                        f"    trusthub {shown:<22}  parent only {a:6.2f} s   one subaccount per "
                        f"client {b:6.2f} s   ratio {b / a:.2f}x",
                        flush=True,
                    )
    return 0


def _set_latency(root: Path, latency: float) -> None:
    path = root / "trusthub.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [f"  latency: {latency}" if line.startswith("  latency: ") else line for line in lines]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="5 clients, 1 round (for CI)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--latency", type=float, nargs="+", default=[0.0], help="seconds; several: each in turn"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="also run another checkout's code (a directory holding its trusthub/, e.g. from "
        "`git archive`) on the same workspaces, in the same rounds",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        return run(5, 1, [0.0], args.compare)
    return run(args.count, args.rounds, args.latency, args.compare)


if __name__ == "__main__":
    sys.exit(main())
