"""The saved-plan file (`plan --out`, `apply FILE`): written privately and atomically, read
back, checked against a fresh plan; anything else is refused with a clear error."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.support.example import copy_example
from trusthub.app.planning import Planned, load_valid, make_plan
from trusthub.app.saved_plans import (
    SAVED_PLAN_KIND,
    read_saved_plan,
    saved_plan_data,
    write_saved_plan,
)
from trusthub.config.settings import Settings
from trusthub.config.settings_file import load_settings
from trusthub.errors import LoadError, PlanError
from trusthub.state import open_store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    copy_example(tmp_path / "ws")
    return load_settings(tmp_path / "ws", environ={})


def _planned(settings: Settings) -> Planned:
    workspace = load_valid(settings)
    with open_store(settings.state, settings.name) as store:
        return make_plan(settings, store, workspace)


def test_a_saved_plan_round_trips_and_matches_its_plan(settings: Settings, tmp_path: Path) -> None:
    planned = _planned(settings)
    path = tmp_path / "out" / "plan.json"
    write_saved_plan(path, planned, settings.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["plan.json"]  # no temporary left
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == saved_plan_data(planned, settings.name)
    assert data["kind"] == SAVED_PLAN_KIND
    assert data["workspace"] == settings.name
    saved = read_saved_plan(path)
    saved.check(_planned(settings))  # nothing moved: accepted


def test_a_saved_plan_is_refused_once_the_workspace_changed(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "plan.json"
    write_saved_plan(path, _planned(settings), settings.name)
    (settings.profiles_dir / "jordan-rivera.yaml").unlink()
    with pytest.raises(PlanError, match="no longer matches the workspace: the profiles changed"):
        read_saved_plan(path).check(_planned(settings))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"kind": "something-else"}', "is not a plan saved by `trusthub plan --out`"),
        ("[1, 2]", "is not a plan saved by `trusthub plan --out`"),
        ('{"kind": "trusthub-plan", "plan": [1]}', "is not a plan saved by `trusthub plan --out`"),
        ('{"kind": ', ":1:10: not a saved plan (invalid JSON: Expecting value)"),
    ],
)
def test_a_file_that_is_not_a_saved_plan_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LoadError) as e:
        read_saved_plan(path)
    assert message in e.value.message


def test_a_missing_saved_plan_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read the saved plan"):
        read_saved_plan(tmp_path / "missing.json")


def test_a_plan_that_cannot_be_saved_is_an_error_not_a_bug(
    settings: Settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(PlanError, match="cannot save the plan to"):
        write_saved_plan(blocker / "plan.json", _planned(settings), settings.name)
