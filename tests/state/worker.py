"""A second process for the state tests: `python -m tests.state.worker MODE LOCATION WORKSPACE
[TIMEOUT]`. It reports on stdout, one line per step, and waits for stdin to close (or to be
killed) before it lets go.

  hold   take the lock (waiting up to TIMEOUT s): "locked <pid>", or "refused <message>"
  write  begin a transaction, write 500 resources, print "writing", never commit
"""

from __future__ import annotations

import sys

from trusthub.errors import LockedError
from trusthub.state import open_store
from trusthub.state.actor import current_holder


def _say(line: str) -> None:
    print(line, flush=True)


def main(mode: str, location: str, workspace: str, timeout: float) -> None:
    with open_store(location, workspace) as store:
        if mode == "hold":
            _say("started")
            try:
                with store.lock(current_holder("test"), timeout=timeout) as info:
                    _say(f"locked {info.holder.pid}")
                    sys.stdin.read()
            except LockedError as e:
                _say(f"refused {e.message}")
                return
            _say("released")
        elif mode == "write":
            with store.transaction() as tx:
                for i in range(500):
                    tx.put_resource("profile", f"crash{i}", spec={"i": i}, spec_hash=str(i))
                _say("writing")
                sys.stdin.read()
                raise SystemExit("stdin closed before the kill")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0)
