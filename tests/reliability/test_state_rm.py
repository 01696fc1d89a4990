"""`trusthub state rm NAME` (issue 11): stop managing a profile and what belongs to it
without deleting anything on Trust Hub, audited; refused where it would not hold."""

from __future__ import annotations

import json

from tests.reliability.checks import read_sandbox
from tests.reliability.conftest import MakeWorkspace, invoke, settings_of
from trusthub.errors import ExitCode


def _counts(ws: object) -> dict[str, int]:
    sandbox = read_sandbox(settings_of(ws).sandbox.database)  # type: ignore[arg-type]
    return {kind: len(rows) for kind, rows in sandbox.rows.items()}


def test_state_rm_forgets_a_profile_and_its_products_and_leaves_trust_hub_alone(
    make_workspace: MakeWorkspace, no_state_env: None
) -> None:
    ws = make_workspace("rm", review_delay=0)
    # Profiles, then their trust products once approved, brands, then campaigns on them.
    for _ in range(8):
        if "Nothing to apply" in invoke(ws, "apply", "--auto-approve").stdout:
            break
    before = _counts(ws)
    shown = json.loads(invoke(ws, "state", "show", "--format", "json").stdout)
    profile = ws / "profiles" / "acme-isv.yaml"

    # Its file is still there: the next plan would create it again.
    kept = invoke(ws, "state", "rm", "maple-leaf-freight", code=ExitCode.PROBLEMS)
    assert "still has its file profiles/maple-leaf-freight.yaml" in kept.stderr, kept.stderr
    # A primary that secondaries in the workspace lean on.
    held = profile.read_text(encoding="utf-8")
    profile.unlink()
    leaned = invoke(ws, "state", "rm", "acme-isv", code=ExitCode.PROBLEMS)
    assert "acme-isv is the primary of" in leaned.stderr, leaned.stderr
    profile.write_text(held, encoding="utf-8")
    product = invoke(ws, "state", "rm", "acme-isv/cnam", code=ExitCode.PROBLEMS)
    assert "acme-isv/cnam still has its file profiles/acme-isv.yaml" in product.stderr
    unknown = invoke(ws, "state", "rm", "initech", code=ExitCode.PROBLEMS)
    assert "'initech' is not in the state" in unknown.stderr

    (ws / "profiles" / "maple-leaf-freight.yaml").unlink()
    plan = invoke(ws, "plan", "--no-refresh", code=None)
    assert "refused" in plan.stdout
    assert "or stop managing it with `trusthub state rm maple-leaf-freight`" in plan.stdout
    done = invoke(ws, "state", "rm", "maple-leaf-freight")
    assert "forgot maple-leaf-freight/a2p_messaging" in done.stdout, done.stdout
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("forgot maple-leaf-freight ")]
    assert line.startswith("forgot maple-leaf-freight (left on Trust Hub: address AD"), line
    assert ", bundle BU" in line
    assert "nothing on Trust Hub was deleted" in done.stdout

    assert _counts(ws) == before  # not one object deleted or made
    after = json.loads(invoke(ws, "state", "show", "--format", "json").stdout)
    assert after["resources"]["total"] < shown["resources"]["total"]
    plan = invoke(ws, "plan", "--no-refresh", "--detailed-exitcode")
    assert "maple-leaf-freight" not in plan.stdout
    history = json.loads(invoke(ws, "history", "maple-leaf-freight", "--format", "json").stdout)[
        "events"
    ]
    last = history[-1]
    assert last["action"] == "rm"
    assert last["detail"]["left_on_trust_hub"]["bundle"].startswith("BU")
