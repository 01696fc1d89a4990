"""The schemas and templates live at the top level (the public contract) and reach the
package through symlinks; these checks keep the wheel from silently leaving any out."""

from __future__ import annotations

import ast
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


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_test_support_stays_out_of_the_package() -> None:
    """The OpenAPI checker (and jsonschema, which only it and the tests use) is test support:
    nothing in the package imports it, and the specs it reads travel with the repository,
    licence included."""
    for path in sorted((REPO / "trusthub").rglob("*.py")):
        for name in _imported_modules(path):
            top = name.split(".")[0]
            assert top not in ("tests", "jsonschema"), f"{path} imports {name}"
    assert not (REPO / "trusthub" / "sandbox" / "conformance.py").exists()
    specs = {p.name for p in (REPO / "tests" / "support" / "openapi").iterdir()}
    assert {"LICENSE", "README.md", "twilio_trusthub_v1.json"} <= specs
