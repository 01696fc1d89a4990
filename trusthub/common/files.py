"""Private files: state, backups, exports and caches hold what was applied (sealed, but
still the shape of a company's compliance records) or parsed profiles, so only their owner
may read them: files 0600, directories 0700."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and directories created in the block get modes 0600 and 0700, including the
    ones SQLite makes on its own (-wal, -shm). umask is per process: keep the block short."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def make_private_dir(path: Path) -> None:
    """`path` and the parents it needs, made 0700 (umask, not mode=: mkdir gives the
    parents it makes default modes)."""
    if path.is_dir():
        return
    with private_umask():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_sibling(path: Path, tag: str) -> Path:
    """A name next to `path` for a file built before it is renamed into place."""
    return path.with_name(f".{path.name}.{tag}-{os.getpid()}-{os.urandom(4).hex()}")


def write_private(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` (mode 0600, its directory 0700) atomically: a reader sees the
    old file or the new one, never half of it. `durable=False` skips the two fsyncs, for a
    cache that may be lost in a crash (a lost cache is rebuilt; a torn one cannot happen)."""
    make_private_dir(path.parent)
    tmp = temp_sibling(path, "new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)
