"""The example workspace (`profiles/` and the `trusthub.yaml` whose `defaults:` its client
files inherit), for the tests that start from it.

    copy_example(ws)                       # ws/profiles/ and ws/trusthub.yaml
    copy_example(ws, settings="target: twilio\n")   # other settings, then the defaults
    example_documents()                    # name -> the profile as trusthub reads it (merged)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parents[2]
SETTINGS: Final = REPO / "trusthub.yaml"


def copy_example(root: Path, *, settings: str = "", profiles: Path | None = None) -> Path:
    """Copy the example's profiles into `root/profiles` (or `profiles`) and its settings into
    `root/trusthub.yaml`, after `settings` (top-level keys other than `defaults:`)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "profiles", profiles or root / "profiles")
    write_settings(root, settings)
    return root


def write_settings(root: Path, settings: str = "") -> None:
    """`root/trusthub.yaml`: `settings` (any top-level keys but `defaults:`), then the
    example's defaults."""
    text = SETTINGS.read_text(encoding="utf-8")
    head = settings if not settings or settings.endswith("\n") else settings + "\n"
    (root / "trusthub.yaml").write_text(head + text, encoding="utf-8")


def example_documents() -> dict[str, dict[str, Any]]:
    """The example profiles by name, each with the defaults it inherits merged in."""
    from trusthub.config.settings_file import load_settings
    from trusthub.rules.file_checks import check_profile_file

    settings = load_settings(REPO, environ={})
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((REPO / "profiles").glob("*.yaml")):
        defaults = settings.defaults.for_file(path, settings.profiles_dir)
        result = check_profile_file(path, f"profiles/{path.name}", defaults=defaults)
        assert result.data is not None, result.problems
        out[result.data["name"]] = result.data
    return out


def example_document(name: str) -> dict[str, Any]:
    return example_documents()[name]
