"""`trusthub report --html FILE`: the status page of the workspace, from the recorded state
(Trust Hub is read only with `refresh`) and the plan made against it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from trusthub.app.planning import load_valid, make_plan
from trusthub.app.session import Session
from trusthub.common.files import write_private
from trusthub.config.settings import Settings
from trusthub.report.status_html import render_status_html
from trusthub.report.status_page import StatusPage, build_status_page


def status_page(settings: Settings, *, refresh: bool, now: datetime | None = None) -> StatusPage:
    workspace = load_valid(settings)
    with Session(settings) as session:
        if refresh:
            session.refresh()
        planned = make_plan(settings, session.store, workspace)
        recorded = session.store.snapshot().by_name()
        events = session.store.audit()
    return build_status_page(
        planned.plan,
        recorded,
        events,
        workspace=settings.name,
        now=now or datetime.now(UTC),
    )


def write_status_report(settings: Settings, path: Path, *, refresh: bool) -> StatusPage:
    page = status_page(settings, refresh=refresh)
    write_private(path, render_status_html(page).encode("utf-8"))
    return page
