"""A rename is declared (`moved: {from: OLD}`, as Terraform's `moved` block) and planned
as a rename: the state records the profile and what it owns under the new name, nothing is
deleted or created on Twilio (issue 11, item 6)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Run
from trusthub.config.settings_file import load_settings
from trusthub.plan.moves import renamed_in, resolve
from trusthub.sandbox import Sandbox
from trusthub.state import open_store


def _rename(workspace: Path, old: str, new: str) -> None:
    path = workspace / "profiles" / f"{old}.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"\nname: {old}\n" in text
    text = text.replace(f"\nname: {old}\n", f"\nname: {new}\nmoved: {{from: {old}}}\n")
    (workspace / "profiles" / f"{new}.yaml").write_text(text, encoding="utf-8")
    path.unlink()


def _bundles(workspace: Path) -> int:
    with Sandbox.from_settings(load_settings(workspace)) as sb:
        return len(sb.client().trusthub.v1.customer_profiles.list())


def test_a_declared_rename_moves_the_record_and_touches_nothing_on_twilio(
    workspace: Path, run: Run
) -> None:
    run("apply", "--auto-approve")
    before = _bundles(workspace)
    _rename(workspace, "brightsmile-dental", "brightsmile")
    plan = run("plan").stdout
    assert "→ move      brightsmile  [brightsmile-dental -> brightsmile]" in plan, plan
    assert "- delete" not in plan, plan
    assert "+ create    brightsmile " not in plan, plan
    assert "1 to rename." in plan
    done = run("apply", "--auto-approve").stdout
    assert "recorded brightsmile-dental as brightsmile" in done, done
    assert _bundles(workspace) == before  # nothing made or deleted
    with open_store(str(workspace / ".trusthub" / "state.db"), "e2e") as store:
        names = {r.name for r in store.snapshot()}
        assert "brightsmile" in names
        assert not any(n.startswith("brightsmile-dental") for n in names)
        assert "brightsmile/messaging-service-offers" in names  # what it owns moved too
        moved = [e for e in store.audit("brightsmile") if e.action == "move"]
        assert {(e.name, e.detail["from"]) for e in moved} >= {
            ("brightsmile", "brightsmile-dental"),
            ("brightsmile/messaging-service-offers", "brightsmile-dental/messaging-service-offers"),
        }
    # The `moved:` line may stay: a rename already recorded plans nothing.
    again = run("plan", "--no-refresh").stdout
    assert "move" not in again, again


def test_moves_resolve_only_what_the_state_records() -> None:
    moves = resolve(
        {"b": "a", "c": "gone", "d": "d"},
        desired={"b", "c", "d"},
        recorded={"a", "a/cnam", "ab", "d"},
    )
    assert moves.profiles == {"b": "a"}
    assert moves.renames == {"b": "a", "b/cnam": "a/cnam"}  # not "ab"
    assert moves.problems == ("d: `moved: {from: d}` names the profile itself; remove it",)
    # The old profile still in the workspace, or claimed twice: said, with the fix.
    clash = resolve({"b": "a", "c": "a"}, desired={"a", "b", "c"}, recorded={"a"})
    assert clash.problems == (
        "b declares `moved: {from: a}`, but a is still in the workspace; remove one of them",
        "b and c both declare `moved: {from: a}`; keep one",
    )
    both = resolve({"b": "a"}, desired={"b"}, recorded={"a", "b"})
    assert both.profiles == {}
    assert "the state records both" in both.problems[0]
    assert renamed_in({"name": "a", "service": "a/x", "other": "ab"}, "a", "b") == {
        "name": "b",
        "service": "b/x",
        "other": "ab",
    }
