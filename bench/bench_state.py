"""How fast the state store is at the sizes a plan meets: N resources (default 10,000),
then reading them all (the plan's snapshot), reading 100 spec bodies (the changed ones),
and one transaction updating 100 resources. SQLite always; PostgreSQL with `--pg URL`, or
on a throwaway server started with tests/pg_cluster.py when PostgreSQL is installed.

    .venv/bin/python bench/bench_state.py [--n 10000] [--repeat 5] [--pg URL | --no-pg]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from trusthub.state import StateStore, open_store  # noqa: E402
from trusthub.state.exchange import build_export  # noqa: E402


def _spec(i: int, version: int) -> dict[str, Any]:
    """About the size of a sealed business profile body."""
    return {
        "attributes": {f"field_{k}": f"sealed:{i:06d}:{k}:{version}" for k in range(30)},
        "numbers": [f"fp:{i:06d}:{n}" for n in range(2)],
    }


def _name(i: int) -> str:
    return f"profile-{i:06d}" if i % 3 else f"profile-{i:06d}/a2p_messaging"


def _kind(name: str) -> str:
    return "trust_product" if "/" in name else "profile"


def _fill(store: StateStore, n: int) -> None:
    """N resources and an audit event each, loaded the way `state migrate` loads them."""
    now = "2026-11-25T00:00:00Z"
    resources: list[dict[str, Any]] = [
        {
            "kind": _kind(_name(i)),
            "name": _name(i),
            "status": "draft",
            "status_since": now,
            "spec_hash": f"{i:064x}",
            "rejection_reasons": [],
            "evaluation": {"status": "compliant", "results": []},
            "valid_until": None,
            "policy_sid": "RN" + "0" * 32,
            "updated_at": now,
            "spec": _spec(i, 0),
            "account": "parent",
        }
        for i in range(n)
    ]
    audit = [
        {
            "id": i + 1,
            "time": now,
            "actor": "bench@localhost",
            "kind": r["kind"],
            "name": r["name"],
            "action": "create",
            "from_status": None,
            "to_status": "draft",
            "plan_checksum": None,
            "detail": {},
        }
        for i, r in enumerate(resources)
    ]
    store.import_(
        build_export(
            workspace="bench",
            lineage=str(uuid.uuid4()),
            serial=1,
            schema_version=0,
            resources=resources,
            remote_objects=[],
            audit=audit,
        )
    )


def _median(run: Callable[[int], object], repeat: int) -> float:
    times = []
    for r in range(repeat):
        started = time.perf_counter()
        run(r)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(location: str, n: int, repeat: int) -> dict[str, float]:
    with open_store(location, "bench") as store:
        started = time.perf_counter()
        _fill(store, n)
        fill = time.perf_counter() - started
        names = [_name(i) for i in range(0, n, max(1, n // 100))][:100]

        def update(r: int) -> None:
            with store.transaction() as tx:
                for i in range(100):
                    name = _name(i)
                    tx.put_resource(_kind(name), name, spec=_spec(i, r + 1), spec_hash=f"{r}:{i}")

        snapshot = _median(lambda r: store.snapshot(), repeat)
        return {
            "import": fill,
            "snapshot": snapshot,
            "specs(100)": _median(lambda r: store.specs(names), repeat),
            "update 100": _median(update, repeat),
        }


def _pg_location(args: argparse.Namespace) -> tuple[str | None, Callable[[], None], str]:
    """(URL or None, cleanup, why not)."""
    if args.no_pg:
        return None, lambda: None, "--no-pg"
    if args.pg:
        return args.pg, lambda: None, ""
    from tests.pg_cluster import ClusterUnavailable, create_database, start_cluster

    try:
        cluster = start_cluster()
    except ClusterUnavailable as e:
        return None, lambda: None, str(e).splitlines()[0]
    return create_database(cluster.url), cluster.stop, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="resources (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL database to use")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="trusthub-bench-") as tmp:
        results["sqlite"] = measure(str(Path(tmp) / "state.db"), args.n, args.repeat)
    url, cleanup, why_not = _pg_location(args)
    try:
        if url is not None:
            results["postgresql"] = measure(url, args.n, args.repeat)
    finally:
        cleanup()

    columns = ["import", "snapshot", "specs(100)", "update 100"]
    print(f"state store, {args.n:,} resources, median of {args.repeat} (ms)")
    print(f"{'backend':<12}" + "".join(f"{c:>14}" for c in columns))
    for backend, figures in results.items():
        print(f"{backend:<12}" + "".join(f"{figures[c] * 1000:>14.1f}" for c in columns))
    if url is None:
        print(f"postgresql: skipped ({why_not})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
