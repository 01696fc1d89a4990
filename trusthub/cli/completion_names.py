"""Shell completion of profile names (`show NAME`, `history NAME`, `--target NAME`).

Completion runs on every Tab press, so it reads only what it must: the workspace's settings
file for where the profiles are, then the first bytes of each profile file for its `name:`
line (the file's stem when there is none). No YAML parsing, no schema, no state: a broken
file is still offered under the name it declares.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Final

import click
from click.shell_completion import CompletionItem

from trusthub.errors import TrusthubError
from trusthub.load.discovery import declared_name, discover

# `name:` is near the top of a profile; no need to read a whole large file.
_HEAD_BYTES: Final = 4096


def profile_names(root: Path) -> list[str]:
    """The names of the profiles of the workspace at `root`, sorted, without duplicates."""
    profiles = root / "profiles"
    with contextlib.suppress(TrusthubError, OSError, ValueError):
        from trusthub.config.settings_file import load_settings

        profiles = load_settings(root).profiles_dir
    if not profiles.is_dir():
        return []
    names: set[str] = set()
    from trusthub.config.settings import SETTINGS_FILE

    for source in discover(root, [profiles], skip=[root / SETTINGS_FILE]).files:
        try:
            with source.path.open("rb") as f:
                head = f.read(_HEAD_BYTES)
        except OSError:
            continue
        names.add(declared_name(head) or source.path.stem)
    return sorted(names)


def complete_profile_name(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """click's `shell_complete` for a NAME argument or option."""
    workspace = ctx.find_root().params.get("workspace") or Path()
    return [
        CompletionItem(name)
        for name in profile_names(Path(workspace))
        if name.startswith(incomplete)
    ]
