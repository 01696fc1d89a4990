"""Validating with the facts of the other files (`trusthub validate FILE`, pre-commit)
finds what validating with whole profiles finds, without parsing unchanged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_validate import generate_workspace
from tests.validate.conftest import CASES, REPO, copy_tree
from trusthub.app import validation_cache
from trusthub.app.loading import load_workspace
from trusthub.app.validation_cache import fingerprint, load_cache
from trusthub.config.settings import Settings, default_settings
from trusthub.config.settings_file import load_settings
from trusthub.errors import ConfigError
from trusthub.load.documents import MAX_FILE_BYTES
from trusthub.load.profile_document import ProfileDoc, SourceLocator
from trusthub.rules import workspace_problems
from trusthub.rules.file_checks import check_profile_file
from trusthub.rules.workspace_facts import workspace_facts

WORKSPACES = [
    *sorted(p for p in CASES.iterdir() if (p / "profiles").is_dir()),
    REPO,
]


def _settings(workspace: Path) -> Settings:
    """The workspace's settings, with the defaults its profiles inherit (the example's
    trusthub.yaml has some); the corpus cases whose trusthub.yaml is broken on purpose get
    the default settings."""
    try:
        return load_settings(workspace, environ={})
    except ConfigError:
        return default_settings(workspace)


def _files(workspace: Path) -> list[Path]:
    return sorted((workspace / "profiles").glob("*.y*ml"))


@pytest.mark.parametrize("case", WORKSPACES, ids=lambda p: p.name)
def test_workspace_rules_find_the_same_on_facts_as_on_whole_profiles(case: Path) -> None:
    loaded = load_workspace(_settings(case), use_cache=False)
    whole = list(loaded.profiles.values())
    facts = [
        ProfileDoc(d.name, d.path, workspace_facts(d.data), SourceLocator(d.path, None))
        for d in whole
    ]
    assert [(p.rule, p.message, p.json_path) for p in workspace_problems(facts)] == [
        (p.rule, p.message, p.json_path) for p in workspace_problems(whole)
    ]


@pytest.mark.parametrize("case", WORKSPACES, ids=lambda p: p.name)
def test_facts_only_validation_reports_as_whole_validation(case: Path, tmp_path: Path) -> None:
    workspace = copy_tree(case, tmp_path / "ws")
    settings = _settings(workspace)
    reference = load_workspace(settings, use_cache=False).problems
    cold = load_workspace(settings, whole=False)  # writes the cache
    warm = load_workspace(settings, whole=False)  # reads its facts part
    assert cold.problems == reference
    assert warm.problems == reference
    for path in _files(workspace):  # one file at a time, the others from the cache
        one = load_workspace(settings, [path], whole=False).problems
        assert one == load_workspace(settings, [path], use_cache=False).problems
    # The whole results a facts-only run kept are those a whole run finds.
    assert load_workspace(settings).problems == reference


def test_one_changed_file_is_the_only_one_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = generate_workspace(tmp_path, 60)
    settings = default_settings(tmp_path)
    assert load_workspace(settings, whole=False).problems == []
    changed = paths[7]
    # Its number is another profile's now: a cross-file rule must see the other file.
    other_number = paths[9].read_text().split("phone_numbers: [")[1].split(",")[0].split("]")[0]
    text = changed.read_text()
    own = text.split("phone_numbers: [")[1].split("]")[0]
    changed.write_text(text.replace(f"phone_numbers: [{own}]", f"phone_numbers: [{other_number}]"))
    parsed: list[str] = []

    def counting(path: Path, display: str, *args: object, **kwargs: object) -> object:
        parsed.append(display)
        return check_profile_file(path, display, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("trusthub.app.loading.check_profile_file", counting)
    problems = load_workspace(settings, [changed], whole=False).problems
    assert parsed == [changed.relative_to(tmp_path).as_posix()]
    assert [p.rule for p in problems] == ["phone-number-unique"]
    # The whole cache holds the changed file's new result beside the others' old ones.
    whole = load_cache(settings.state_dir / "cache", fingerprint(MAX_FILE_BYTES))
    assert len(whole) == 60
    data = whole[parsed[0]].data
    assert data is not None
    assert other_number.strip('"') in data["phone_numbers"]


def test_many_fresh_results_are_folded_into_the_whole_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = generate_workspace(tmp_path, 12)
    settings = default_settings(tmp_path)
    cache_dir = settings.state_dir / "cache"
    stamp = fingerprint(MAX_FILE_BYTES)
    assert load_workspace(settings).problems == []  # a whole run writes both files
    monkeypatch.setattr(validation_cache, "MAX_FRESH", 2)
    for round_, path in enumerate(paths[1:5]):
        path.write_text(path.read_text().replace("Street", f"Road {round_}"))
        assert load_workspace(settings, [path], whole=False).problems == []
        fresh = validation_cache.load_facts(cache_dir, stamp).fresh
        assert len(fresh) == (0 if round_ == 2 else round_ % 3 + 1)  # folded at the third
    whole = load_cache(cache_dir, stamp)
    for round_, path in enumerate(paths[1:5]):
        data = whole[path.relative_to(tmp_path).as_posix()].data
        assert data is not None
        assert f"Road {round_}" in data["address"]["street"]
