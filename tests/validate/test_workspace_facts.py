"""Validating with the facts of the other files (`trusthub validate FILE`, pre-commit)
finds what validating with whole profiles finds, without parsing unchanged files."""

from __future__ import annotations

import os
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
from trusthub.load.documents import MAX_FILE_BYTES, read_limited
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


def _age(paths: list[Path], seconds: int) -> None:
    """Set the files' mtimes `seconds` back: settled, as files are that were not just
    written (ctime stays now: only the guard on the mtime is pushed back)."""
    for path in paths:
        info = path.stat()
        back = seconds * 1_000_000_000
        os.utime(path, ns=(info.st_atime_ns - back, info.st_mtime_ns - back))


def _read_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display paths whose bytes `_unchanged` reads (and hashes) from now on."""
    read: list[str] = []

    def counting(path: Path, display: str, **kwargs: int) -> bytes:
        read.append(display)
        return read_limited(path, display, **kwargs)

    monkeypatch.setattr("trusthub.app.loading.read_limited", counting)
    return read


def _taking_a_number(path: Path, other: Path) -> str:
    """`path`'s text with `other`'s phone number for its own: as long, and a problem."""
    text = path.read_text()
    own = text.split("phone_numbers: [")[1].split("]")[0]
    number = other.read_text().split("phone_numbers: [")[1].split("]")[0]
    assert len(own) == len(number)
    return text.replace(f"phone_numbers: [{own}]", f"phone_numbers: [{number}]")


def test_settled_files_are_trusted_by_their_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files unchanged since a run that read them (and changed long enough before it) are
    not read again; the changed one is."""
    paths = generate_workspace(tmp_path, 8)
    settings = default_settings(tmp_path)
    assert load_workspace(settings, whole=False).problems == []  # checks: nothing recorded
    monkeypatch.setattr(validation_cache, "SETTLE_NS", 0)  # the ctimes are this second's
    assert load_workspace(settings, whole=False).problems == []  # reads, hashes, records
    read = _read_files(monkeypatch)
    changed = paths[3]
    changed.write_text(changed.read_text().replace("Street", "Road"))
    assert load_workspace(settings, [changed], whole=False).problems == []
    assert read == [changed.relative_to(tmp_path).as_posix()]


def test_an_edit_keeping_size_and_mtime_is_seen(tmp_path: Path) -> None:
    """The same size, the mtime put back (`touch -r`, an editor, `cp -p`), the same inode
    (written in place): the ctime, which nothing can put back, tells."""
    paths = generate_workspace(tmp_path, 4)
    settings = default_settings(tmp_path)
    _age(paths, 3600)
    assert load_workspace(settings, whole=False).problems == []
    assert load_workspace(settings, whole=False).problems == []  # recorded by their stat
    changed = paths[2]
    before = changed.stat()
    with changed.open("r+") as file:  # in place: the inode stays
        file.write(_taking_a_number(changed, paths[1]))
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = changed.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    problems = load_workspace(settings, [changed], whole=False).problems
    assert [p.rule for p in problems] == ["phone-number-unique"]


def test_an_edit_within_the_same_second_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file edited right after the run that read it, within the file system's timestamp
    resolution (here whole seconds, as FAT and some network file systems keep them: its
    stat before and after the edit is the same): it changed too recently for its stat to
    be trusted (the racy-git guard), so it is read again."""

    def whole_seconds(path: Path, max_bytes: int) -> validation_cache.Signature | None:
        signature = validation_cache.stat_signature(path, max_bytes)
        if signature is None:
            return None
        size, mtime, ctime, inode, device = signature[0].split(":")
        times = [int(t) // 1_000_000_000 * 1_000_000_000 for t in (mtime, ctime)]
        return f"{size}:{times[0]}:{times[1]}:{inode}:{device}", max(times)

    monkeypatch.setattr("trusthub.app.loading.stat_signature", whole_seconds)
    paths = generate_workspace(tmp_path, 4)
    settings = default_settings(tmp_path)
    changed = paths[2]
    assert load_workspace(settings, whole=False).problems == []
    for _ in range(3):  # the edit lands within the second of the stat (a few tries)
        before = whole_seconds(changed, MAX_FILE_BYTES)
        assert load_workspace(settings, whole=False).problems == []
        text = changed.read_text()
        with changed.open("r+") as file:
            file.write(_taking_a_number(changed, paths[1]))
        if whole_seconds(changed, MAX_FILE_BYTES) == before:
            break
        changed.write_text(text)
    else:
        pytest.skip("no edit landed within the second of the stat")
    problems = load_workspace(settings, [changed], whole=False).problems
    assert [p.rule for p in problems] == ["phone-number-unique"]
