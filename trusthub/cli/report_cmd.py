"""`trusthub report --html FILE`: a status page to read in a browser or share."""

from __future__ import annotations

from pathlib import Path

import click

from trusthub.app.reporting import write_status_report
from trusthub.cli.context import AppContext


@click.command("report")
@click.option(
    "--html",
    "html_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (one self-contained HTML file).",
)
@click.option("--refresh", is_flag=True, help="Read Trust Hub first.")
@click.pass_obj
def report(app: AppContext, html_path: Path, refresh: bool) -> None:
    """Every profile and what it owns (trust products, brands, verifications, ...) with its
    status and for how long, what it waits on, rejections with Twilio's codes, meanings and
    fixes, and a timeline from the audit log. Filter and sort in the page; personal data is
    never in it."""
    page = write_status_report(app.settings, html_path, refresh=refresh)
    counts = ", ".join(f"{n} {s.replace('-', ' ')}" for s, n in page.counts.items() if n)
    click.echo(
        f"Wrote {html_path}: {len(page.profiles)} profile(s), {len(page.rows)} resource(s)"
        + (f" ({counts})" if counts else "")
        + "."
    )
