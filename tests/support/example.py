"""The example workspace (`profiles/` and the `trusthub.yaml` whose `defaults:` its client
files inherit and whose `accounts:` declares the subaccount northwind-outfitters lives in),
for the tests that start from it.

    copy_example(ws)                       # ws/profiles/ and ws/trusthub.yaml
    copy_example(ws, settings="target: twilio\n")   # other settings, then the example's
    copy_profiles(ws, "acme-isv", "harbor-yoga-studio")   # some of its profiles, the same
    example_documents()                    # name -> the profile as trusthub reads it (merged)
    accounts_block("northwind")            # the example's `accounts:`, for merged profiles
"""

from __future__ import annotations

import re
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
    write_settings(root, settings, profiles=profiles)
    return root


def copy_profiles(root: Path, *names: str, settings: str = "") -> Path:
    """Copy the example profiles `names` into `root/profiles` and write the settings as
    `write_settings` does (the defaults they inherit, the accounts they name)."""
    (root / "profiles").mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(REPO / "profiles" / f"{name}.yaml", root / "profiles")
    write_settings(root, settings)
    return root


def write_settings(root: Path, settings: str = "", *, profiles: Path | None = None) -> None:
    """`root/trusthub.yaml`: `settings` (any top-level keys but `defaults:`), then the
    example's defaults, and those of the example's `accounts:` that a profile file in
    `root/profiles` (or `profiles`) names by `account:`. A declared account is a resource
    (apply makes it), so a workspace without northwind-outfitters does not declare it; with
    an `accounts:` of their own in `settings`, the example's entries join it (YAML allows
    one `accounts:` key), but for those `settings` declares itself (`northwind: {sid: AC...}`,
    an existing subaccount, as a test on `target: twilio` needs: its numbers are bought
    there before apply runs)."""
    text = SETTINGS.read_text(encoding="utf-8")
    head = settings if not settings or settings.endswith("\n") else settings + "\n"
    body, entries = _without_accounts(text)
    named = _named_accounts(profiles or root / "profiles") - _declared(head)
    kept = "".join(line for name, line in entries if name in named)
    if kept and ACCOUNTS_LINE.search(head):
        head = ACCOUNTS_LINE.sub(lambda m: m.group(0) + kept, head, count=1)
    elif len(kept.splitlines()) == len(entries):
        body = text  # the example's file as it is
    elif kept:
        body += "accounts:\n" + kept
    (root / "trusthub.yaml").write_text(head + body, encoding="utf-8")


def accounts_block(*names: str) -> str:
    """The example's `accounts:` block, with only the accounts `names` ("" with none): for a
    workspace of the example's profiles written out whole (merged), which needs no defaults
    but must declare the subaccount northwind-outfitters names."""
    entries = _without_accounts(SETTINGS.read_text(encoding="utf-8"))[1]
    kept = "".join(line for name, line in entries if name in names)
    return "accounts:\n" + kept if kept else ""


ACCOUNTS_LINE: Final = re.compile(r"^accounts:[ \t]*\n", re.MULTILINE)
ACCOUNT_KEY: Final = re.compile(r"^account:[ \t]*([A-Za-z0-9_-]+)", re.MULTILINE)


def _without_accounts(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The example's settings without its `accounts:` block (the comment lines just above it
    go with it), and that block's entries as (account name, line)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if ACCOUNTS_LINE.match(line))
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    first = start
    while first > 0 and lines[first - 1].startswith("#"):
        first -= 1
    entries = [(line.strip().split(":")[0], line) for line in lines[start + 1 : end]]
    return "".join(lines[:first] + lines[end:]), entries


def _declared(settings: str) -> set[str]:
    """The accounts the `accounts:` block of `settings` declares."""
    lines = settings.splitlines()
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "accounts:"), None)
    if start is None:
        return set()
    declared = set()
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        if line.startswith("  ") and not line.startswith("   ") and ":" in line:
            declared.add(line.strip().split(":")[0])
    return declared


def _named_accounts(profiles: Path) -> set[str]:
    """The accounts the profile files under `profiles` name by a top-level `account:`."""
    if not profiles.is_dir():
        return set()
    return {
        m.group(1)
        for path in profiles.rglob("*.y*ml")
        for m in ACCOUNT_KEY.finditer(path.read_text(encoding="utf-8"))
    }


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
