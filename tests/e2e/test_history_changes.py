"""`trusthub history` says what an update changed: a secondary rejected for its
representative's disposable email (18604) is fixed (the email, and its website) and
resubmitted; the update event lists both fields, the website in clear and the email masked
the way plans mask it (the domain of the new address; the old one fully masked), in text
and in the versioned JSON (golden files, times, actors, plan checksums and audit ids
normalised). The state holds the masks only, never an address."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.console import console_primaries
from tests.support.example import copy_example

GOLDEN = Path(__file__).parent / "golden"
OLD_EMAIL = "priya@mailinator.com"
NEW_EMAIL = "priya.raman@brightsmile-dental.example.com"


def _normalise(text: str) -> str:
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z", "<time>", text)
    text = re.sub(r"\b(?:sha256:)?[0-9a-f]{12,64}\b", "<plan>", text)
    text = re.sub(r"(?m)^\d+ +(?=<time>)", "<id>  ", text)  # the order parallel work finished
    text = re.sub(r'(?m)^(\s*"id": )\d+', r"\1<id>", text)
    text = re.sub(r"\b[A-Z]{2}[0-9a-f]{32}\b", "<sid>", text)
    text = re.sub(r"<sensitive:[0-9a-f]{4}>", "<sensitive:xxxx>", text)  # keyed by the lineage
    text = re.sub(r"[\w.-]+@(?!brightsmile)[\w.-]+(?=[\s\"])", "<actor>", text)
    return re.sub(r"(?<=\S) {2,}", "  ", text)  # column widths follow the actor's length


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    ws = tmp_path / "ws"
    copy_example(
        ws,
        settings="apiVersion: trusthub/v1\nkind: Workspace\nname: changes\n"
        "sandbox:\n  review_delay: 0\n",
    )
    path = ws / "profiles" / "brightsmile-dental.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(NEW_EMAIL, OLD_EMAIL), "utf-8")
    console_primaries(ws)
    return ws


def test_history_lists_the_fields_an_update_changed_masked_as_plans_mask_them(
    workspace: Path, golden: Callable[[str, Path], None]
) -> None:
    def run(*args: str) -> str:
        return run_cli(*args, workspace=workspace, code=None, catch_exceptions=False).stdout

    for _ in range(2):  # the secondary is submitted and rejected (18604)
        run("apply", "--auto-approve", "--parallelism", "1")
        run("refresh")
    assert "twilio-rejected" in run("status")
    path = workspace / "profiles" / "brightsmile-dental.yaml"
    text = path.read_text(encoding="utf-8").replace(OLD_EMAIL, NEW_EMAIL)
    path.write_text(
        text.replace(
            "https://brightsmile-dental.example.com\n",
            "https://www.brightsmile-dental.example.com\n",
        ),
        encoding="utf-8",
    )
    plan = run("plan")
    assert "~ update" in plan
    assert "↻ resubmit" in plan
    run("apply", "--auto-approve", "--parallelism", "1")

    history = run("history", "brightsmile-dental")
    assert (
        '    business.website: "https://brightsmile-dental.example.com" -> '
        '"https://www.brightsmile-dental.example.com"'
    ) in history
    assert re.search(
        r"    authorized_representatives\[0\]\.email: <sensitive:[0-9a-f]{4}> -> "
        r"•••@brightsmile-dental\.example\.com",
        history,
    )
    golden(_normalise(history), GOLDEN / "history-changes.txt")

    document = json.loads(run("history", "brightsmile-dental", "--format", "json"))
    assert document["format_version"] == 1
    updates = [e for e in document["events"] if e["action"] == "update"]
    assert len(updates) == 1
    assert [c["path"] for c in updates[0]["changes"]] == [
        "authorized_representatives[0].email",
        "business.website",
    ]
    assert updates[0]["changes"][1] == {
        "path": "business.website",
        "old": "https://brightsmile-dental.example.com",
        "new": "https://www.brightsmile-dental.example.com",
        "sensitive": False,
    }
    # Events without changes still carry the key, empty; the rest stays in `detail`.
    assert all(e["changes"] == [] for e in document["events"] if e["action"] != "update")
    assert any("reasons" in e["detail"] for e in document["events"])
    golden(
        _normalise(run("history", "brightsmile-dental", "--format", "json")),
        GOLDEN / "history-changes.json",
    )

    # Neither address reaches the output nor the state: only their masks.
    for output in (history, json.dumps(document)):
        assert OLD_EMAIL not in output
        assert NEW_EMAIL not in output
    db_path = workspace / ".trusthub" / "state.db"
    state = b"".join(p.read_bytes() for p in db_path.parent.glob("state.db*"))
    with sqlite3.connect(db_path) as db:
        details = " ".join(row[0] for row in db.execute("SELECT detail FROM audit"))
    assert "•••@brightsmile-dental.example.com" in details
    for email in (OLD_EMAIL, NEW_EMAIL):
        assert email not in details
        assert email.encode() not in state
