"""`Location` and `Problem` have a total order: plain `sorted()` lists problems as they are
reported (file, line, column, rule, message), with and without lines, in the order the
report used before it had one (a second sort keyed on `line or 0`)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.validate.conftest import CASES, HERE
from trusthub.app.loading import load_workspace
from trusthub.config.settings import default_settings
from trusthub.errors import Location, Problem

# Every rule case with problems in its profiles, and the bad-input corpus.
CORPORA = [
    *sorted(
        p for p in CASES.iterdir() if p.name not in ("clean", "settings-broken", "settings-secret")
    ),
    HERE / "bad_input",
]


def old_order(problems: list[Problem]) -> list[Problem]:
    """The key `report.problems.sort_problems` sorted by, before `Problem` was ordered."""
    return sorted(
        problems,
        key=lambda p: (
            p.location.path,
            p.location.line or 0,
            p.location.column or 0,
            p.rule,
            p.message,
        ),
    )


def test_locations_with_and_without_lines_sort() -> None:
    mixed = [
        Location("b.yaml", 2, 1),
        Location("a.yaml", 3),
        Location("a.yaml", 3, 7),
        Location("a.yaml"),
        Location("a.yaml", 1, 1),
        Location("a.yaml", 3, 2),
    ]
    assert sorted(mixed) == [
        Location("a.yaml"),
        Location("a.yaml", 1, 1),
        Location("a.yaml", 3),
        Location("a.yaml", 3, 2),
        Location("a.yaml", 3, 7),
        Location("b.yaml", 2, 1),
    ]
    assert Location("a.yaml") < Location("a.yaml", 1) < Location("a.yaml", 1, 1)
    assert Location("a.yaml", 9, 9) < Location("b.yaml")
    assert Location("a.yaml", 2) >= Location("a.yaml", 2) <= Location("a.yaml", 2)
    assert not Location("a.yaml", 2) < Location("a.yaml", 2)


def test_problems_with_and_without_lines_sort_like_the_report() -> None:
    problems = [
        Problem(Location("p/a.yaml", 9, 1), "x", "m"),
        Problem(Location("p/a.yaml", 1, 1), "unconfirmed-industry", "maybe", "warning"),
        Problem(Location("p/a.yaml"), "symlink", "a loop"),
        Problem(Location("p/a.yaml", 9), "x", "m"),
        Problem(Location("p/a.yaml", 9, 1), "a", "z"),
        Problem(Location("p/a.yaml", 9, 1), "a", "b"),
        Problem(Location("p/0.yaml", 100, 100), "z", "z"),
    ]
    assert sorted(problems) == old_order(problems)
    assert [str(p.location) for p in sorted(problems)] == [
        "p/0.yaml:100:100",
        "p/a.yaml",
        "p/a.yaml:1:1",
        "p/a.yaml:9",
        "p/a.yaml:9:1",
        "p/a.yaml:9:1",
        "p/a.yaml:9:1",
    ]
    assert max(problems) == problems[0]


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_corpus_problems_sort_as_before(corpus: Path, tmp_path: Path) -> None:
    workspace = shutil.copytree(corpus, tmp_path / corpus.name, symlinks=True)
    if (workspace / "files").is_dir():  # the bad-input corpus keeps its profiles in files/
        (workspace / "files").rename(workspace / "profiles")
    problems = load_workspace(default_settings(workspace), use_cache=False, workers=1).problems
    for seed in range(5):
        shuffled = problems[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled) == old_order(shuffled) == problems
