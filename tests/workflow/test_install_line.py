"""The generated workflow's install line resolves: a pin given at init (`--trusthub-version`,
`--package`), else the source this trusthub was installed from (its PEP 610
direct_url.json), never a placeholder repository. And its other init choices: the schedule
and the state-age threshold."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from tests.workflow.helpers import load_yaml, run
from trusthub import __version__
from trusthub.app.scaffold import install_requirement

WORKFLOW = ".github/workflows/trusthub.yml"


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, "trusthub[postgresql]==1.2.3"),  # a release from an index
        (
            {
                "url": "https://github.com/acme/trusthub.git",
                "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "v1"},
            },
            f"trusthub[postgresql] @ git+https://github.com/acme/trusthub.git@{'a' * 40}",
        ),
        (
            {
                "url": "https://example.com/trusthub-1.2.3.tar.gz",
                "archive_info": {"hashes": {"sha256": "b" * 64}},
            },
            f"trusthub[postgresql] @ https://example.com/trusthub-1.2.3.tar.gz#sha256={'b' * 64}",
        ),
        ({"url": "file:///home/me/trusthub", "dir_info": {"editable": True}}, None),
        ({"url": "file:///tmp/trusthub-1.2.3.tar.gz", "archive_info": {}}, None),
    ],
)
def test_install_requirement(direct_url: dict[str, Any] | None, expected: str | None) -> None:
    assert install_requirement(direct_url, "1.2.3") == expected


def _installed_direct_url() -> dict[str, Any] | None:
    texts = [d.read_text("direct_url.json") for d in metadata.distributions(name="trusthub")]
    text = next((t for t in texts if t), None)
    return None if text is None else dict(json.loads(text))


def test_the_default_is_what_trusthub_was_installed_from(tmp_path: Path) -> None:
    result = run(tmp_path, "init")
    assert result.exit_code == 0, result.output
    package = load_yaml(tmp_path / WORKFLOW)["env"]["TRUSTHUB_PACKAGE"]
    assert "OWNER" not in package  # the old default named a repository that does not exist
    found = install_requirement(_installed_direct_url(), __version__)
    if found is None:  # this checkout, installed from its directory
        assert package == f"trusthub[postgresql]=={__version__}"
        assert "runs from a local directory" in result.stderr
    else:
        assert package == found


def test_init_pins_the_version_and_schedule_given(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "init",
        "--trusthub-version",
        "2.0.1",
        "--schedule",
        "0 6 * * 1-5",
        "--max-state-age",
        "6",
    )
    assert result.exit_code == 0, result.output
    assert "local directory" not in result.stderr
    workflow = load_yaml(tmp_path / WORKFLOW)
    assert workflow["env"]["TRUSTHUB_PACKAGE"] == "trusthub[postgresql]==2.0.1"
    assert workflow["env"]["TRUSTHUB_MAX_STATE_AGE_HOURS"] == "6"
    assert workflow[True]["schedule"] == [{"cron": "0 6 * * 1-5"}]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--schedule", "@hourly"), "invalid --schedule '@hourly'"),
        (("--schedule", "* * * *"), "invalid --schedule"),
        (("--trusthub-version", "latest"), "invalid --trusthub-version 'latest'"),
        (("--trusthub-version", "1.0", "--package", "x"), "not both"),
    ],
)
def test_init_refuses_bad_pins(tmp_path: Path, args: tuple[str, ...], error: str) -> None:
    result = run(tmp_path, "init", *args)
    assert result.exit_code == 1
    assert error in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
