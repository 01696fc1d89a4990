"""Run a plan's actions in dependency order with bounded concurrency. A failed action stops
only what depends on it; a stop request (the first Ctrl-C) lets the actions in flight
finish and starts no other; the run always ends with a summary."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from trusthub.errors import TrusthubError
from trusthub.plan.model import Action, ActionId


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # action id -> why
    skipped: dict[str, str] = field(default_factory=dict)  # action id -> which failure
    not_started: list[str] = field(default_factory=list)  # left when a stop was requested

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.not_started

    @property
    def stopped(self) -> bool:
        return bool(self.not_started)


class _NotStarted(Exception):
    """Raised in a worker for an action it picked up after the stop request."""


def describe_failure(error: BaseException) -> str:
    """One line for the user. Never a traceback, never a credential. What Trust Hub
    answered arrives as the provider's errors, whose messages are written for this
    (`Twilio error 70002: ...`, `ConnectionError: ...`); anything else is a bug, named."""
    if isinstance(error, TrusthubError):
        return error.message
    return f"{type(error).__name__}: {str(error) or type(error).__name__}"


def execute(
    actions: Sequence[Action],
    run: Callable[[Action], None],
    *,
    parallelism: int,
    on_done: Callable[[Action, str | None], None] = lambda action, error: None,
    stop: threading.Event | None = None,
) -> Outcome:
    """Run `run(action)` for every action whose dependencies succeeded. Once `stop` is set,
    no action starts: those in flight finish (and are recorded by `run`), the rest are
    reported as not started."""
    stop = stop or threading.Event()
    outcome = Outcome()
    ids = {a.id for a in actions}
    pending = {a.id: a for a in actions}
    waiting_on = {a.id: {d for d in a.depends_on if d in ids} for a in actions}
    lock = threading.Lock()
    running: dict[Future[None], Action] = {}

    def ready() -> list[Action]:
        if stop.is_set():
            return []
        return [pending.pop(i) for i in [i for i in pending if not waiting_on[i]]]

    def guarded(action: Action) -> None:
        # The last check, in the worker, just before the action's first request.
        if stop.is_set():
            raise _NotStarted
        run(action)

    def skip_dependents(failed_id: ActionId) -> None:
        for other in list(pending):
            # A dependent skipped already, through another failed path of a diamond.
            if other not in pending:
                continue
            if failed_id in waiting_on[other]:
                outcome.skipped[str(other)] = str(failed_id)
                del pending[other]
                skip_dependents(other)

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply") as pool:
        for action in ready():
            running[pool.submit(guarded, action)] = action
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                action = running.pop(future)
                error = future.exception()
                with lock:
                    if isinstance(error, _NotStarted):
                        pending[action.id] = action  # reported with the others not started
                    elif error is None:
                        outcome.done.append(str(action.id))
                        for other in pending:
                            waiting_on[other].discard(action.id)
                        on_done(action, None)
                    else:
                        why = describe_failure(error)
                        outcome.failed[str(action.id)] = why
                        on_done(action, why)
                        skip_dependents(action.id)
            for action in ready():
                running[pool.submit(guarded, action)] = action
    outcome.not_started = sorted(str(i) for i in pending)
    return outcome
