"""Benchmark: onboard N ISV clients end to end against the sandbox with injected latency (a
secondary profile, its A2P trust product, a low-volume standard brand, a campaign on its own
Messaging Service and the campaign's number), applying again as the sandbox's reviews
decide, until nothing is left to do. Reported next to its floor:

    max(requests x latency / parallelism, brand-and-campaign requests x 1 s)

(the time the requests alone must take, and Twilio's pace of one brand or campaign request
a second, which apply keeps).

    .venv/bin/python bench/bench_onboarding.py                # 1,000 clients, 50 ms, parallelism 10
    .venv/bin/python bench/bench_onboarding.py --count 30     # a smaller run (about a minute)
    .venv/bin/python bench/bench_onboarding.py --smoke        # 4 clients, 10 ms (CI)

The clients are copies of `profiles/harbor-yoga-studio.yaml` (with the defaults it inherits)
with their own names, EINs and numbers. The ISV's primary is created and approved first,
without latency.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

try:
    from bench.bench_validate import Numbers
except ModuleNotFoundError:  # run as `python bench/x.py`: the checkout is not on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.bench_validate import Numbers
from trusthub.app.applying import apply_plan
from trusthub.app.planning import load_valid, make_plan
from trusthub.app.refreshing import refresh_state
from trusthub.app.session import Session
from trusthub.config.settings import Settings, default_settings

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = "harbor-yoga-studio"
PACED = ("/v1/a2p/BrandRegistrations", "/Compliance/Usa2p")  # Twilio: 1 request a second


class Counter:
    """Counts the HTTP requests the SDK sends, and the brand and campaign POSTs among them."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.count = 0
        self.paced = 0
        self._lock = threading.Lock()

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.count += 1
            if method.upper() == "POST" and any(url.endswith(p) for p in PACED):
                self.paced += 1
        return self.inner.request(method, url, *args, **kwargs)


def generate(root: Path, count: int) -> None:
    profiles = root / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "acme-isv.yaml").write_text(
        (ROOT / "profiles" / "acme-isv.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    # The example client leaves to the example's trusthub.yaml `defaults:` what every client
    # says alike; the generated workspace has no defaults, so each copy says it itself.
    template = (
        (ROOT / "profiles" / f"{TEMPLATE}.yaml")
        .read_text(encoding="utf-8")
        .replace("role: secondary\n", "role: secondary\nprimary: acme-isv\ntype: business\n")
        .replace(
            "  legal_name: Harbor Yoga Studio LLC\n",
            "  legal_name: Harbor Yoga Studio LLC\n  identity: Direct Customer\n"
            "  regions_of_operation: [USA and Canada]\n",
        )
        .replace("phone_numbers:", "terms_of_service_accepted: true\nphone_numbers:", 1)
    )
    rng, numbers = random.Random(11), Numbers(random.Random(12))
    numbers.used.update({"+14155550100", "+14155550101"})
    for index in range(count):
        name = f"client-{index:05d}"
        rep, sender = numbers.draw(["617", "857"]), numbers.draw(["617", "857"])
        ein = f"{rng.randint(10, 98)}-{rng.randint(0, 9_999_999):07d}"
        text = (
            template.replace(f"name: {TEMPLATE}", f"name: {name}")
            .replace("Harbor Yoga Studio LLC", f"Harbor Yoga Studio {index} LLC")
            .replace("84-3920175", ein)
            .replace("+16175550190", rep)
            .replace("+16175550191", sender)
            .replace(f"trust+{TEMPLATE}@", f"trust+{name}@")
        )
        (profiles / f"{name}.yaml").write_text(text, encoding="utf-8")


def _cycle(settings: Settings, parallelism: int, counter_box: list[Counter]) -> str:
    """One refresh, plan and apply; the plan's summary."""
    workspace = load_valid(settings)
    with Session(settings) as session:
        target = session.target()
        counter = Counter(target.retrying.inner)
        target.retrying.inner = counter
        counter_box.append(counter)
        refresh_state(session.store, target, actor="bench")
        planned = make_plan(settings, session.store, workspace)
        if not planned.plan.actions or all(
            a.id.verb.value in ("waiting",) for a in planned.plan.actions
        ):
            return ""
        outcome = apply_plan(
            planned, session.store, target, workspace=settings.name, actor="bench",
            parallelism=parallelism, progress=lambda a, m: None, on_done=lambda a, e: None,
        )  # fmt: skip
    if not outcome.ok:
        raise SystemExit(f"apply failed: {list(outcome.failed.items())[:3]}")
    return planned.plan.summary()


def run(count: int, latency: float, parallelism: int) -> int:
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-onboarding-") as temp:
        root = Path(temp)
        generate(root, count)
        base = default_settings(root)
        settings = replace(base, sandbox=replace(base.sandbox, review_delay=0.0))
        primary = root / "primary"
        (primary / "profiles").mkdir(parents=True)
        (primary / "profiles" / "acme-isv.yaml").write_text(
            (root / "profiles" / "acme-isv.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        only_primary = replace(settings, profiles_dir=primary / "profiles")
        # The primary is made in the Console (approved), then adopted without latency: the
        # measured run is the clients.
        from trusthub.app.console import create_console_primary

        create_console_primary(settings, root / "profiles" / "acme-isv.yaml")
        for _ in range(3):  # adopted; its own trust products created and approved
            _cycle(only_primary, parallelism, [])
        slow = replace(settings, sandbox=replace(settings.sandbox, latency=latency))
        counters: list[Counter] = []
        cycles = 0
        start = time.perf_counter()
        while _cycle(slow, parallelism, counters):
            cycles += 1
            if cycles > 8:
                raise SystemExit("onboarding did not converge in 8 applies")
        elapsed = time.perf_counter() - start
        requests = sum(c.count for c in counters)
        paced = sum(c.paced for c in counters)
        floor = max(requests * latency / parallelism, paced * 1.0)
        print(f"{count} ISV clients, {latency * 1000:.0f} ms latency, parallelism {parallelism}")
        print(f"  {cycles} applies (each after a refresh), until nothing was left to do")
        print(f"  requests {requests} ({paced} brand and campaign POSTs, paced 1/s)")
        spread = requests * latency / parallelism
        ratio = elapsed / floor
        print(f"  floor max({spread:.1f} s, {paced * 1.0:.1f} s) = {floor:.1f} s, "
              f"onboarding {elapsed:.1f} s, ratio {ratio:.2f}x")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="4 clients, 10 ms (for CI)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--parallelism", type=int, default=10)
    args = parser.parse_args(argv)
    if args.smoke:
        return run(4, 0.01, args.parallelism)
    return run(args.count, args.latency, args.parallelism)


if __name__ == "__main__":
    sys.exit(main())
