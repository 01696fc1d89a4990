"""Loading a workspace's profiles: the API `validate` and `plan` share.

`load_workspace` finds the profile files, checks each one (load, schema, per-profile rules:
cached by content, and spread over worker processes when there are many), then runs the
cross-profile rules on every schema-valid profile. It returns the valid profiles by name
and every problem found, sorted by file and line.

When `paths` are given, only those files (or the files under those directories) are
reported on, but the whole profiles directory is still read as context, so a secondary
whose primary lives in another file is not reported as dangling.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from trusthub.app.validation_cache import (
    NO_FACTS,
    NO_STATS,
    EncodedResult,
    StatCache,
    cacheable,
    collector_paused,
    encoded,
    fingerprint,
    load_cache,
    load_facts,
    result_keys,
    save_cache,
    save_facts,
    settled,
    stat_clock,
    stat_signature,
)
from trusthub.app.validation_cache import stat_record as record
from trusthub.config.settings import SETTINGS_FILE, Settings
from trusthub.errors import Location, Problem
from trusthub.load.discovery import SKIPPED_RULE, SourceFile, discover, display_path
from trusthub.load.documents import MAX_FILE_BYTES, DocumentError, read_limited
from trusthub.load.inheritance import FileDefaults, Inheritance, inherited_by
from trusthub.load.profile_document import ProfileDoc, SourceLocator
from trusthub.model.phone_facts import remember
from trusthub.rules import account_declared, workspace_problems
from trusthub.rules.file_checks import (
    FileResult,
    check_profile_file,
    check_profile_files,
    digest_of,
)

__all__ = ["LoadedWorkspace", "ProfileDoc", "load_workspace"]

# Below this many files to check, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD: Final = 400
CACHE_DIR: Final = "cache"


@dataclass(frozen=True, slots=True)
class LoadedWorkspace:
    profiles: dict[str, ProfileDoc]  # schema-valid profiles by name (first file wins)
    problems: list[Problem]  # sorted by file, line, column
    files_checked: int
    # Profiles whose file is not a valid profile, by the name it declares: file path.
    broken: dict[str, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def locate(self, name: str, json_path: Sequence[str | int]) -> Location:
        """Where `json_path` of profile `name` is written (for later reporting)."""
        return self.profiles[name].locate(json_path)


def skipped_profile_files(workspace: LoadedWorkspace) -> list[Problem]:
    """The warnings about files that look like profiles but are not read (`acme.YAML`):
    plan and apply repeat them, since the profile in such a file is planned for deletion."""
    return [p for p in workspace.problems if p.rule == SKIPPED_RULE]


def load_workspace(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    use_cache: bool = True,
    workers: int | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    whole: bool = True,
) -> LoadedWorkspace:
    """Load and check the profiles of the workspace (or those under `paths`, absolute or
    relative to the current directory). `workers`: processes for checking files; None
    chooses by the number of files and CPUs, 1 keeps everything in this process.

    `whole=False` is for a caller that wants the problems alone (`trusthub validate`): the
    profiles then hold only their facts (`trusthub.rules.workspace_facts`), which is all
    the workspace rules read, and the files whose content the cache knows are neither
    parsed nor checked again, nor is their data read from the cache."""
    root = settings.root
    problems: list[Problem] = []
    if paths is None and not settings.profiles_dir.is_dir():
        # An error, not an empty workspace: planning "no profiles" would delete them all.
        shown = display_path(root, settings.profiles_dir)
        message = f"the profiles directory {shown}/ does not exist; create it or set profiles:"
        problems.append(
            Problem(Location(shown, 1, 1), "missing-path", message + " in trusthub.yaml")
        )
    skip = [root / SETTINGS_FILE]  # checked by its own schema, never as a profile
    context = (
        discover(root, [settings.profiles_dir], skip=skip)
        if settings.profiles_dir.is_dir()
        else None
    )
    selected = discover(root, paths, skip=skip) if paths is not None else context
    files = _union(context.files if context else [], selected.files if selected else [])
    problems += selected.problems if selected else []

    inherited = {
        f.display: settings.defaults.for_file(f.path, settings.profiles_dir) for f in files
    }
    check = _check_files if whole else _check_files_for_facts
    results = check(
        settings, files, inherited, use_cache=use_cache, workers=workers, max_bytes=max_bytes
    )
    if whole:  # the plan asks for these numbers again: not looked up twice
        for result in results:
            remember(result.numbers)
    chosen = {f.display for f in selected.files} if selected else set()
    docs = [
        ProfileDoc(
            data["name"],
            r.display,
            data,
            SourceLocator(r.display, source.path, inheritance=_inheritance(inherited, r, data)),
            r.digest,
        )
        for source, r in zip(files, results, strict=True)
        if (data := r.data if whole else r.facts) is not None
    ]
    docs.sort(key=lambda d: (d.path in chosen, d.path))  # see trusthub.rules: clash order
    problems += [p for r in results if r.display in chosen for p in r.problems]
    broken = {r.broken_name for r in results if not r.valid and r.broken_name}
    problems += [p for p in workspace_problems(docs, broken) if _reported_on(p) in chosen]
    problems += [
        p for p in account_declared.check(docs, settings.account_names) if _reported_on(p) in chosen
    ]
    profiles: dict[str, ProfileDoc] = {}
    for doc in docs:
        if doc.path in chosen:
            profiles.setdefault(doc.name, doc)
    # A rejected symlink was looked at too: it counts as a file checked.
    rejected = {p.location.path for p in (selected.problems if selected else [])}
    broken_files = {
        r.broken_name: r.display
        for r in results
        if not r.valid and r.broken_name and r.display in chosen
    }
    return LoadedWorkspace(profiles, sorted(problems), len(chosen | rejected), broken_files)


def _union(context: list[SourceFile], selected: list[SourceFile]) -> list[SourceFile]:
    by_display = {f.display: f for f in context}
    by_display.update((f.display, f) for f in selected)
    return [by_display[d] for d in sorted(by_display)]


def _inheritance(
    inherited: Mapping[str, FileDefaults | None], result: FileResult, data: Mapping[str, Any]
) -> Inheritance | None:
    """The defaults `result`'s profile inherits, by its role (`data`: its data or facts)."""
    defaults = inherited.get(result.display)
    if defaults is None:
        return None
    return defaults.for_role(data.get("role"))


def _reported_on(problem: Problem) -> str:
    """The profile file a problem is about: where it is, or the file that inherited it."""
    return inherited_by(problem) or problem.location.path


def _check_files(
    settings: Settings,
    files: Sequence[SourceFile],
    inherited: Mapping[str, FileDefaults | None],
    *,
    use_cache: bool,
    workers: int | None,
    max_bytes: int,
) -> list[FileResult]:
    """One result per file, in order: from the cache when the content, and the defaults
    the file inherits, are unchanged."""
    cache_dir = settings.state_dir / CACHE_DIR
    stamp = fingerprint(max_bytes) if use_cache else ""
    cached = load_cache(cache_dir, stamp) if use_cache else {}
    results, todo, _stats = _unchanged(files, inherited, cached, max_bytes)
    checked, encoded_now = _run_checks(todo, workers=workers, max_bytes=max_bytes, whole=True)
    results.update(checked)
    if use_cache and (todo or set(cached) != set(results)):
        save_cache(cache_dir, stamp, _kept(results), encoded_now)
    return [results[source.display] for source in files]


def _check_files_for_facts(
    settings: Settings,
    files: Sequence[SourceFile],
    inherited: Mapping[str, FileDefaults | None],
    *,
    use_cache: bool,
    workers: int | None,
    max_bytes: int,
) -> list[FileResult]:
    """`_check_files` reading the facts part of the cache only: results without data (of
    the files checked now too, once their whole results are kept for the cache)."""
    cache_dir = settings.state_dir / CACHE_DIR
    stamp = fingerprint(max_bytes) if use_cache else ""
    previous = load_facts(cache_dir, stamp) if use_cache else NO_FACTS
    results, todo, stats = _unchanged(files, inherited, previous.results, max_bytes, previous.stats)
    checked, encoded_now = _run_checks(todo, workers=workers, max_bytes=max_bytes, whole=False)
    results.update(checked)
    kept = _kept(results)
    stats = {d: r for d, r in stats.items() if d in kept}
    if use_cache and (
        todo or set(previous.results) != set(results) or stats != previous.stats.records
    ):
        save_facts(cache_dir, stamp, kept, _kept(checked), previous, encoded_now, stats)
    return [_without_data(results[source.display]) for source in files]


def _without_data(result: FileResult) -> FileResult:
    if result.data is None:
        return result
    return FileResult(
        result.display, result.digest, None, result.problems, result.broken_name, result.facts
    )


def _kept(results: Mapping[str, FileResult]) -> dict[str, FileResult]:
    """The results the cache keeps (`validation_cache.cacheable`)."""
    return {d: r for d, r in results.items() if cacheable(r)}


def _unchanged(
    files: Sequence[SourceFile],
    inherited: Mapping[str, FileDefaults | None],
    cached: Mapping[str, FileResult],
    max_bytes: int,
    known: StatCache = NO_STATS,
) -> tuple[
    dict[str, FileResult],
    list[tuple[Path, str, bytes | None, FileDefaults | None]],
    dict[str, str],
]:
    """The cached results of the files whose bytes, and the defaults they inherit, are
    unchanged, what is left to check (with the bytes already read, when they were, and
    the defaults that may reach each file), and the stat records to keep (see
    `validation_cache.StatCache`: a file whose record in `known` matches its stat now is
    not read again; one whose content was read and hashed is recorded when settled)."""
    results: dict[str, FileResult] = {}
    todo: list[tuple[Path, str, bytes | None, FileDefaults | None]] = []
    stats: dict[str, str] = {}
    started = stat_clock()  # before any stat: see `settled`
    for source in files:
        defaults = inherited.get(source.display)
        hit = cached.get(source.display)
        if hit is None:  # nothing to compare with: let the checker read the file
            todo.append((source.path, source.display, None, defaults))
            continue
        signature = stat_signature(source.path, max_bytes)  # taken before the read
        recorded = known.digest(source.display, signature)
        if recorded is not None and hit.digest in result_keys(recorded, defaults):
            results[source.display] = hit
            stats[source.display] = known.records[source.display]
            continue
        try:
            raw = read_limited(source.path, source.display, max_bytes=max_bytes)
        except DocumentError as e:
            results[source.display] = FileResult(source.display, "", None, (e.to_problem(),))
            continue
        digest = digest_of(raw)
        if signature is not None and settled(signature, started):
            stats[source.display] = record(signature, digest)
        if hit.digest in result_keys(digest, defaults):
            results[source.display] = hit
        else:
            todo.append((source.path, source.display, raw, defaults))
    return results, todo, stats


def _run_checks(
    todo: Sequence[tuple[Path, str, bytes | None, FileDefaults | None]],
    *,
    workers: int | None,
    max_bytes: int,
    whole: bool,
) -> tuple[dict[str, FileResult], dict[str, EncodedResult]]:
    """The results of checking `todo` by display path, and those of them that worker
    processes encoded for the cache (decoded here as the cache would be: with their data
    when `whole`, else their facts alone)."""
    count = _worker_count(len(todo)) if workers is None else max(1, workers)
    if count == 1 or len(todo) < 2:
        checked = [
            check_profile_file(p, d, raw, max_bytes=max_bytes, defaults=defaults)
            for p, d, raw, defaults in todo
        ]
        return {r.display: r for r in checked}, {}
    # Imported here: `trusthub validate FILE` (the pre-commit hook) never starts workers.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers inherit the imported modules and built validators instead of
    # re-importing them (spawn would cost about 0.3 s per worker).
    context = multiprocessing.get_context("fork")
    size = max(1, -(-len(todo) // (count * 4)))  # a few chunks per worker evens out the load
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    results: dict[str, FileResult] = {}
    encoded_now: dict[str, EncodedResult] = {}
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        for chunk in pool.map(_checked_encoded, chunks, [max_bytes] * len(chunks)):
            with collector_paused():  # decoding, as when reading the cache
                for item in chunk:
                    if isinstance(item, EncodedResult):
                        encoded_now[item.display] = item
                        results[item.display] = item.decoded(whole=whole)
                    else:
                        results[item.display] = item
    return results, encoded_now


def _checked_encoded(
    files: Sequence[tuple[Path, str, bytes | None, FileDefaults | None]], max_bytes: int
) -> list[EncodedResult | FileResult]:
    """A worker's unit of work: `check_profile_files`, each result encoded for the cache
    where it is kept there (see `EncodedResult`)."""
    return [encoded(r) for r in check_profile_files(files, max_bytes)]


def _worker_count(files: int) -> int:
    # Forking a process that runs other threads (a sandbox server, say) can deadlock the
    # child on a lock one of them held; such callers check in this process instead.
    if files < PARALLEL_THRESHOLD or not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    affinity = getattr(os, "sched_getaffinity", None)
    cpus = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    return max(1, min(cpus, 4))
