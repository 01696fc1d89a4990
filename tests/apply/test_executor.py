from __future__ import annotations

import threading
import time

from trusthub.apply.executor import execute
from trusthub.errors import ApplyError
from trusthub.plan.model import Action, ActionId, Verb


def _action(name: str, verb: Verb = Verb.CREATE, deps: tuple[str, ...] = ()) -> Action:
    return Action(
        verb=verb, kind="profile", resource=name, profile=name,
        depends_on=tuple(ActionId.parse(d) for d in deps),
    )  # fmt: skip


def test_dependencies_run_first_and_failures_skip_dependents() -> None:
    order: list[str] = []
    lock = threading.Lock()
    actions = [
        _action("a"),
        _action("a", Verb.SUBMIT, ("a:create",)),
        _action("b"),
        _action("c", Verb.CREATE, ("b:create",)),
        _action("d", Verb.CREATE, ("c:create",)),
        _action("e"),
    ]

    def run(action: Action) -> None:
        if str(action.id) == "b:create":
            raise ApplyError("b broke")
        with lock:
            order.append(str(action.id))

    outcome = execute(actions, run, parallelism=3)
    assert order.index("a:create") < order.index("a:submit")
    assert outcome.failed == {"b:create": "b broke"}
    assert outcome.skipped == {"c:create": "b:create", "d:create": "c:create"}
    assert sorted(outcome.done) == ["a:create", "a:submit", "e:create"]
    assert not outcome.ok


def test_a_failure_reaching_a_dependent_by_two_paths_skips_it_once() -> None:
    # A primary's trust product follows both its adoption and its number assignment, which
    # follows the adoption too: a failed adoption reaches the product twice.
    actions = [
        _action("p", Verb.ADOPT),
        _action("p", Verb.ASSIGN, ("p:adopt",)),
        _action("p/cnam", Verb.CREATE, ("p:adopt", "p:assign")),
    ]

    def run(action: Action) -> None:
        if action.verb is Verb.ADOPT:
            raise ApplyError("no such SID")

    outcome = execute(actions, run, parallelism=2)
    assert outcome.failed == {"p:adopt": "no such SID"}
    assert set(outcome.skipped) == {"p:assign", "p/cnam:create"}


def test_parallelism_bounds_concurrency() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def run(action: Action) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    outcome = execute([_action(f"p{i}") for i in range(20)], run, parallelism=4)
    assert outcome.ok
    assert len(outcome.done) == 20
    assert peak == 4


def test_unexpected_errors_are_reported_in_one_line() -> None:
    def run(action: Action) -> None:
        raise ValueError("boom")

    outcome = execute([_action("x")], run, parallelism=1)
    assert outcome.failed == {"x:create": "ValueError: boom"}


def test_after_a_stop_request_no_action_starts_and_those_in_flight_finish() -> None:
    """The first Ctrl-C: actions already running complete; nothing else begins, not even
    an action a worker picks up a moment later, and the rest are reported."""
    stop = threading.Event()
    started: list[str] = []
    started_after_stop: list[str] = []
    lock = threading.Lock()
    actions = [_action(f"p{i:02}") for i in range(30)] + [
        _action(f"p{i:02}", Verb.SUBMIT, (f"p{i:02}:create",)) for i in range(30)
    ]

    def run(action: Action) -> None:
        late = stop.is_set()  # first: the executor's own check came just before this
        with lock:
            started.append(str(action.id))
            if late:
                started_after_stop.append(str(action.id))
            if len(started) == 7:
                stop.set()  # as the signal handler does, while others are in flight
        time.sleep(0.02)

    outcome = execute(actions, run, parallelism=4, stop=stop)
    assert started_after_stop == []
    assert sorted(outcome.done) == sorted(started)
    assert len(outcome.done) >= 7
    assert sorted(outcome.not_started) == sorted(
        str(a.id) for a in actions if str(a.id) not in started
    )
    assert outcome.stopped
    assert not outcome.ok
    assert outcome.failed == {}
    assert outcome.skipped == {}
