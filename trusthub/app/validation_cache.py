"""The per-file check results of the last run, in `.trusthub/cache/`, keyed by content.

A file's result (its data and its problems) depends only on its bytes, on the workspace
defaults it inherits (`defaults:` in trusthub.yaml) and on trusthub's code, so an entry is
reused when its key equals the BLAKE2b digest of the file's current bytes, combined with
the digest of the defaults that reach the file (`result_keys`): a change to a default
re-checks exactly the files it reaches. Size and mtime are not trusted on their own:
editors, `git checkout`, `cp -p` and coarse file-system clocks can all leave them unchanged
while the content changes. `trusthub validate` (the pre-commit hook, which reads every other
file's facts) does skip reading a file whose whole stat (size, mtime, ctime, inode, device:
`StatCache`) is what it was when its bytes were last hashed, as git and ruff do: ctime is
set by every write and by every `touch -r`, and a file changed within `SETTLE_NS` of that
hash is never trusted by its stat (the racy-git guard), so an edit is never missed.

Two files, each a header line and then JSON texts one a line (no pickle: nothing in them
can run code). `profile-checks.json` holds the whole results (the profile's data, its
problems, the facts of its phone numbers) for `plan` and the rest. `profile-facts.json`
holds the whole results of the few files that runs of `trusthub validate` checked (until
there are many: then they are folded into the other file), the files' stat records, then
one line per file with its problems and the facts the workspace rules read of it
(`trusthub.rules.workspace_facts`): all that `trusthub validate` reads, so one changed file
in a large workspace (the pre-commit hook) reads and writes this smaller file only, and
writes the lines of the unchanged files back as they were. Every entry carries its key (the
file's digest, with the defaults'), so an entry of either file is right for the bytes and
defaults it names whichever file was written last. Both are written atomically (temp file,
fsync-free `os.replace`) with mode 0600 in a 0700 directory, and stamped with a fingerprint
of everything that could change a result: the cache format, the size limit, the versions of
PyYAML (and whether libyaml is in use), of phonenumbers' metadata, of email-validator and
of iso3166, and the fingerprint of trusthub's own source, schemas and templates
(`trusthub.common.fingerprint`: any change to the package, not a list of the modules
thought to matter). Anything unexpected when reading them (another fingerprint, bad JSON, a
wrong shape) means an empty cache, silently rebuilt.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from trusthub.common.files import write_private
from trusthub.common.fingerprint import code_fingerprint, installed_version
from trusthub.errors import Location, Problem
from trusthub.load.inheritance import FileDefaults
from trusthub.model.phone_facts import NumberFacts
from trusthub.rules.file_checks import FileResult, result_key
from trusthub.rules.workspace_facts import workspace_facts

# 2: the name a broken file declares; 3: the facts part, the numbers' facts; 4: stat records
CACHE_FORMAT: Final = 4
CACHE_NAME: Final = "profile-checks.json"  # the whole results
FACTS_NAME: Final = "profile-facts.json"  # every file's facts; whole results of a few


# (distribution, its top-level module) whose versions can change a result.
VERSIONED: Final = (
    ("phonenumbers", "phonenumbers"),
    ("email-validator", "email_validator"),
    ("iso3166", "iso3166"),
)


def fingerprint(max_bytes: int) -> str:
    import yaml  # imported already: the changed files are parsed

    parts = [
        str(CACHE_FORMAT),
        str(max_bytes),
        code_fingerprint(),
        f"pyyaml {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)}",
        # Read from the installed distributions' directory names, not by importing them
        # (phonenumbers costs 25 ms, email-validator tens) nor with importlib.metadata.
        *(f"{name} {installed_version(name, module)}" for name, module in VERSIONED),
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


# How long before a run's start a file must have been last changed (its mtime and ctime)
# for its stat to be trusted by the next run: an edit within the file system's timestamp
# resolution of the stat that was recorded would leave the stat as it was. FAT stamps to
# 2 s; ext4, XFS, btrfs and tmpfs keep nanoseconds but take them from the kernel's coarse
# clock, a tick behind. A file changed more recently is read and hashed, as before.
SETTLE_NS: Final = 2_000_000_000

# (the text of a stat record: size, mtime_ns, ctime_ns, inode, device; its newer time)
Signature = tuple[str, int]


def stat_clock() -> int:
    """The time a run starts looking at files (taken before any stat: see `settled`)."""
    return time.time_ns()


def stat_signature(path: Path, max_bytes: int) -> Signature | None:
    """The stat a cached result of `path` may be trusted by (as git and ruff do), or None
    when there is nothing to trust: not a regular file, too large (the read reports
    those), gone. ctime is in it because no program can set it: `touch -r`, `cp -p`,
    `rsync -t` and editors that restore the mtime all leave a newer ctime; a new inode is
    a file written anew (git checkout, editors that save by rename)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        return None
    text = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"
    return text, max(info.st_mtime_ns, info.st_ctime_ns)


def settled(signature: Signature, started: int) -> bool:
    """Whether a stat taken (before its file was read) in a run that `started` then may be
    recorded: the file was last changed long enough before that a change after the read
    changes the stat (the racy-git guard)."""
    return signature[1] < started - SETTLE_NS


def stat_record(signature: Signature, digest: str) -> str:
    """What the facts file keeps of a file: its stat and the digest of its bytes then."""
    return f"{signature[0]} {digest}"


@dataclass(frozen=True, slots=True)
class StatCache:
    """The stat records of the facts file (display path -> `stat_record`), and when it was
    written, by the file system's own clock (its mtime)."""

    records: Mapping[str, str]
    written_ns: int

    def digest(self, display: str, signature: Signature | None) -> str | None:
        """The digest of the bytes of a file whose stat is `signature` now, when its record
        says so: the same stat, and changed long enough before the record was written
        (a second guard, by the file system's clock, should the clocks disagree)."""
        record = self.records.get(display)
        if record is None or signature is None:
            return None
        text, _, digest = record.rpartition(" ")
        if text != signature[0] or signature[1] >= self.written_ns - SETTLE_NS:
            return None
        return digest


NO_STATS: Final = StatCache(MappingProxyType({}), 0)


@dataclass(frozen=True, slots=True)
class FactsCache:
    """What a run that reads facts only got from the cache: every file's facts result, the
    whole results kept beside the facts, and whether the whole cache file is current."""

    results: dict[str, FileResult]
    fresh: dict[str, Any]  # display -> whole entry, as encoded
    whole_current: bool
    lines: Mapping[str, bytes] = field(default_factory=dict)  # display -> its facts line
    stats: StatCache = NO_STATS


NO_FACTS: Final = FactsCache({}, {}, False)


@dataclass(frozen=True, slots=True)
class EncodedResult:
    """A checked file's result as the cache writes it, encoded in the worker process that
    checked it: bytes cross the process boundary for a fraction of what pickling the
    profile's data, problems and dataclasses costs, the parent writes them as they are
    instead of encoding them again, and decodes only the part it reads (`decoded`: the
    facts line for `trusthub validate`, the whole entry for `plan`), as it would the same
    result read from the cache."""

    display: str
    whole: bytes  # the entry of the whole cache file
    facts: bytes  # the line of the facts file

    def decoded(self, *, whole: bool) -> FileResult:
        if whole:
            return _decode(self.display, json.loads(self.whole))
        entry = json.loads(self.facts)
        return _decode_facts(entry[0], entry[1:])


def cacheable(result: FileResult) -> bool:
    """Whether the cache keeps `result`. One with a problem located in trusthub.yaml (an
    inherited value) is not kept: the cache stores locations in the file itself. It is
    checked again."""
    return bool(result.digest) and all(p.location.path == result.display for p in result.problems)


def encoded(result: FileResult) -> EncodedResult | FileResult:
    """`result` encoded for the cache, when the cache keeps it (else itself)."""
    if not cacheable(result):
        return result
    facts = _dumps([result.display, *_encode_facts(result)])
    return EncodedResult(result.display, _dumps(_encode(result)), facts)


# Whole results kept beside the facts before they are folded into the whole cache file.
MAX_FRESH: Final = 256


def result_keys(digest: str, defaults: FileDefaults | None) -> set[str]:
    """The keys a cached result of a file whose bytes have `digest` may have, with the
    `defaults` that may reach it: one per role the file could declare (which role's
    defaults apply is known only once it is parsed; the bytes fix the role, so a match
    under any of them is the result of these bytes with these defaults)."""
    if defaults is None:
        return {digest}
    return {result_key(digest, key) for key in defaults.cache_keys()}


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a cache is decoded: that makes about a hundred
    containers a profile, none of them in a cycle, and the collector would walk them again
    and again as they are made (the whole cache of 10,000 profiles decoded in 0.45 s with it,
    0.25 s without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_cache(directory: Path, stamp: str) -> dict[str, FileResult]:
    """Whole cached results (with the profiles' data) by display path; empty when absent,
    stale or unreadable."""
    try:
        whole = _read(directory / CACHE_NAME, stamp)[0]
        facts = _read(directory / FACTS_NAME, stamp)[0]
        with collector_paused():
            entries: dict[str, Any] = json.loads(whole[1]) if whole else {}
            if facts:  # the newer results of the files that facts-only runs checked
                entries.update(json.loads(facts[1]))
            return {display: _decode(display, entry) for display, entry in entries.items()}
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return {}


def load_facts(directory: Path, stamp: str) -> FactsCache:
    """Every cached file's problems and facts, without its data (`trusthub validate`)."""
    try:
        parts, written_ns = _read(directory / FACTS_NAME, stamp)
        if not parts:
            return NO_FACTS
        lines = parts[3:] if parts[3:] != [b""] else []
        with collector_paused():
            fresh = json.loads(parts[1])
            records = json.loads(parts[2])
            # One parse for all the lines (a JSON array of them), not one per line.
            entries = json.loads(b"[" + b",".join(lines) + b"]")
            results = {e[0]: _decode_facts(e[0], e[1:]) for e in entries}
        if not isinstance(fresh, dict) or len(results) != len(lines):
            return NO_FACTS
        if not isinstance(records, dict) or not all(isinstance(r, str) for r in records.values()):
            return NO_FACTS
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return NO_FACTS
    raw = {e[0]: line for e, line in zip(entries, lines, strict=True)}
    stats = StatCache(records, written_ns)
    return FactsCache(results, fresh, _current(directory / CACHE_NAME, stamp), raw, stats)


def save_cache(
    directory: Path,
    stamp: str,
    results: Mapping[str, FileResult],
    encoded: Mapping[str, EncodedResult] = MappingProxyType({}),
) -> None:
    """Replace the cache with `results` (whole: every one holds its data, or is invalid),
    `encoded` the ones of them already encoded (by display path). Best effort: a read-only
    workspace just has no cache."""
    ordered = sorted(results.items())
    whole = _object((d, e.whole if (e := encoded.get(d)) else _encode(r)) for d, r in ordered)
    _write(directory / CACHE_NAME, stamp, whole)
    lines = _facts_lines(ordered, lambda d, _r: e.facts if (e := encoded.get(d)) else None)
    _write(directory / FACTS_NAME, stamp, b"{}", b"{}", *lines)


def save_facts(
    directory: Path,
    stamp: str,
    results: Mapping[str, FileResult],
    checked: Mapping[str, FileResult],
    previous: FactsCache,
    encoded: Mapping[str, EncodedResult] = MappingProxyType({}),
    stats: Mapping[str, str] = MappingProxyType({}),
) -> None:
    """Replace the cache after a run that read facts only: the facts of every file in
    `results`, the stat records `stats` (see `StatCache`), and the whole results of the
    files `checked` now (`encoded`: those of them already encoded). Those are kept beside
    the facts, so the whole cache file is neither read nor written for a few files; once
    they are many, or there is no whole cache file, they go into it. An entry is a decoded
    value or, when encoded already, its bytes."""
    fresh: dict[str, Any] = {
        **previous.fresh,
        **{
            d: e.whole if (e := encoded.get(d)) else _encode(r)
            for d, r in checked.items()
            if r.digest
        },
    }
    if len(fresh) > MAX_FRESH or not previous.whole_current:
        whole: dict[str, Any] = {}
        if previous.whole_current:
            with contextlib.suppress(OSError, ValueError, IndexError):
                whole = json.loads(_read(directory / CACHE_NAME, stamp)[0][1])
        whole.update(fresh)
        _write(directory / CACHE_NAME, stamp, _object(sorted(whole.items())))
        fresh = {}
    ordered = sorted(results.items())
    known = previous.results

    def reuse(display: str, result: FileResult) -> bytes | None:
        if (e := encoded.get(display)) is not None and checked.get(display) is result:
            return e.facts
        return previous.lines[display] if known.get(display) is result else None

    lines = _facts_lines(ordered, reuse)
    _write(directory / FACTS_NAME, stamp, _object(fresh.items()), _dumps(dict(stats)), *lines)


def _read(path: Path, stamp: str) -> tuple[list[bytes], int]:
    """The parts of a cache file after its header ([] when absent or stale), and its
    mtime (of the file read: it is replaced, never rewritten in place)."""
    try:
        with path.open("rb") as file:
            written_ns = os.fstat(file.fileno()).st_mtime_ns
            parts = file.read().split(b"\n")
    except OSError:
        return [], 0
    return (parts, written_ns) if _header_ok(parts[0], stamp) else ([], 0)


def _current(path: Path, stamp: str) -> bool:
    try:
        with path.open("rb") as file:
            return _header_ok(file.readline().rstrip(b"\n"), stamp)
    except OSError:
        return False


def _header_ok(line: bytes, stamp: str) -> bool:
    try:
        header = json.loads(line)
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("fingerprint") == stamp


def _write(path: Path, stamp: str, *parts: bytes | list[bytes]) -> None:
    """Write the header and `parts` (each bytes, or the pieces of one: see `_object`)."""
    # JSON as written here holds no raw newline (json.dumps escapes them in strings), so
    # the parts are separated by newlines and read apart without parsing each other.
    pieces = [_dumps({"fingerprint": stamp})]
    for part in parts:
        pieces.append(b"\n")
        if isinstance(part, bytes):
            pieces.append(part)
        else:
            pieces += part
    data = b"".join(pieces)
    with contextlib.suppress(OSError):
        write_private(path, data, durable=False)


def _dumps(value: Any) -> bytes:
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (4x slower).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _object(items: Iterable[tuple[str, Any]]) -> list[bytes]:
    """The pieces of a JSON object of `items` (as `_dumps` writes one), each value a value
    to encode or the bytes of one encoded already. `_write` joins them with the rest of the
    file at once: no entry is copied on the way, which would hold the cache three times
    over at the peak of a cold plan."""
    pieces = [b"{"]
    for k, v in items:
        pieces += (_dumps(k), b":", v if isinstance(v, bytes) else _dumps(v), b",")
    pieces[-1] = b"}" if len(pieces) > 1 else b"{}"
    return pieces


def _facts_lines(
    ordered: Sequence[tuple[str, FileResult]],
    reuse: Callable[[str, FileResult], bytes | None] = lambda _d, _r: None,
) -> list[bytes]:
    """One line per file, `[display, digest, facts, problems, broken name]`: a line read
    from the cache is written back as it was (`reuse`), not decoded and encoded again."""
    return [reuse(display, r) or _dumps([display, *_encode_facts(r)]) for display, r in ordered]


def _problems(result: FileResult) -> list[Any]:
    return [
        [p.location.line, p.location.column, p.rule, p.severity, p.message, p.json_path]
        for p in result.problems
    ]


def _encode(result: FileResult) -> list[Any]:
    numbers = {n: list(f) for n, f in result.numbers.items()}
    return [result.digest, result.data, _problems(result), result.broken_name, numbers]


def _encode_facts(result: FileResult) -> list[Any]:
    facts = result.facts
    if facts is None and result.data is not None:
        facts = workspace_facts(result.data)
    return [result.digest, facts, _problems(result), result.broken_name]


def _decoded_problems(display: str, problems: list[Any]) -> tuple[Problem, ...]:
    return tuple(
        Problem(Location(display, line, column), rule, message, severity, json_path)
        for line, column, rule, severity, message, json_path in problems
    )


def _decode(display: str, entry: list[Any]) -> FileResult:
    digest, data, problems, broken_name, numbers = entry
    _check(digest, data, broken_name)
    if not isinstance(numbers, dict):
        raise TypeError("bad cache entry")
    facts = {n: NumberFacts(*f) for n, f in numbers.items() if _number_facts(f)}
    return FileResult(
        display, digest, data, _decoded_problems(display, problems), broken_name, None, facts
    )


def _decode_facts(display: str, entry: list[Any]) -> FileResult:
    digest, facts, problems, broken_name = entry
    _check(digest, facts, broken_name)
    problems = _decoded_problems(display, problems)
    return FileResult(display, digest, None, problems, broken_name, facts)


def _check(digest: Any, data: Any, broken_name: Any) -> None:
    if not isinstance(digest, str) or not (data is None or isinstance(data, dict)):
        raise TypeError("bad cache entry")
    if not (broken_name is None or isinstance(broken_name, str)):
        raise TypeError("bad cache entry")


def _number_facts(facts: Any) -> bool:
    return (
        isinstance(facts, list)
        and len(facts) == 3
        and isinstance(facts[0], bool)
        and (facts[1] is None or isinstance(facts[1], str))
        and isinstance(facts[2], bool)
    )
