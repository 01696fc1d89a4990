"""`.trusthub` holds the state, its backups and caches: only its owner may read it (0700,
files 0600). trusthub makes it so when it creates them; one that already exists with wider
modes (made by hand, unpacked from an archive, a umask of 000) is tightened, with a note,
and one owned by another user is refused: trusthub does not change modes of files that are
not the user's, and will not write the state where others can read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from trusthub.config.settings import Settings
from trusthub.errors import StateError

SUBDIRS: Final = ("cache", "backups")  # what trusthub keeps under .trusthub besides files


def _tighten(path: Path, mode: int, shown: str, notes: list[str]) -> bool:
    """Make `path` exactly private; True when it had to change."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        info = path.stat()  # a link the user made to elsewhere: its target is the store
    current = stat.S_IMODE(info.st_mode)
    if not current & 0o077:
        return False
    if info.st_uid != os.geteuid():
        raise StateError(
            f"{shown} is mode {current:04o} and belongs to user id {info.st_uid}, not to you: "
            "others can read what trusthub would keep there, and trusthub does not change the "
            "modes of another user's files",
            hint=f"as its owner, run `chmod -R go-rwx {shown}`, or point `state:` elsewhere",
        )
    os.chmod(path, mode)
    notes.append(f"note: made {shown} private ({current:04o} -> {mode:04o}): it holds the state")
    return True


def secure_state_dir(settings: Settings) -> list[str]:
    """Tighten `.trusthub` and what trusthub keeps in it; the notes to show."""
    notes: list[str] = []
    top = settings.state_dir
    if not top.is_dir():
        return notes
    shown = settings.relative(top)
    loose = _tighten(top, 0o700, shown, notes)
    dirs = [top]
    for name in SUBDIRS:
        sub = top / name
        if sub.is_dir() and (_tighten(sub, 0o700, f"{shown}/{name}", notes) or loose):
            dirs.append(sub)
    for directory in dirs:
        for entry in os.scandir(directory):
            if entry.is_file(follow_symlinks=False):
                mode = stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode)
                if mode & 0o077:
                    rel = f"{settings.relative(Path(entry.path))}"
                    _tighten(Path(entry.path), 0o600, rel, notes)
    return notes
