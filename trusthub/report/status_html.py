"""The status report as one self-contained HTML file (`trusthub report --html FILE`)."""

from __future__ import annotations

from trusthub.report.status_page import StatusPage
from trusthub.report.templates import environment


def render_status_html(page: StatusPage) -> str:
    return environment().get_template("status-report.html").render(page=page)
