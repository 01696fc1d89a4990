"""One error hierarchy, one location type, one exit-code table.

Problems found in user input (schema and rule findings) are values (`Problem`), collected
and reported together. A `TrusthubError` stops the run; the CLI maps it to an exit code in
exactly one place (`trusthub.cli.main.TrusthubGroup`).
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from typing import ClassVar, Literal


class ExitCode(enum.IntEnum):
    OK = 0
    PROBLEMS = 1  # invalid input, refused plan, stale plan, apply failure
    USAGE = 2  # bad command-line usage (click's own code)
    INTERNAL = 3  # a bug: please report it
    CHANGES = 4  # plan --detailed-exitcode: the plan has changes to make
    LOCKED = 5  # the state is locked by another run
    INTERRUPTED = 130
    READER_GONE = 141  # 128 + SIGPIPE: stdout's reader closed it (`| head`)


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class Location:
    """Where something is: a file, and 1-based line and column when known.

    Ordered by file, line, column, a missing line (or column) before line (or column) 1,
    so that any mix of locations sorts: file-level ones first in each file."""

    path: str
    line: int | None = None
    column: int | None = None

    def sort_key(self) -> tuple[str, bool, int, bool, int]:
        # (known, value) pairs: None before every number, and equal keys iff equal fields.
        line, column = self.line, self.column
        return (self.path, line is not None, line or 0, column is not None, column or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """A finding in user input. Ordered by its fields in turn: location (file, line,
    column), rule, message, severity, JSON path; so plain `sorted()` lists problems as
    they are reported."""

    location: Location
    rule: str  # stable kebab-case id, e.g. "registration-number-format"
    message: str
    severity: Severity = "error"
    json_path: str = field(default="$")  # e.g. "$.business.registration.number"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity} [{self.rule}] {self.message}"


class TrusthubError(Exception):
    """Base of every error raised on purpose. Its message is shown to the user as is."""

    exit_code: ClassVar[ExitCode] = ExitCode.PROBLEMS

    def __init__(self, message: str, *, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class LoadError(TrusthubError):
    """A file could not be read or parsed."""


class ConfigError(TrusthubError):
    """trusthub.yaml or a command-line setting is wrong."""


class StateError(TrusthubError):
    """The recorded state is missing, corrupt, or from a newer version."""


class LockedError(StateError):
    """Another run holds the state lock."""

    exit_code = ExitCode.LOCKED


class PlanError(TrusthubError):
    """A plan cannot be made or used (stale saved plan, unsafe plan without --force)."""


class ProviderError(TrusthubError):
    """Trust Hub (or the sandbox) answered with an error we cannot recover from."""


class ApplyError(TrusthubError):
    """One or more actions of an apply failed."""


class ApplyInterrupted(ApplyError):
    """An apply stopped by a signal: what was in flight finished, the rest never started."""

    exit_code = ExitCode.INTERRUPTED
