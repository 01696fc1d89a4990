"""What both backends share about the state lock: telling a dead holder from a live one,
the advisory-lock key, waiting with a timeout, and the message a blocked run gets."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from trusthub.errors import LockedError
from trusthub.state.model import LockHolder, LockInfo

_PROC = Path("/proc")


def _boot_id() -> str:
    try:
        return (_PROC / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state letter, start time in clock ticks since boot) from /proc, None if gone."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], fields[19]


def process_start(pid: int) -> str | None:
    """An id of the process `pid` that a later process reusing the pid will not have."""
    stat = _proc_stat(pid)
    return None if stat is None else f"{_boot_id()}:{stat[1]}"


def process_alive(pid: int, pid_start: str | None) -> bool:
    if _PROC.is_dir() and (_PROC / "self").exists():
        stat = _proc_stat(pid)
        if stat is None or stat[0] in ("Z", "X"):  # gone, or a zombie nobody reaped yet
            return False
        return pid_start is None or pid_start == f"{_boot_id()}:{stat[1]}"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder_alive(holder: LockHolder) -> bool:
    """Whether the holder may still be running. A holder on another host cannot be checked,
    so it counts as alive: only `unlock --force` breaks its lock."""
    if holder.host != socket.gethostname():
        return True
    return process_alive(holder.pid, holder.pid_start)


def advisory_key(workspace: str) -> int:
    """A signed 64-bit key for pg_try_advisory_lock, fixed per workspace name."""
    digest = hashlib.sha256(b"trusthub-state-lock:" + workspace.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def locked_error(blocker: LockInfo) -> LockedError:
    return LockedError(
        f"state is locked by {blocker.describe()}; if that run is gone, run `trusthub state unlock`"
    )


def live_lock_error(blocker: LockInfo) -> LockedError:
    """`unlock` without --force, facing a holder that may still be running."""
    return LockedError(
        f"state is locked by {blocker.describe()}, which may still be running",
        hint="break the lock only if you are sure that run is gone: "
        "`trusthub state unlock --force`",
    )


HOLDER_GRACE = 2.0  # seconds a new holder may take to record itself

Attempt = Callable[[], tuple[LockInfo | None, LockInfo | None]]


def wait_for_lock(
    attempt: Attempt, *, timeout: float, sleep: Callable[[float], None] = time.sleep
) -> LockInfo:
    """Call `attempt` (which returns the acquired lock, or None and what blocks it) until it
    succeeds or `timeout` seconds have passed; then raise naming the holder."""
    deadline = time.monotonic() + max(0.0, timeout)
    interval = 0.05
    while True:
        acquired, blocker = attempt()
        if acquired is not None:
            return acquired
        remaining = deadline - time.monotonic()
        if remaining <= 0 and blocker is None and remaining > -HOLDER_GRACE:
            # Taken, but its holder has not recorded who it is yet (PostgreSQL: the advisory
            # lock comes first, the holder row a moment later). Look again, to name it.
            remaining = 0.05
        elif remaining <= 0:
            if blocker is None:
                raise LockedError("state is locked by another session; try again")
            raise locked_error(blocker)
        sleep(min(interval, remaining))
        interval = min(interval * 2, 0.5)
