"""Ways out that Twilio offers, end to end through the CLI on the sandbox: a rejected
profile whose cause lay outside the YAML resubmitted unchanged (`plan --resubmit` shows it,
`apply --resubmit` does it), and an approved CNAM trust product deleted when its YAML
entry goes, while an approved SHAKEN/STIR one is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.console import console_primaries
from tests.support.example import copy_example, write_settings
from trusthub.app.target import open_target
from trusthub.config.settings import default_settings
from trusthub.config.settings_file import read_settings_file
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRUSTHUB_STATE", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    ws = tmp_path / "ws"
    copy_example(ws)
    write_settings(
        ws,
        "apiVersion: trusthub/v1\nkind: Workspace\nname: ways-out\nsandbox:\n  review_delay: 0\n",
    )
    console_primaries(ws)  # made in the Twilio Console, approved
    for _ in range(2):  # the secondaries are submitted and approved, then their products
        run_cli("apply", "--auto-approve", workspace=ws, code=0)
        run_cli("refresh", workspace=ws, code=0)
    return ws


def run(ws: Path, *args: str, code: int | None = 0) -> str:
    return run_cli(*args, workspace=ws, code=code, catch_exceptions=False).stdout


def test_a_rejected_profile_is_resubmitted_unchanged_on_request(workspace: Path) -> None:
    run(workspace, "sandbox", "reject", "maple-leaf-freight",
        "--reason", "[website] - The website did not answer.")  # fmt: skip
    run(workspace, "refresh")
    waiting = run(workspace, "plan", "--no-refresh")
    assert "fix what the review found and plan will resubmit it" in waiting

    planned = run(workspace, "plan", "--no-refresh", "--resubmit", "maple-leaf-freight")
    line = next(x for x in planned.splitlines() if "resubmit" in x and "maple-leaf" in x)
    assert line.split() == ["↻", "resubmit", "maple-leaf-freight", "[twilio-rejected", "->",
                            "pending-review]"]  # fmt: skip
    assert (
        "resubmitted unchanged on request (--resubmit maple-leaf-freight): the cause of the "
        "rejection lay outside the YAML" in planned
    )

    run(workspace, "apply", "--auto-approve", "--resubmit", "maple-leaf-freight")
    run(workspace, "refresh")
    status = run(workspace, "status")
    row = next(x for x in status.splitlines() if x.startswith("maple-leaf-freight"))
    # (after the ACCOUNT column: the example has a client in a subaccount)
    assert row.split()[4] == "twilio-approved"  # the reviewer found nothing wrong this time
    history = run(workspace, "history", "maple-leaf-freight")
    assert any(x.split()[3:6] == ["resubmit", "twilio-rejected", "pending-review"]
               for x in history.splitlines())  # fmt: skip

    # Nothing rejected any more: asking again is refused, with why.
    again = run(workspace, "plan", "--no-refresh", "--resubmit", "maple-leaf-freight", code=1)
    assert (
        "maple-leaf-freight is twilio-approved: only a twilio-rejected resource can be "
        "resubmitted (--resubmit maple-leaf-freight)" in again
    )


def test_a_saved_plan_keeps_its_resubmissions(workspace: Path) -> None:
    run(workspace, "sandbox", "reject", "maple-leaf-freight",
        "--reason", "[website] - The website did not answer.")  # fmt: skip
    run(workspace, "refresh")
    saved = workspace / "plan.json"
    run(workspace, "plan", "--no-refresh", "--resubmit", "maple-leaf-freight", "--out", str(saved))
    mixed = run_cli("apply", str(saved), "--resubmit", "maple-leaf-freight", workspace=workspace)
    assert mixed.exit_code == 1
    assert "--resubmit goes with `trusthub plan --out FILE`, not with a saved plan" in (
        mixed.stderr
    )
    applied = run(workspace, "apply", str(saved), "--auto-approve")
    assert "maple-leaf-freight" in applied
    history = run(workspace, "history", "maple-leaf-freight")
    assert any(x.split()[3:6] == ["resubmit", "twilio-rejected", "pending-review"]
               for x in history.splitlines())  # fmt: skip


def test_an_approved_cnam_trust_product_is_deleted_when_its_entry_goes(workspace: Path) -> None:
    path = workspace / "profiles" / "acme-isv.yaml"
    original = path.read_text(encoding="utf-8")
    assert "CNAM: twilio-approved" in run(workspace, "status")
    without_cnam = original.replace("  cnam:\n    display_name: ACME MESSAGING\n", "")
    path.write_text(without_cnam.replace("  shaken_stir: {}\n", ""), encoding="utf-8")
    both = run(workspace, "plan", "--no-refresh", code=1)
    assert "  - delete    CNAM acme-isv/cnam  [twilio-approved -> (deleted)]\n" in both
    assert (
        "delete the twilio-approved trust product acme-isv/cnam: Twilio lets a CNAM trust "
        "product be deleted; its numbers lose what it gave them" in both
    )
    assert (
        "acme-isv/shaken_stir is twilio-approved: Trust Hub deletes only draft or "
        "twilio-rejected bundles" in both
    )

    path.write_text(without_cnam, encoding="utf-8")
    settings = read_settings_file(workspace / "trusthub.yaml", default_settings(workspace))
    with open_store(settings.state, settings.name) as store:
        cnam = store.sids("trust_product", "acme-isv/cnam")["bundle"]
        shaken = store.sids("trust_product", "acme-isv/shaken_stir")["bundle"]
    run(workspace, "apply", "--auto-approve")
    client = open_target(settings).retrying.inner.sandbox.client()
    sids = {p.sid for p in client.trusthub.v1.trust_products.list()}
    assert cnam not in sids
    assert shaken in sids
    assert "acme-isv/cnam" not in run(workspace, "plan", "--no-refresh")
