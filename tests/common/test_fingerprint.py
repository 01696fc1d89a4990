"""`common.fingerprint`: a digest of trusthub's own code and data files, which changes
exactly when one of them does; and the two caches stamped with it forget what a code change
made stale (the spec hashes a plan reuses, the per-file check results validate reuses)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from tests.validate.conftest import CASES, copy_tree
from trusthub.app.hash_cache import CACHE_NAME as HASH_CACHE
from trusthub.app.hash_cache import HashCache
from trusthub.app.loading import CACHE_DIR, load_workspace
from trusthub.app.validation_cache import CACHE_NAME as CHECK_CACHE
from trusthub.common import fingerprint
from trusthub.common.fingerprint import (
    PACKAGE_ROOT,
    code_fingerprint,
    installed_version,
    tree_fingerprint,
)
from trusthub.config.settings import default_settings

KEY = b"k" * 32


def copy_package(target: Path) -> Path:
    """A copy of the installed package (symlinked schemas/ and templates/ as real files)."""
    return Path(shutil.copytree(PACKAGE_ROOT, target, ignore=shutil.ignore_patterns("*.pyc")))


def edit(path: Path, suffix: bytes = b"\n# edited\n") -> None:
    path.write_bytes(path.read_bytes() + suffix)


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fingerprint pointed at a copied package tree; `refresh()` after each edit."""
    root = copy_package(tmp_path / "site" / "trusthub")
    monkeypatch.setattr(fingerprint, "PACKAGE_ROOT", root)
    code_fingerprint.cache_clear()
    yield root
    code_fingerprint.cache_clear()


def refresh() -> str:
    """A new process, as far as the fingerprint goes."""
    code_fingerprint.cache_clear()
    return code_fingerprint()


def test_the_fingerprint_covers_code_and_data_by_relative_path(tmp_path: Path) -> None:
    copy = copy_package(tmp_path / "elsewhere" / "trusthub")
    assert tree_fingerprint(copy) == tree_fingerprint(PACKAGE_ROOT) == code_fingerprint()
    before = tree_fingerprint(copy)
    for changed in (
        "model/desired.py",
        "model/mapping.py",
        "load/yaml_errors.py",  # missing from the old hand-written module list
        "schemas/profile.schema.json",
        "templates/plan.md",
        "templates/init/trusthub.yaml",
        "__init__.py",
    ):
        original = (copy / changed).read_bytes()
        edit(copy / changed)
        assert tree_fingerprint(copy) != before, changed
        (copy / changed).write_bytes(original)
        assert tree_fingerprint(copy) == before, changed
    (copy / "rules" / "new_rule.py").write_text("ID = 'new'\n")
    assert tree_fingerprint(copy) != before
    (copy / "rules" / "new_rule.py").unlink()
    (copy / "model" / "mapping.py").rename(copy / "model" / "mapping2.py")
    assert tree_fingerprint(copy) != before  # same bytes under another name
    (copy / "model" / "mapping2.py").rename(copy / "model" / "mapping.py")
    assert tree_fingerprint(copy) == before


def test_the_fingerprint_ignores_what_is_not_code(tmp_path: Path) -> None:
    copy = copy_package(tmp_path / "trusthub")
    before = tree_fingerprint(copy)
    (copy / "model" / "__pycache__").mkdir(exist_ok=True)
    (copy / "model" / "__pycache__" / "desired.cpython-311.pyc").write_bytes(b"\0" * 10)
    (copy / "notes.txt").write_text("not shipped code")
    stat = (copy / "errors.py").stat()
    os.utime(copy / "errors.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched
    assert tree_fingerprint(copy) == before


def test_the_fingerprint_is_computed_once_per_process(package: Path) -> None:
    first = code_fingerprint()
    edit(package / "model" / "desired.py")
    assert code_fingerprint() == first  # cached: the running code has not changed either
    assert refresh() != first


def test_a_code_change_makes_the_hash_cache_forget_stale_hashes(
    package: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "ws" / ".trusthub" / "cache"
    cache = HashCache(directory, KEY)
    assert cache.hashes("digest-1", ["acme"], lambda name: "hash-by-old-code") == {
        "acme": "hash-by-old-code"
    }
    cache.save({"digest-1": None})
    assert (directory / HASH_CACHE).is_file()

    def must_not_compute(name: str) -> str:
        raise AssertionError("the cached hash was not reused")

    # Same code: the entry is reused.
    assert HashCache(directory, KEY).hashes("digest-1", ["acme"], must_not_compute) == {
        "acme": "hash-by-old-code"
    }
    # desired.py changed (how a profile becomes a spec): the old hash must not hide an update.
    edit(package / "model" / "desired.py")
    refresh()
    again = HashCache(directory, KEY)
    assert again.entries == {}
    assert again.hashes("digest-1", ["acme"], lambda name: "hash-by-new-code") == {
        "acme": "hash-by-new-code"
    }


@pytest.mark.parametrize(
    "changed", ["load/yaml_errors.py", "rules/no_po_box.py", "schemas/profile.schema.json"]
)
def test_a_code_change_makes_the_validation_cache_forget_stale_results(
    package: Path, tmp_path: Path, changed: str
) -> None:
    workspace = copy_tree(CASES / "clean", tmp_path / "ws")
    settings = default_settings(workspace)
    assert load_workspace(settings, workers=1).problems == []
    cache_file = settings.state_dir / CACHE_DIR / CHECK_CACHE
    # Plant a result only the cache can produce, under the current stamp.
    header, whole = cache_file.read_bytes().split(b"\n")  # the stamp; the whole results
    blob = json.loads(whole)
    display = "profiles/acme-isv.yaml"
    blob[display][2].append([1, 1, "stale-rule", "error", "from the old code", "$"])
    cache_file.write_bytes(header + b"\n" + json.dumps(blob).encode())
    reused = load_workspace(settings, workers=1).problems
    assert [(p.rule, p.message) for p in reused] == [("stale-rule", "from the old code")]

    edit(package / changed, b"\n" if changed.endswith(".json") else b"\n# edited\n")
    refresh()
    assert load_workspace(settings, workers=1).problems == []
    assert "stale-rule" not in cache_file.read_text()


@pytest.mark.parametrize(
    ("distribution", "module"),
    [
        ("phonenumbers", "phonenumbers"),
        ("email-validator", "email_validator"),
        ("iso3166", "iso3166"),
        ("PyYAML", "yaml"),
        ("jsonschema-rs", "jsonschema_rs"),
    ],
)
def test_installed_version_is_the_metadata_version(distribution: str, module: str) -> None:
    assert installed_version(distribution, module) == metadata.version(distribution)


def test_installed_version_of_two_dist_info_directories_asks_the_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stale dist-info beside the real one: the directory names cannot say which is
    installed, so the metadata answers (here: the one that has a METADATA file)."""
    (tmp_path / "fakedist").mkdir()
    (tmp_path / "fakedist" / "__init__.py").write_text("")
    for version in ("1.0", "2.0"):
        (tmp_path / f"fakedist-{version}.dist-info").mkdir()
    (tmp_path / "fakedist-2.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fakedist\nVersion: 2.0\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_version("fakedist", "fakedist") == "2.0"
    (tmp_path / "fakedist-1.0.dist-info").rmdir()
    (tmp_path / "fakedist-2.0.dist-info" / "METADATA").unlink()  # the name alone says it
    assert installed_version("fakedist", "fakedist") == "2.0"
