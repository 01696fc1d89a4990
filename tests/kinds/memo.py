"""A kind that exists only in the tests: a "memo" filed for every secondary profile, with a
review lifecycle of its own (not Trust Hub's statuses) and a provider of its own (an
in-memory fake). Registering it touches no engine code: one class per layer."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trusthub.apply.converge import Converger
from trusthub.apply.kinds import APPLIERS, KindApplier, Observation
from trusthub.model.desired import DesiredResource
from trusthub.model.kinds import KINDS, PROFILE, ResourceKind
from trusthub.model.lifecycle import Lifecycle
from trusthub.plan.kinds import PLANNERS, KindPlanner, PlanView
from trusthub.plan.model import ActionId, Verb
from trusthub.provider.api import Remote

MEMO = "memo"


class MemoKind(ResourceKind):
    name = MEMO
    lifecycle = Lifecycle(
        draft="DRAFT",
        submitted="FILED",
        approved="ACCEPTED",
        rejected="RETURNED",
        statuses=("DRAFT", "FILED", "ACCEPTED", "RETURNED"),
        editable=frozenset({"DRAFT", "RETURNED"}),
        deletable=frozenset({"DRAFT", "RETURNED", "ACCEPTED"}),
        submittable=frozenset({"DRAFT", "RETURNED"}),
        under_review=frozenset({"FILED"}),
        review_outcome="FILED -> ACCEPTED | RETURNED",
    )
    immutable_fields = ("topic",)
    root_role = "memo"
    remote_paths = ("/v1/Memos",)  # served by the fake, not by the sandbox

    def resources(
        self, profile: str, data: Mapping[str, Any], path: str
    ) -> Iterable[DesiredResource]:
        if data.get("role") != "secondary":
            return
        business = data.get("business") or {}
        yield DesiredResource(
            kind=MEMO,
            name=f"{profile}/memo",
            profile=profile,
            attributes={"topic": "onboarding", "text": f"memo for {business.get('legal_name')}"},
            numbers=(),
            submit=True,
            path=path,
        )


class MemoPlanner(KindPlanner):
    kind = MemoKind()

    def create_after(self, d: DesiredResource, view: PlanView) -> Sequence[ActionId]:
        return [ActionId(d.profile, Verb.CREATE)]


@dataclass
class FakeMemo:
    sid: str
    friendly_name: str
    text: str
    status: str = "DRAFT"
    created: datetime = datetime(2026, 12, 1, tzinfo=UTC)


class FakeMemoService:
    """The provider of memos: what a real one would answer, in memory."""

    def __init__(self) -> None:
        self.memos: dict[str, FakeMemo] = {}
        self.calls: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def create(self, friendly_name: str, text: str) -> str:
        with self._lock:
            sid = f"ME{next(self._ids):032x}"
            self.memos[sid] = FakeMemo(sid, friendly_name, text)
            self.calls.append(f"create {sid}")
            return sid

    def find(self, friendly_name: str) -> list[Remote]:
        return [
            Remote(m.sid, m.friendly_name, MEMO, m.created)
            for m in self.memos.values()
            if m.friendly_name == friendly_name
        ]

    def update(self, sid: str, text: str) -> None:
        self.calls.append(f"update {sid}")
        self.memos[sid].text = text

    def submit(self, sid: str) -> str:
        self.calls.append(f"submit {sid}")
        self.memos[sid].status = "FILED"
        return "FILED"

    def delete(self, sid: str) -> None:
        self.calls.append(f"delete {sid}")
        self.memos.pop(sid, None)


class MemoApplier(KindApplier):
    kind = MemoKind()

    def __init__(self, service: FakeMemoService) -> None:
        self.service = service

    def converge(self, c: Converger, d: DesiredResource, *, update: bool) -> None:
        fname = f"memo {d.name}"
        text = str(d.attributes["text"])
        sid, new = c.ensure(
            "memo",
            create=lambda: self.service.create(fname, text),
            find=lambda: self.service.find(fname),
            delete=self.service.delete,
        )
        if update and not new:
            self.service.update(sid, text)

    def submit(self, c: Converger) -> None:
        sid = c.rec.sids(MEMO, c.name)["memo"]
        status = self.service.submit(sid)
        c.rec.status(MEMO, c.name, status, action=c.action.verb.value)

    def delete(self, c: Converger) -> None:
        sid = c.rec.sids(MEMO, c.name).get("memo")
        if sid is not None:
            self.service.delete(sid)
        c.rec.removed(MEMO, c.name, action=c.action.verb.value)

    def observe(self, api: Any, sids: Mapping[str, str]) -> Observation | None:
        sid = sids.get("memo")
        if sid is None:
            return None
        memo = self.service.memos[sid]
        return Observation(memo.status, (), None)


@contextmanager
def memo_kind_registered(service: FakeMemoService) -> Iterator[None]:
    """The memo kind in every layer's registry, for the length of a test."""
    assert PROFILE in KINDS
    KINDS.register(MemoKind())
    PLANNERS[MEMO] = MemoPlanner()
    APPLIERS[MEMO] = MemoApplier(service)
    try:
        yield
    finally:
        KINDS.unregister(MEMO)
        del PLANNERS[MEMO]
        del APPLIERS[MEMO]
