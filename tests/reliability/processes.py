"""Real `trusthub` processes that the tests start, read line by line, and kill."""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from tests.reliability.conftest import TIMEOUT, TRUSTHUB, child_env


class Process:
    """`trusthub -C ws ARGS` in the background. Its stdout is read by a thread (so the pipe
    never fills up and lines can be awaited with a timeout); stderr goes to a file."""

    def __init__(
        self, ws: Path, *args: str, env: Mapping[str, str] | None = None, log: Path
    ) -> None:
        self.args = args
        self.lines: list[str] = []
        self._eof = False
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stderr = log.open("w", encoding="utf-8")
        self.log = log
        self.proc = subprocess.Popen(
            [*TRUSTHUB, "-C", str(ws), *args],
            env=child_env(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        assert self.proc.stdout is not None
        self._reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self, stream: IO[str]) -> None:
        with stream:  # closed once the process has closed its end
            for line in stream:
                self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next_line(self, timeout: float = TIMEOUT) -> str | None:
        """The next stdout line; None once the process closed its stdout."""
        if self._eof:
            return None
        try:
            line = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.args}: no output for {timeout} s") from None
        if line is None:
            self._eof = True
        else:
            self.lines.append(line)
        return line

    def wait_for(self, *starts: str, timeout: float = TIMEOUT) -> str | None:
        """Read up to the first line starting with one of `starts`; None at end of output."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.0, deadline - time.monotonic()))
            if line is None or line.startswith(starts):
                return line

    def kill(self) -> None:
        """SIGKILL, no chance to clean up."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)

    def finish(self, timeout: float = TIMEOUT) -> int:
        """Wait for the end; drain stdout; return the exit code (negative: the signal)."""
        code = self.proc.wait(timeout=timeout)
        while self.next_line(timeout) is not None:
            pass
        self._reader.join(timeout)
        self._stderr.close()
        return code

    @property
    def stdout(self) -> str:
        return "\n".join(self.lines)

    @property
    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
        self._reader.join(TIMEOUT)  # it closes stdout
        self._stderr.close()
