from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest

from bench.bench_validate import generate_workspace
from bench.bench_validate import run as run_bench
from tests.support.example import copy_example, example_document
from tests.validate.conftest import CASES, copy_tree, make_workspace
from trusthub.app.loading import load_workspace
from trusthub.app.validation_cache import CACHE_NAME, fingerprint, load_cache
from trusthub.config.settings import default_settings
from trusthub.config.settings_file import load_settings
from trusthub.errors import Location
from trusthub.load.documents import MAX_FILE_BYTES


def test_examples_load_by_name_with_display_paths_and_data(tmp_path: Path) -> None:
    workspace = copy_example(tmp_path)
    loaded = load_workspace(load_settings(workspace, environ={}))
    assert loaded.problems == []
    assert not loaded.has_errors
    assert loaded.files_checked == 9  # two primaries, seven clients
    doc = loaded.profiles["brightsmile-dental"]
    assert doc.path == "profiles/brightsmile-dental.yaml"
    assert doc.data == example_document("brightsmile-dental")
    assert loaded.locate("brightsmile-dental", ["business", "registration", "number"]) == Location(
        "profiles/brightsmile-dental.yaml", 12, 13
    )


def test_a_second_run_reuses_the_cache_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = copy_tree(CASES / "registration-number-format", tmp_path / "ws")
    settings = default_settings(workspace)
    first = load_workspace(settings)

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although nothing changed")

    monkeypatch.setattr("trusthub.app.loading.check_profile_file", no_parsing)
    second = load_workspace(settings)
    assert second.problems == first.problems
    assert second.profiles.keys() == first.profiles.keys()


def test_the_cache_is_private_and_rebuilt_when_corrupt(tmp_path: Path) -> None:
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    settings = default_settings(workspace)
    load_workspace(settings)
    cache_dir = settings.state_dir / "cache"
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_dir / CACHE_NAME).stat().st_mode) == 0o600
    (cache_dir / CACHE_NAME).write_bytes(b"\x00not json")
    assert load_workspace(settings).problems == []
    assert load_cache(cache_dir, fingerprint(MAX_FILE_BYTES))  # rebuilt


def test_a_change_that_keeps_size_and_mtime_is_still_seen(tmp_path: Path) -> None:
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    settings = default_settings(workspace)
    assert load_workspace(settings).problems == []
    path = workspace / "profiles" / "brightsmile.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace('"83-2716540"', '"83-2716549"').replace("EIN", "CBN"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    rules = [p.rule for p in load_workspace(settings).problems]
    assert rules == ["registration-number-format"]


def test_no_cache_is_written_when_disabled(tmp_path: Path) -> None:
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    load_workspace(default_settings(workspace), use_cache=False)
    assert not (workspace / ".trusthub").exists()


def test_worker_processes_give_the_same_answer(tmp_path: Path) -> None:
    generate_workspace(tmp_path, 40)
    broken = tmp_path / "profiles" / "client-00003.yaml"
    broken.write_text(broken.read_text().replace("EIN", "DUNS").replace("LLC", "LLC\nextra: 1"))
    settings = default_settings(tmp_path)
    serial = load_workspace(settings, use_cache=False, workers=1)
    parallel = load_workspace(settings, use_cache=False, workers=2)
    assert parallel.problems == serial.problems != []
    assert parallel.profiles == serial.profiles
    assert len(serial.profiles) == 39


@pytest.mark.parametrize("whole", [True, False])
def test_results_encoded_by_workers_are_those_of_one_process(tmp_path: Path, whole: bool) -> None:
    """Workers send the cache's encoding of their results; what the parent decodes, and the
    cache it writes, are those of checking in one process."""
    one, many = tmp_path / "one", tmp_path / "many"
    generate_workspace(one, 40)
    broken = one / "profiles" / "client-00003.yaml"
    broken.write_text(broken.read_text().replace("EIN", "DUNS").replace("LLC", "LLC\nextra: 1"))
    warned = one / "profiles" / "client-00005.yaml"
    warned.write_text(warned.read_text().replace("legal_name: ", "legal_name: Acme\u200b"))
    copy_tree(one, many)
    runs = [
        load_workspace(default_settings(root), workers=n, whole=whole)
        for root, n in ((one, 1), (many, 2))
    ]
    assert runs[0].problems == runs[1].problems != []
    assert runs[0].profiles.keys() == runs[1].profiles.keys()
    assert [d.data for d in runs[0].profiles.values()] == [
        d.data for d in runs[1].profiles.values()
    ]
    for name in ("profile-checks.json", "profile-facts.json"):
        cache = Path(".trusthub", "cache", name)
        assert (one / cache).read_bytes() == (many / cache).read_bytes(), name
    again = load_workspace(default_settings(many), workers=2, whole=whole)
    assert again.problems == runs[0].problems


def test_discovery_skips_hidden_and_foreign_files_and_follows_inner_links(tmp_path: Path) -> None:
    primary = (CASES / "clean" / "profiles" / "acme-isv.yaml").read_text()
    workspace = make_workspace(
        tmp_path,
        {
            "profiles/.hidden.yaml": "not: [valid",
            "profiles/notes.txt": "not yaml",
            "shared/individual.yml": (
                CASES / "clean" / "profiles" / "jordan-rivera.yaml"
            ).read_text(),
            "profiles/nested/acme-isv.yaml": primary,
        },
    )
    os.symlink(workspace / "shared", workspace / "profiles" / "shared")
    os.symlink("..", workspace / "profiles" / "nested" / "up")  # a directory cycle
    loaded = load_workspace(default_settings(workspace))
    assert [doc.path for doc in loaded.profiles.values()] == [
        "profiles/nested/acme-isv.yaml",
        "profiles/shared/individual.yml",
    ]
    assert loaded.problems == []


def test_bench_generator_makes_valid_profiles(tmp_path: Path) -> None:
    assert run_bench(30, 1) == 0


def test_a_profile_pickles_without_its_text_and_locates_by_reading_again(tmp_path: Path) -> None:
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    doc = load_workspace(default_settings(workspace)).profiles["acme-isv"]
    clone = pickle.loads(pickle.dumps(doc))
    assert clone == doc
    assert clone.locator._document is None
    assert clone.locate(["business", "website"]) == Location("profiles/acme-isv.yaml", 16, 12)
    (workspace / "profiles" / "acme-isv.yaml").unlink()
    assert pickle.loads(pickle.dumps(doc)).locate(["name"]) == Location(
        "profiles/acme-isv.yaml", 1, 1
    )
