"""`trusthub report --html`: a self-contained status page, read in a real headless Chromium
at 1,000 profiles: statuses, reasons, filtering and sorting from the URL, no personal data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bench.bench_validate import generate_workspace
from tests.support import chromium
from tests.support.cli import run_cli
from trusthub.app.loading import load_workspace
from trusthub.common.json_path import leaves
from trusthub.config.settings_file import load_settings
from trusthub.model.kinds import PROFILE, desired_resources
from trusthub.model.privacy import fingerprint_key, is_sensitive
from trusthub.state import open_store

PROFILES = 1000
REJECTED = 25  # client-00001 .. client-00025
APPROVED = 500
REASON = "22218: The business registration number does not match the legal name"


class _Rows(HTMLParser):
    """The resource table's rows: their data-* attributes, `hidden`, and their text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self._in_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and any(k == "data-resource" for k, _ in attrs):
            self.rows.append({k: v or "" for k, v in attrs} | {"text": ""})
            self._in_row = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._in_row = False

    def handle_data(self, data: str) -> None:
        if self._in_row:
            self.rows[-1]["text"] += data


def _rows(dom: str) -> list[dict[str, str]]:
    parser = _Rows()
    parser.feed(dom)
    return parser.rows


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 profiles recorded as applied: the primary approved, half the clients approved
    some minutes ago, 25 rejected with Twilio's reason, the rest in review."""
    ws = tmp_path_factory.mktemp("report")
    generate_workspace(ws, PROFILES)
    (ws / "trusthub.yaml").write_text(
        "apiVersion: trusthub/v1\nkind: Workspace\nname: report\n", encoding="utf-8"
    )
    settings = load_settings(ws, environ={})
    loaded = load_workspace(settings, use_cache=False)
    with open_store(settings.state, settings.name) as store:
        key = fingerprint_key(store.meta().lineage)
        desired = desired_resources((n, d.data, d.path) for n, d in loaded.profiles.items())
        with store.transaction() as tx:
            for name, d in sorted(desired.items()):
                if d.kind != PROFILE:
                    continue
                tx.put_resource(
                    d.kind, name, spec=d.sealed(key).to_data(), spec_hash=d.spec_hash(key)
                )
                tx.set_status(d.kind, name, "draft", action="create", actor="test")
                tx.set_status(d.kind, name, "pending-review", action="submit", actor="test")
                index = 0 if name == "acme-isv" else int(name.split("-")[1])
                if index == 0 or index >= PROFILES - APPROVED:
                    tx.set_status(d.kind, name, "twilio-approved", action="refresh", actor="test")
                elif index <= REJECTED:
                    tx.set_status(
                        d.kind, name, "twilio-rejected", reasons=[REASON], action="refresh"
                    )
                else:
                    tx.set_status(d.kind, name, "in-review", action="refresh", actor="test")
    return ws


@pytest.fixture(scope="module")
def report(workspace: Path) -> Path:
    out = workspace / "out" / "status.html"
    result = run_cli("report", "--html", str(out), workspace=workspace)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: {PROFILES} profile(s)" in result.output
    return out


def test_the_page_shows_every_resource_with_its_status_and_reasons(report: Path) -> None:
    rows = _rows(chromium.dump_dom(report))
    profiles = {r["data-profile"] for r in rows}
    assert len(profiles) == PROFILES
    assert not any("hidden" in r for r in rows)
    rejected = [
        r
        for r in rows
        if r["data-resource"] == r["data-profile"] and r["data-standing"] == "rejected"
    ]
    assert len(rejected) == REJECTED
    for r in rejected:
        assert r["data-status"] == "twilio-rejected"
        assert "error 22218" in r["text"]
        assert "fix:" in r["text"]  # the meaning and what to fix, from trusthub's code table
    approved = [
        r for r in rows if r["data-resource"] == r["data-profile"] and r["data-standing"] == "done"
    ]
    assert len(approved) == APPROVED + 1  # and the primary
    # What a rejected client owns waits for the profile's approval, and says so.
    owned = [
        r
        for r in rows
        if r["data-profile"] == rejected[0]["data-profile"] and "/" in r["data-resource"]
    ]
    assert owned
    for r in owned:
        assert r["data-attention"] == "1"
        assert "to be twilio-approved (now twilio-rejected)" in r["text"]


def test_the_url_fragment_filters_and_sorts_in_the_page(report: Path) -> None:
    """A link carries the view: here the rejected profiles among client-0000x, oldest
    status first. One page load (each is several seconds at this size)."""
    dom = chromium.dump_dom(report, "standing=rejected&q=client-0000&sort=age&desc=1")
    rows = _rows(dom)
    visible = [r for r in rows if "hidden" not in r]
    expected = [f"client-{i:05d}" for i in range(1, 10)]
    assert sorted(r["data-profile"].rsplit("-", 1)[0] for r in visible) == expected
    assert {r["data-standing"] for r in visible} == {"rejected"}
    assert f'data-shown="{len(expected)}"' in dom
    assert f"{len(expected)} of {len(rows)} shown" in dom
    ages = [int(r["data-age"]) for r in visible]
    assert ages == sorted(ages, reverse=True)
    assert 'aria-sort="descending"' in dom


def test_no_personal_value_of_the_workspace_is_in_the_file(workspace: Path, report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    personal = set()
    for path in (workspace / "profiles").glob("*.yaml"):
        for json_path, value in leaves(
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        ):
            if is_sensitive(json_path) and isinstance(value, str | int) and len(str(value)) >= 4:
                personal.add(str(value))
    assert len(personal) > PROFILES  # phones, emails, names, registration numbers
    # One pass over the page's words instead of a search per value; values of several
    # words (a street) are looked for as they are.
    words = set(re.findall(r"[\w@.+-]+", html))
    found = sorted(
        v for v in personal if (v in words if re.fullmatch(r"[\w@.+-]+", v) else v in html)
    )
    assert found == []


def test_the_page_renders_to_a_screenshot(report: Path, tmp_path: Path) -> None:
    shot = chromium.screenshot(report, tmp_path / "status.png")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a page of text and colour, not a blank image


def test_the_page_loads_nothing_from_anywhere(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
