"""The schemas and templates live at the top level (the public contract) and reach the
package through symlinks; these checks keep the wheel from silently leaving any out."""

from __future__ import annotations

import fnmatch
import importlib.resources
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _package_data() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = config["tool"]["setuptools"]["package-data"]["trusthub"]
    return patterns


def _covered(relative: str, patterns: list[str]) -> bool:
    # setuptools globs: "templates/**/*" matches any depth below templates/.
    return any(
        fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.replace("**/", ""))
        for p in patterns
    )


def test_every_schema_and_template_is_package_data() -> None:
    patterns = _package_data()
    for top in ("schemas", "templates"):
        link = REPO / "trusthub" / top
        assert link.is_symlink()
        assert link.resolve() == (REPO / top).resolve()
        for path in (REPO / top).rglob("*"):
            if path.is_file():
                relative = path.relative_to(REPO).as_posix()
                assert _covered(relative, patterns), f"{relative} would be left out of the wheel"


def test_schemas_are_read_through_importlib_resources() -> None:
    found = sorted(p.name for p in (importlib.resources.files("trusthub") / "schemas").iterdir())
    assert found == ["profile.schema.json", "workspace.schema.json"]
