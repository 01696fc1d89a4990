"""Helpers of the state tests: recording resources tersely, and driving a second process."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from trusthub.state import StateStore

REPO = Path(__file__).resolve().parents[2]


def add_profile(store: StateStore, name: str, *, status: str | None = "draft", **spec: Any) -> None:
    """Record a profile as an apply would: spec, then its first status."""
    kind = "trust_product" if "/" in name else "profile"
    with store.transaction() as tx:
        tx.put_resource(kind, name, spec=spec or {"name": name}, spec_hash=f"hash-{name}")
        if status is not None:
            tx.set_status(kind, name, status, action="create")


class Worker:
    """`tests.state.worker` in its own process."""

    def __init__(self, mode: str, location: str, workspace: str, timeout: float = 0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.state.worker", mode, location, workspace, str(timeout)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.proc.stdout as stream:  # closed once the worker has closed its end
            for text in stream:
                self._lines.put(text.strip())
        self._lines.put(None)  # it exited

    @property
    def pid(self) -> int:
        return self.proc.pid

    def line(self, timeout: float = 20) -> str | None:
        """The next line it prints; None if none comes within `timeout` seconds."""
        try:
            text = self._lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if text is None:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise AssertionError(f"the worker exited early: {err}")
        return text

    def expect(self, prefix: str, timeout: float = 20) -> str:
        text = self.line(timeout)
        assert text is not None, f"expected {prefix!r}, got nothing"
        assert text.startswith(prefix), f"expected {prefix!r}, got {text!r}"
        return text

    def finish(self) -> list[str]:
        """Close its stdin (so it lets go); the rest of what it prints."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0, self.proc.stderr.read() if self.proc.stderr else ""
        rest = []
        while (text := self._lines.get(timeout=10)) is not None:
            rest.append(text)
        self._close_pipes()
        return rest

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._close_pipes()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        """Our ends of stdin and stderr (stdout is the reader thread's, closed at its end)."""
        for stream in (self.proc.stdin, self.proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()
